#!/bin/bash
# `conntrack -U` changes kct's entries as it changes stock's.  The same
# entries, once with stock nf_conntrack and its ctnetlink, once with kct,
# in the same guest: TCP in several states, UDP, ICMP, IPv4 and IPv6 made
# with `conntrack -I` (one in zone 5, which conntrack -U cannot update:
# it names no zone; one with FIXED_TIMEOUT, one made
# before any rule used labels), and real connections through the firewall
# (TCP both families, one with the FTP helper, a ping, a UDP datagram).
# Then the same updates, always with a family (-f: conntrack 1.4.7 sends
# AF_UNSPEC without one, and both kernels refuse that), by whole tuple and
# by filter (conntrack updates every entry its filters select): a mark,
# a mark under a mask, a timeout (EPERM on a FIXED_TIMEOUT entry), status
# bits (ASSURED, SEEN_REPLY are set, EXPECTED is refused with EBUSY,
# conntrack leaves the NAT bits out with a warning), a TCP state, labels
# added and removed (ENOSPC on an entry without room for labels), an
# update that selects nothing.  Of an update of several, only the
# summary is compared: which entries conntrack prints follows the dump's
# (the hash's) order, and a refused update in it (ENOENT, EPERM) makes
# conntrack stop or go on depending on what comes next, so the updates
# of several here are of entries that take them.  Each command's exit status and output (countdowns aside), and
# `conntrack -L -o extended` afterwards, line by line, must be stock's;
# so must the countdowns an update set.
# What the conntrack command cannot send is sent as a raw ctnetlink
# update (ctnetlink_update.py), with stock's answer expected: a missing
# entry (ENOENT), NLM_F_EXCL on an existing one (EEXIST), a status that
# clears bits (EBUSY), the entry's own helper again (accepted), a helper
# that does not exist (EOPNOTSUPP), a helper on an entry without one
# (EOPNOTSUPP), taking the helper away (accepted: the helper goes), NAT
# or a master on an existing entry (EOPNOTSUPP), labels not in whole
# words or with a mask of another length or empty (EINVAL), sequence
# adjustment and SYNPROXY on an entry without them (accepted, nothing to
# change), an unknown TCP state (ERANGE), TCP state on a UDP entry
# (accepted, nothing to change), the entry's zone (needed to find it),
# the reply tuple instead of the original.
# kct-test-cost: 178
# kct-test-tier: long
# kct-test-timeout: 900
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft python3 socat ss ping

raw=$(cd "$(dirname "$0")" && pwd)/ctnetlink_update.py

map=/etc/xtables/connlabel.conf
cleanup='topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-* /tmp/kct-tcp-*
	rmmod nf_conntrack_ftp kct_ftp nf_conntrack_netlink 2>/dev/null'
if [ ! -e $map ]; then
	mkdir -p /etc/xtables
	printf '1 web\n3 blue\n' >$map
	cleanup="$cleanup; rm -f $map"
fi
if [ ! -e /etc/connlabel.conf ]; then
	cp $map /etc/connlabel.conf
	cleanup="$cleanup; rm -f /etc/connlabel.conf"
fi
# shellcheck disable=SC2064  # the command is complete now
trap "$cleanup" EXIT

# Every lifetime is a normal run's times the patience: on the debug
# kernel one half of the scenario takes longer than 1000 s, and entries
# that expire on the way make both trackers' listings shorter.
P=$KCT_PATIENCE

# Made before any rule of the namespace uses labels: no room for them.
EARLY="-I -p udp -s $CL4 -d $SV4 --sport 43009 --dport 5009 -t $((1000 * P))"
ENTRIES="-I -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7000 --state ESTABLISHED -t $((1000 * P)) -u SEEN_REPLY
-I -p tcp -s $CL4 -d $SV4 --sport 42002 --dport 7002 --state SYN_SENT -t $((1000 * P))
-I -p tcp -s $CL4 -d $SV4 --sport 42003 --dport 7003 --state TIME_WAIT -t $((1000 * P))
-I -p tcp -s $CL6 -d $SV6 --sport 42001 --dport 7001 --state ESTABLISHED -t $((1000 * P)) -m 3
-I -p udp -s $CL4 -d $SV4 --sport 43000 --dport 5000 -t $((1000 * P))
-I -p udp -s $CL6 -d $SV6 --sport 43001 --dport 5001 -t $((1000 * P)) -u SEEN_REPLY
-I -p udp -s $CL4 -d $SV4 --sport 43004 --dport 5004 -t $((3000 * P)) -u FIXED_TIMEOUT
-I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 43005 --dport 5005 -t $((1000 * P)) -w 5
-I -t $((1000 * P)) -p icmp -s $CL4 -d $SV4 --icmp-type 8 --icmp-code 0 --icmp-id 77
-I -t $((1000 * P)) -p icmpv6 -s $CL6 -d $SV6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 78"

UPDATES="-U -f ipv4 -p tcp --sport 42000 -m 7
-U -f ipv6 -p tcp --sport 42001 -m 0x10/0x30
-U -f ipv4 -p tcp -s $CL4 -d $SV4 --sport 42002 --dport 7002 -t $((300 * P))
-U -f ipv4 -p tcp -r $SV4 -q $CL4 --reply-port-src 7002 --reply-port-dst 42002 -m 12
-U -f ipv4 -p udp --sport 43000 -u ASSURED
-U -f ipv4 -p udp --sport 43000 -u SEEN_REPLY
-U -f ipv4 -p udp --sport 43000 -u EXPECTED
-U -f ipv4 -p udp --sport 43000 -u DST_NAT -m 4
-U -f ipv4 -p udp --sport 43004 -t $((500 * P))
-U -f ipv4 -p udp --sport 43004 -u ASSURED -m 9
-U -f ipv4 -p udp --sport 43004 -t $((500 * P)) -m 10
-U -f ipv4 -p tcp --sport 42000 --state FIN_WAIT
-U -f ipv4 -p tcp --sport 42003 --state ESTABLISHED -t $((200 * P))
-U -f ipv4 -p tcp --sport 42002 -u ASSURED
-U -f ipv4 -p tcp -m 0x100/0x100
-U -f ipv6 -t $((250 * P))
-U -f ipv4 -p tcp --sport 42100 --label-add blue
-U -f ipv4 -p tcp --sport 42100 --label-add web
-U -f ipv4 -p tcp --sport 42100 --label-del blue
-U -f ipv4 -p tcp --sport 42000 --label-add web
-U -f ipv4 -p udp --sport 43009 --label-add web
-U -f ipv4 -p icmp -m 11
-U -f ipv6 -p icmpv6 -u ASSURED
-U -f ipv4 -p udp --sport 43005 -m 5
-U -f ipv4 -p tcp --dport 21 -m 21
-U -f ipv4 -p udp --sport 59999 -m 1
-U -f ipv4 -s $CL4 -p udp -m 0x20/0x20
-U -f ipv4 -p udp --sport 43100 -t $((400 * P))"

# The raw updates: a name, then ctnetlink_update.py's arguments.
T4="4 tcp $CL4 $SV4"
U4="4 udp $CL4 $SV4"
RAW="missing entry: $U4 59998 5998 mark=1
NLM_F_EXCL on an existing entry: $U4 43000 5000 flags=excl mark=2
status clearing SEEN_REPLY: $T4 42000 7000 status=0x8
status with unknown and unchangeable bits: $T4 42002 7002 status=0x4000018c
its own helper again: $T4 42021 21 helper=ftp
a helper that does not exist: $T4 42021 21 helper=nosuch
a helper on an entry without one: $T4 42000 7000 helper=ftp
NAT on an existing entry: $U4 43000 5000 natsrc=192.0.2.99
a master on an existing entry: $U4 43000 5000 master=1
labels not in whole words: $T4 42100 7100 labels=010203
labels and a mask of another length: $T4 42100 7100 labels=00000002 labelsmask=0000000200000000
an empty label mask: $T4 42100 7100 labels= labelsmask=
sequence adjustment on an entry without it: $T4 42100 7100 seqadj=1
SYNPROXY on an entry without it: $T4 42100 7100 synproxy=1
an unknown TCP state: $T4 42002 7002 tcpstate=200
a TCP state on a UDP entry: $U4 43000 5000 tcpstate=3
a zoned entry without its zone: 4 udp 10.0.0.1 10.0.0.2 43005 5005 mark=6
a zoned entry in its zone: 4 udp 10.0.0.1 10.0.0.2 43005 5005 zone=5 mark=6
by the reply tuple: 4 tcp $SV4 $CL4 7003 42003 dir=reply mark=13
taking the helper away: $T4 42021 21 helper="

# setup TRACKER: the topology, its rules, the entries and the traffic.
setup() {
	local args
	topo_create
	in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$((600 * P)) \
		net.netfilter.nf_conntrack_icmp_timeout=$((600 * P)) \
		net.netfilter.nf_conntrack_icmpv6_timeout=$((600 * P))
	# shellcheck disable=SC2086  # the line is the words of a command
	in_fw conntrack $EARLY >/dev/null 2>&1 || echo "setup failed: conntrack $EARLY"
	# A rule setting labels (on nothing here) gives new entries room
	# for them, on both trackers.
	in_fw nft -f - <<'NFT'
table inet upd {
	counter web {}
	chain forward_filter {
		type filter hook forward priority 0;
		ct state established,related,new accept
		ct label web counter name web
		tcp dport 9 ct label set web
	}
}
table ip ftp {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
}
NFT
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		in_fw conntrack $args >/dev/null 2>&1 || echo "setup failed: conntrack $args"
	done <<<"$ENTRIES"
	# Open longer than the test runs on a slow machine.
	ct_tcp_hold 4 42100 7100 $((900 * KCT_PATIENCE))
	ct_tcp_hold 6 42101 7101 $((900 * KCT_PATIENCE))
	ct_tcp_hold 4 42021 21 $((900 * KCT_PATIENCE))
	in_cl ping -c1 -W$((2 * KCT_PATIENCE)) $SV4 >/dev/null
	echo x | in_cl socat -u - UDP4:$SV4:5100,sourceport=43100 >/dev/null 2>&1
	wait_for sh -c "ip netns exec $FW conntrack -L -p udp --sport 43100 2>/dev/null | grep -q dport=5100"
}

# left SPORT: the countdown of the entry from SPORT, from conntrack -L.
left() {
	in_fw conntrack -L -o extended 2>/dev/null | awk -v p="sport=$1" '
		{ for (i = 1; i <= NF; i++) if ($i == p) { print $5; exit } }'
}

# countdown UPDATE SPORT SECS: whether UPDATE (conntrack -U's words) set
# the countdown of the entry from SPORT, now at most SECS.
countdown() {
	echo "countdown of $1 ($2): $(in_range "$(left "$2")" 1 "$3" >/dev/null && echo set)"
}

# scenario stock|kct: one line per step.
scenario() {
	local args out rc line
	diff_tracker "$1"
	if [ "$1" = stock ]; then
		modprobe nf_conntrack_ftp || echo "modprobe nf_conntrack_ftp failed"
	else
		modprobe kct_ftp || echo "modprobe kct_ftp failed"
	fi
	setup
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		in_fw conntrack $args >/tmp/kct-ct-upd-out 2>/tmp/kct-ct-upd-err
		rc=$?
		out="$(ct_norm </tmp/kct-ct-upd-out | tr '\n' ' ')/ $(tr '\n' ' ' </tmp/kct-ct-upd-err)"
		# Of an update of several, conntrack prints some entries and
		# errors, which ones following the dump's (the hash's) order:
		# only its summary is compared.
		if ! grep -q ' 1 flow entries have been updated' /tmp/kct-ct-upd-err &&
			grep -q 'flow entries' /tmp/kct-ct-upd-err; then
			out=$(grep 'flow entries' /tmp/kct-ct-upd-err)
		fi
		echo "conntrack $args: status $rc: $out"
	done <<<"$UPDATES"
	while IFS= read -r line; do
		# shellcheck disable=SC2086
		echo "raw update, ${line%%: *}: $(in_fw python3 "$raw" ${line#*: } 2>&1)"
	done <<<"$RAW"
	countdown "-t $((300 * P))" 42002 $((300 * P))
	countdown "-t $((200 * P))" 42003 $((200 * P))
	countdown "-f ipv6 -t $((250 * P))" 42101 $((250 * P))
	countdown "-t $((400 * P))" 43100 $((400 * P))
	echo "fixed countdown kept (43004): $(in_range "$(left 43004)" $((1000 * P)) $((3000 * P)) >/dev/null && echo kept)"
	in_fw conntrack -L -o extended 2>/dev/null | ct_norm | sed 's/^/conntrack -L -o extended: /'
	in_fw conntrack -L -o labels -f ipv4 -p tcp 2>/dev/null | ct_norm |
		sed 's/^/conntrack -L -o labels: /'
	topo_destroy
	# The helper modules go once the namespaces' rules are gone.
	if [ "$1" = stock ]; then
		wait_for rmmod nf_conntrack_ftp
	else
		wait_for rmmod kct_ftp
	fi
	nft flush ruleset
}

diff_run scenario 74
# What stock is known to do, so that an entry gone before its step
# (both listings shorter, both countdowns empty) cannot pass as a match.
diff_stock_shows "countdown of -t $((300 * P)) (42002): set" \
	"countdown of -t $((400 * P)) (43100): set" \
	"fixed countdown kept (43004): kept" \
	"raw update, a zoned entry in its zone: 0"
diff_compare
ktap_done
