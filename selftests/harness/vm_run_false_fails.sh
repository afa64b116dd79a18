#!/bin/bash
# scripts/vm-run passes on the command's failure.
cd "$(dirname "$0")/../.." && ! scripts/vm-run -q -t 120 false
