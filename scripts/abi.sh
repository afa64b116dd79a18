#!/bin/sh
# The one place that decides which Debian 6.1 kernel kct is built and tested
# against.  Debian's linux-headers-amd64 metapackage moves to a new ABI over
# time; a cached answer keeps one build directory consistent with the image
# that was extracted for it.
#
# Prints the ABI (for example 6.1.0-56-amd64).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KCT_CACHE:-$top/.cache}
if [ -n "$KCT_ABI" ]; then
	echo "$KCT_ABI"
	exit 0
fi
if [ -s "$cache/abi" ]; then
	cat "$cache/abi"
	exit 0
fi
abi=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	sed -n 's/.*Depends: linux-headers-\(6\.1\.[0-9.-]*-amd64\)$/\1/p' | head -n1)
if [ -z "$abi" ]; then
	echo "abi.sh: cannot resolve the 6.1 ABI (run apt-get update)" >&2
	exit 1
fi
echo "$abi"
