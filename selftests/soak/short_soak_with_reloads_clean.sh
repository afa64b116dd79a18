#!/bin/bash
# Two minutes of the soak with four reloads of kct, kct_ftp and
# kct_nat_ftp under the flood (make soak's guest side, soak/soak, which
# says what runs and what is checked), on whatever kernel the guest runs.
# Long tier: loading and unloading kct patches functions the flood runs
# on both CPUs, and multi-threaded TCG (make check's guests) can freeze
# there on a stale translation of the patching's int3, with nothing of
# kct loaded too (soak/reload_flood_lockup.sh, README).  Run it with
# KCT_VM_TCG=single, as make soak does; short_soak_clean.sh is make
# check's soak, without the reloads.
# kct-test-cost: 190
# kct-test-tier: long
# kct-test-timeout: 900
export SOAK_SECS=120 SOAK_PHASES=2 SOAK_NETNS=20 SOAK_RELOADS=4 \
	SOAK_MAX=4096 SOAK_FLOOD_RATE=1000 SOAK_PROBES=4 SOAK_PROBE_LIMIT=5 \
	SOAK_FUZZ=300 SOAK_SETTLE=60
exec bash "$(dirname "$0")/soak"
