#!/bin/bash
# make check's two minutes of the soak (make soak's guest side,
# soak/soak, which says what runs and what is checked), on the stock
# kernel: the ASSURED probes answer throughout while the firewall's table
# sits at its limit under a flood, namespaces with live entries come and
# go, conntrack -L/-C/-U/-D/-F/-E and the fuzzer work the live table, FTP
# sessions (plain and NATed) and sysctl changes go on; after each phase
# the counts and the nf_conntrack slab come back to their baseline, and
# the kernel log stays clean.  The counts are make soak's scaled to two
# minutes (namespaces cut further: under make check's load each takes
# about twenty seconds, and 5 a phase held each phase to 108 s instead
# of 60), without its reloads: make check's guests
# run multi-threaded TCG, which can freeze at the patching a reload does
# (short_soak_with_reloads_clean.sh, make soak).
# kct-test-cost: 200
# kct-test-timeout: 900
export SOAK_SECS=120 SOAK_PHASES=2 SOAK_NETNS=6 SOAK_RELOADS=0 \
	SOAK_MAX=4096 SOAK_FLOOD_RATE=1000 SOAK_PROBES=4 SOAK_PROBE_LIMIT=5 \
	SOAK_FUZZ=300 SOAK_SETTLE=60
exec bash "$(dirname "$0")/soak"
