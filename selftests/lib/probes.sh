# Counting how often kernel functions run, with kprobes (the Debian
# kernel has no nfnetlink_hook, so `nft list hooks` cannot say which
# hooks a namespace has): whether a hook function ran for a test's
# packets.  Source it after preamble.sh.

TRACING=/sys/kernel/tracing

# probes_add FUNC...: a kprobe on each FUNC, counting from now on
# (PROBES: the list, for probes_del).
probes_add() {
	local f
	PROBES="$*"
	mountpoint -q $TRACING || mount -t tracefs nodev $TRACING
	for f in $PROBES; do
		echo "-:kct_probe_$f" >>$TRACING/kprobe_events 2>/dev/null
		echo "p:kct_probe_$f $f" >>$TRACING/kprobe_events &&
			echo 1 >$TRACING/events/kprobes/kct_probe_$f/enable ||
			return 1
	done
}

# probes_hits: how often the probed functions ran, in all.
probes_hits() {
	awk '$1 ~ /^kct_probe_/ { n += $2 } END { print n + 0 }' \
		$TRACING/kprobe_profile
}

# probes_del: the kprobes gone.
probes_del() {
	local f
	for f in $PROBES; do
		echo 0 >$TRACING/events/kprobes/kct_probe_$f/enable
		echo "-:kct_probe_$f" >>$TRACING/kprobe_events
	done
}
