#!/bin/bash
# net.kct.* holds only what stock nf_conntrack has no setting for
# (enable) and kct's views of its own table (count, buckets, which starts
# at stock's value); stock's net.netfilter.nf_conntrack_* settings are
# kct's for everything else (expect_max too).  A bad value is refused
# with EINVAL and changes nothing; buckets and count are read-only; and
# each namespace's new connections follow its own
# nf_conntrack_udp_timeout.
# kct-test-cost: 13
. "$(dirname "$0")/../lib/preamble.sh"
require_tool sysctl python3 ss

kct_load
ip netns add kct-a
ip netns add kct-b
for ns in kct-a kct-b; do ip -n $ns link set lo up; done

# sysctl_read NS KEY...: "key=value ..." from /proc/sys/net/kct (or,
# with a KEY starting with /, that file), in one process.
sysctl_read() {
	local ns=$1
	shift
	ip netns exec "$ns" bash -c '
		out=
		for k in "$@"; do
			f=/proc/sys/net/kct/$k
			[ "${k#/}" = "$k" ] || f=$k
			read -r v < "$f" || v=missing
			out="$out ${k##*/}=$v"
		done
		echo "${out# }"' sh "$@"
}

# sysctl_try NS KEY=VALUE...: write each VALUE to KEY; for each, "KEY=VALUE
# EINVAL unchanged" when refused with EINVAL and the value stays, else
# what happened.  One process.
sysctl_try() {
	local ns=$1
	shift
	ip netns exec "$ns" bash -c '
		for kv in "$@"; do
			k=${kv%%=*} f=/proc/sys/net/kct/${kv%%=*}
			read -r before < "$f"
			err=$( { printf "%s\n" "${kv#*=}" > "$f"; } 2>&1)
			read -r after < "$f"
			case "$err" in
			*"Invalid argument"*) err=EINVAL ;;
			*"Permission denied"*) err=EACCES ;;
			"") err=accepted ;;
			*) err="error($err)" ;;
			esac
			if [ "$before" = "$after" ]; then
				echo "$kv $err unchanged"
			else
				echo "$kv $err changed to $after"
			fi
		done' sh "$@"
}

ktap_expect "net.kct.* holds only what stock has no knob for, and views" \
	"buckets count enable" \
	"$(ip netns exec kct-a ls /proc/sys/net/kct | paste -sd' ')"
ktap_expect "defaults (new namespace)" "enable=1 count=0" \
	"$(sysctl_read kct-a enable count)"
ktap_expect "buckets: stock's own value" \
	"$(sysctl_read kct-a /proc/sys/net/netfilter/nf_conntrack_buckets |
		sed 's/nf_conntrack_//g')" \
	"$(sysctl_read kct-a buckets)"

bad=$(sysctl_try kct-a enable=2 enable=-1 enable=abc | grep -v " EINVAL unchanged$")
ktap_expect "bad values are refused with EINVAL and change nothing" "" "$bad"

ktap_expect "buckets and count are read-only" \
	"buckets=1024 EACCES unchanged
count=5 EACCES unchanged" \
	"$(sysctl_try kct-a buckets=1024 count=5)"

# Per namespace: a new UDP entry gets its own namespace's
# nf_conntrack_udp_timeout (stock's setting, kct's too).
ip netns exec kct-a sysctl -qw net.netfilter.nf_conntrack_udp_timeout=77
# Each entry is read as soon as it is made: on a slow kernel a 30 s entry
# can be gone by the time the other namespace's is made.
declare -A left
for ns in kct-a kct-b; do
	udp_sink $ns 5000
	pkt $ns udp --dst 127.0.0.1 --dport 5000
	left[$ns]=$(kct_timeout "$(kct_entry $ns "dport=5000")")
done
ktap_check "a new UDP entry there gets 77 s ($((77 - KCT_SLACK))..77)" \
	in_range "${left[kct-a]}" $((77 - KCT_SLACK)) 77
ktap_check "in the other namespace still 30 s ($((30 - KCT_SLACK))..30)" \
	in_range "${left[kct-b]}" $((30 - KCT_SLACK)) 30
ktap_done
