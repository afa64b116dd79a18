#!/bin/bash
# `conntrack` names the helper of an FTP control connection as it does
# with stock: `helper=ftp` in `-L` and `-G` in every TCP state the
# connection passes (SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT,
# CLOSE_WAIT, LAST_ACK, TIME_WAIT; SYN_SENT2 and CLOSE on two more
# connections), and in its NEW and UPDATE events (`conntrack -E`), not in
# DESTROY, as stock.  IPv4 gets the helper from `-j CT --helper ftp`,
# IPv6 from an nft `ct helper` object.  The segments are made by hand
# (real stacks pass the middle states too fast to list), once with stock
# nf_conntrack, nf_conntrack_ftp and nf_conntrack_netlink, once with kct
# and kct_ftp; every line must be stock's, countdowns aside (UPDATE
# events: each distinct line, however often it came).
# kct-test-cost: 147
# kct-test-tier: long
# kct-test-timeout: 600
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft iptables python3

# Stock's modules must not outlive the test (the runner does not know them).
trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-* /tmp/kct-tcp-*
	rmmod nf_conntrack_ftp nf_conntrack_netlink 2>/dev/null' EXIT
ev=/tmp/kct-ct-helper-events

# The helper assigned the two ways users write it, to connections to
# port 21: -j CT for IPv4, an nft ct helper object for IPv6.
helper_rules() {
	in_fw iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp
	in_fw nft -f - <<'NFT'
table ip6 ftp_helper {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
}
NFT
}

# ev_norm: events without their countdowns, and with only the mark of a
# DESTROY asked for by a command ("[USERSPACE]"), not its portid or name.
ev_norm() {
	sed -E 's/^( *\[[A-Z]+\] +[a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /; s/ \[USERSPACE\].*$/ [USERSPACE]/'
}

# ct_state_lines STATE: wait for the flow's entry in STATE, then print
# what `conntrack -L` and `conntrack -G` say of it, normalised.
ct_state_lines() {
	fw_state "$1" >/dev/null
	echo "-L: $(in_fw conntrack -L -p tcp --sport $TF_CP 2>&1 | ct_norm)"
	echo "-G: $(in_fw conntrack -G -p tcp -s $TF_CL -d $TF_SV \
		--sport $TF_CP --dport 21 2>&1 | ct_norm)"
}

# walk FAM: three control connections of family FAM, one segment at a
# time (the first through the whole life of a connection, the client
# closing first; the second opened by both ends at once; the third reset
# once established), printing after each segment what -L and -G show,
# then removed with conntrack -D.
walk() {
	local p=$((41000 + $1 * 10))
	tcp_flow "$1" $p 21
	seg "cl S --wscale 7 --sack-perm --mss 1460"
	ct_state_lines SYN_SENT
	seg "sv SA --wscale 7 --sack-perm --mss 1460"
	ct_state_lines SYN_RECV
	seg "cl A"
	ct_state_lines ESTABLISHED
	seg "cl PA --data 100" "sv A"
	ct_state_lines ESTABLISHED
	seg "cl FA"
	ct_state_lines FIN_WAIT
	seg "sv A"
	ct_state_lines CLOSE_WAIT
	seg "sv FA"
	ct_state_lines LAST_ACK
	seg "cl A"
	ct_state_lines TIME_WAIT
	in_fw conntrack -D -p tcp --sport $p >/dev/null 2>&1
	tcp_flow "$1" $((p + 1)) 21
	seg "cl S --wscale 7" "sv S --wscale 7"
	ct_state_lines SYN_SENT2
	in_fw conntrack -D -p tcp --sport $((p + 1)) >/dev/null 2>&1
	tcp_flow "$1" $((p + 2)) 21
	seg "cl S" "sv SA" "cl A" "cl RA"
	ct_state_lines CLOSE
	in_fw conntrack -D -p tcp --sport $((p + 2)) >/dev/null 2>&1
}

# run NAME: the walks of both families with a conntrack -E listening;
# leaves NAME.4, NAME.6 (listings) and NAME.ev4, NAME.ev6 (events).
# NAME is also the table the walks wait in (/proc/net/kct or
# /proc/net/nf_conntrack).
run() {
	local evpid
	TF_TABLE=$1
	helper_rules
	# CLOSE lasts 10 s by default, LAST_ACK 30 s, SYN_RECV and
	# CLOSE_WAIT 60 s: longer, to be listed on a slow kernel (the debug
	# kernel took more than 30 s from LAST_ACK to its listing).
	local t
	for t in close last_ack syn_recv close_wait; do
		in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_$t=$((120 * KCT_PATIENCE))
	done
	# Not through in_fw: $! must be conntrack's own pid (ip execs it).
	ip netns exec $FW conntrack -E -p tcp >$ev 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
	# The families side by side: a run takes half as long.
	walk 6 >/tmp/kct-ct-$1.6 &
	walk 4 >/tmp/kct-ct-$1.4
	wait $!
	# Three DESTROY events per family end the walks.
	wait_for sh -c "[ \$(grep -c DESTROY $ev) -ge 6 ]"
	kill $evpid
	wait $evpid 2>/dev/null
	grep "sport=4104[012] " $ev | ev_norm >/tmp/kct-ct-$1.ev4
	grep "sport=4106[012] " $ev | ev_norm >/tmp/kct-ct-$1.ev6
}

topo_create
ct_stock
if ! modprobe nf_conntrack_ftp; then
	ktap_fail "modprobe nf_conntrack_ftp"
	ktap_done
fi
run nf_conntrack
topo_destroy
# The rules holding stock's helper go with the namespaces, a moment later.
wait_for rmmod nf_conntrack_ftp
nft flush ruleset

ct_load
modprobe kct_ftp || ktap_fail "modprobe kct_ftp"
topo_create
run kct

for fam in 4 6; do
	s=/tmp/kct-ct-nf_conntrack.$fam k=/tmp/kct-ct-kct.$fam
	ktap_expect "IPv$fam: stock names the helper in all 10 listings and answers" \
		20 "$(grep -c ' helper=ftp ' $s)"
	ktap_expect "IPv$fam: -L and -G in every TCP state: stock's lines" \
		"$(cat $s)" "$(cat $k)"
	s=/tmp/kct-ct-nf_conntrack.ev$fam k=/tmp/kct-ct-kct.ev$fam
	ktap_check "IPv$fam: stock's NEW and UPDATE events name the helper" \
		sh -c "! grep -E 'NEW|UPDATE' $s | grep -v ' helper=ftp' && grep -q 'NEW.* helper=ftp' $s"
	ktap_expect "IPv$fam: NEW events: stock's" \
		"$(grep NEW $s)" "$(grep NEW $k)"
	ktap_expect "IPv$fam: UPDATE events: stock's" \
		"$(grep UPDATE $s | sort -u)" "$(grep UPDATE $k | sort -u)"
	ktap_expect "IPv$fam: DESTROY events: stock's (no helper)" \
		"$(grep DESTROY $s)" "$(grep DESTROY $k)"
done
ktap_done
