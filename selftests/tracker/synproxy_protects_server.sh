#!/bin/bash
# SYNPROXY on the firewall protects the server, with kct tracking as with
# stock nf_conntrack, in the same guest.  The rules users write, with
# `net.netfilter.nf_conntrack_tcp_loose=0` (so that a client's ACK of a
# cookie is INVALID and reaches SYNPROXY):
#
#   nft:  table inet sp {
#           chain prerouting { type filter hook prerouting priority raw;
#             iif fw0 tcp dport 5001 tcp flags syn counter notrack }
#           chain forward { type filter hook forward priority filter; policy drop;
#             ct state established,related counter accept
#             iif fw0 tcp dport 5001 ct state invalid,untracked counter
#               synproxy mss 1460 wscale 7 timestamp sack-perm
#             ct state invalid counter drop } }
#   iptables (and ip6tables):
#         -t raw -A PREROUTING -i fw0 -p tcp --dport 5001 --syn -j CT --notrack
#         -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
#         -A FORWARD -i fw0 -p tcp --dport 5001 -m conntrack
#            --ctstate INVALID,UNTRACKED -j SYNPROXY --sack-perm --timestamp
#            --wscale 7 --mss 1460
#         -A FORWARD -m conntrack --ctstate INVALID -j DROP; -P FORWARD DROP
#
# For each (nft, iptables) x (IPv4, IPv6), what a user checks:
# - a connection through the proxy completes and 1 MiB from the server
#   arrives intact;
# - its entry, in /proc and in `conntrack -L`, is ESTABLISHED [ASSURED]
#   while open and TIME_WAIT (or CLOSE) once closed;
# - the seqadj effect: the client saw the proxy's cookie as the server's
#   initial sequence number, the server used its own, and the entry (as
#   ctnetlink dumps it: status SEQ_ADJUST, the reply direction's
#   offset, SYNPROXY's isn) bridges exactly that difference;
# - a flood of spoofed SYNs that never ACK leaves no entry and no SYN
#   reaches the server beyond the real client's one;
# - an ACK with a wrong cookie is dropped: no entry, nothing at the server,
#   /proc/net/stat/synproxy counts it as cookie_invalid;
# - /proc/net/stat/synproxy and the rule counters;
# - ctnetlink's events of the connection until the transfer is done,
#   with their status, sequence adjustment and SYNPROXY attributes (what
#   conntrackd replicates).
# Every line kct gives must be stock's, and stock's must be right.
# kct-test-cost: 356
# kct-test-tier: long
# kct-test-timeout: 1200
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool nft iptables ip6tables conntrack socat tcpdump sha256sum python3

SIZE=$((1024 * 1024))
FLOOD=40
CPORT=40001	# the real client's port
BADPORT=40999	# the wrong-cookie ACK's port
DIR=/tmp/kct-tcp-synproxy
DATA=$DIR/data
OUT=$DIR/out
END=$DIR/end
mkdir -p $DIR
head -c $SIZE /dev/urandom >$DATA
WANT_SUM=$(sha256sum <$DATA | cut -d' ' -f1)
trap 'topo_destroy >/dev/null 2>&1; rm -rf $DIR /tmp/kct-tcp-*' EXIT

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
size_at_least() { [ "$(size_of "$1")" -ge "$2" ]; }

# synproxy_stat NAME: /proc/net/stat/synproxy's column NAME of the
# firewall, summed over CPUs.
synproxy_stat() { proc_stat $FW synproxy "$1"; }
stat_is() { [ "$(synproxy_stat "$1")" = "$2" ]; }

# rules_nft / rules_ipt FAM: the ruleset of the header.
rules_nft() {
	in_fw nft -f - <<NFT
table inet sp {
	counter syns {}
	counter est {}
	counter proxied {}
	counter invalid {}
	chain prerouting {
		type filter hook prerouting priority raw; policy accept;
		iif fw0 tcp dport 5001 tcp flags syn counter name syns notrack
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter name est accept
		iif fw0 tcp dport 5001 ct state invalid,untracked counter name proxied synproxy mss 1460 wscale 7 timestamp sack-perm
		ct state invalid counter name invalid drop
	}
}
NFT
}
rules_ipt() {
	local ipt=iptables
	[ "$1" = 6 ] && ipt=ip6tables
	in_fw $ipt -t raw -A PREROUTING -i fw0 -p tcp --dport 5001 --syn \
		-m comment --comment syns -j CT --notrack
	in_fw $ipt -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED \
		-m comment --comment est -j ACCEPT
	in_fw $ipt -A FORWARD -i fw0 -p tcp --dport 5001 \
		-m conntrack --ctstate INVALID,UNTRACKED -m comment --comment proxied \
		-j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460
	in_fw $ipt -A FORWARD -m conntrack --ctstate INVALID \
		-m comment --comment invalid -j DROP
	in_fw $ipt -P FORWARD DROP
}

# rule_counts FRONTEND FAM: "syns=N proxied=N invalid=N est>0=yes|no".
rule_counts() {
	local c ipt=iptables
	if [ "$1" = nft ]; then
		c="$(nft_counter $FW inet sp syns) $(nft_counters $FW inet sp)"
	else
		[ "$2" = 6 ] && ipt=ip6tables
		c="$(ipt_counters $FW $ipt raw PREROUTING) $(ipt_counters $FW $ipt filter FORWARD)"
	fi
	awk -v c="$c" 'BEGIN {
		n = split(c, x, " ")
		for (i = 1; i <= n; i++) { split(x[i], kv, "="); v[kv[1]] = kv[2] }
		printf "syns=%d proxied=%d invalid=%d est>0=%s\n",
			v["syns"], v["proxied"], v["invalid"], (v["est"] > 0 ? "yes" : "no") }'
}

# sv_counts: "syn=N bad=N": SYNs to port 5001 that reached the server,
# and segments from the wrong-cookie ACK's port.
sv_counts() {
	echo "syn=$(nft_counter $SV inet svc syn) bad=$(nft_counter $SV inet svc bad)"
}

# isn_of IN_OR_OUT IFACE: the sequence number of the SYN/ACK of the real
# connection the firewall's capture saw on IFACE.
isn_of() {
	awk -v dir="$1" -v ifc="$2" -v to="$3.$CPORT:" '
		$2 == ifc && $3 == dir && $0 ~ ("> " to) {
			for (i = 1; i <= NF; i++) if ($i == "seq") { sub(",", "", $(i + 1)); print $(i + 1); exit }
		}' $DIR/sniff
}

# one_run TRACKER FRONTEND FAM: the whole story, printing one
# "FRONTEND/FAM what: value" line per step.
one_run() {
	local who=$1 fe=$2 fam=$3 cl=$CL4 sv=$SV4 table tag="$2/ipv$3" line
	local listen=TCP4-LISTEN connect="TCP4:$SV4" filt sniff c s dump want evlistener
	local spoof=192.0.2.%d
	if [ "$fam" = 6 ]; then
		cl=$CL6 sv=$SV6 listen=TCP6-LISTEN connect="TCP6:[$SV6]"
		spoof=2001:db8:1::1:%x
	fi
	table=$(diff_proc_table "$who")
	tcp_ends "$fam" $CPORT 5001
	TF_TABLE=$table
	rm -f $OUT $END $DIR/sniff
	topo_create
	short_lived_last
	in_fw modprobe nf_conntrack
	in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	if [ "$fe" = nft ]; then rules_nft; else rules_ipt "$fam"; fi
	in_sv nft -f - <<NFT
table inet svc {
	counter syn {}
	counter bad {}
	chain in {
		type filter hook input priority -500; policy accept;
		tcp dport 5001 tcp flags syn counter name syn
		tcp sport $BADPORT counter name bad
	}
}
NFT
	# Both SYN/ACKs of the real connection: the server's, arriving on
	# fw1, and the proxy's (the cookie), leaving on fw0.
	if [ "$fam" = 6 ]; then
		filt="tcp port 5001 and ip6[53] & 18 == 18"
	else
		filt="tcp port 5001 and tcp[13] & 18 == 18"
	fi
	in_fw tcpdump -i any -n -S -l "$filt" >$DIR/sniff 2>$DIR/sniff.err &
	sniff=$!
	wait_for grep -q 'listening on' $DIR/sniff.err

	# What ctnetlink's events say of the connection, SYNPROXY's and the
	# sequence adjustment's attributes included.
	in_fw python3 "$KCT_LIB/ct_seqadj.py" --events "$fam" 5001 >$DIR/events 2>&1 &
	evlistener=$!
	wait_for ct_events_ready $FW 1
	in_sv bash -c "cat $DATA; while [ ! -e $END ]; do sleep 0.2; done" |
		in_sv socat -u - "$listen:5001,reuseaddr" >/dev/null 2>&1 &
	wait_for tcp_listening $SV 5001
	in_cl socat -u "$connect:5001,sourceport=$CPORT,connect-timeout=$KCT_CLIENT_WAIT" \
		"OPEN:$OUT,creat,trunc" >/dev/null 2>&1 &
	poll 60 size_at_least $OUT $SIZE
	echo "$tag 1 MiB arrives intact: $([ "$(head -c $SIZE $OUT | sha256sum | cut -d' ' -f1)" = "$WANT_SUM" ] && echo yes || echo no)"
	echo "$tag open, /proc: $(fw_state ESTABLISHED)"
	line=$(in_fw conntrack -L -f ipv$fam -p tcp --dport 5001 2>/dev/null | lines_with "sport=$CPORT ")
	echo "$tag open, conntrack -L: $(sed -E 's/^(tcp +6 )[0-9]+ /\1T /' <<<"$line")"

	kill $sniff 2>/dev/null
	wait $sniff 2>/dev/null
	c=$(isn_of Out fw0 "$cl")
	s=$(isn_of In fw1 "$cl")
	dump=$(ip netns exec $FW python3 "$KCT_LIB/ct_seqadj.py" "$fam" 5001)
	echo "$tag open, status: ${dump%% *}"
	want="seqadj_orig=0/0/0 seqadj_reply=0/$(((c - s) & 0xffffffff))/$(((c - s) & 0xffffffff)) synproxy=$c/"
	if [ -n "$c" ] && [ -n "$s" ] && [ "$c" != "$s" ] &&
	   [[ ${dump#* } == "$want"* ]]; then
		echo "$tag open, seqadj bridges cookie and server ISN: yes"
	else
		echo "$tag open, seqadj bridges cookie and server ISN: no (cookie $c, server $s, want $want, dump $dump)"
	fi

	# The events of the handshake and the transfer, once the
	# adjustment's has come.  The close's are left out: it passes one
	# state per event, and how many depends on how the FINs and ACKs
	# happen to meet (one more or fewer between runs, on stock too).
	poll 10 grep -q 'seqadj_orig=0/0/0' $DIR/events
	cp $DIR/events $DIR/events.open
	touch $END
	# The ends close with FINs, or now and then (on stock too) one end
	# answers a late segment with an RST: TIME_WAIT or CLOSE.
	line=$(fw_state TIME_WAIT)
	echo "$tag closed, /proc: $(sed -E 's/ (TIME_WAIT|CLOSE) src=/ TIME_WAIT|CLOSE src=/' <<<"$line")"
	kill $evlistener 2>/dev/null
	wait $evlistener 2>/dev/null
	# Numbers differ between runs (cookies, ISNs): nonzero ones masked.
	echo "$tag events: $(sed -E 's/(^|[=/])[1-9][0-9]*/\1N/g' $DIR/events.open | paste -sd'|')"

	ip netns exec $CL python3 "$KCT_LIB/syn_flood.py" --dst "$sv" \
		--dport 5001 --count $FLOOD --src-fmt "$spoof"
	poll 20 stat_is syn_received $((FLOOD + 1))
	pkt $CL tcp --dst "$sv" --sport $BADPORT --dport 5001 --flags A \
		--seq 1000 --ack 123456
	poll 10 stat_is cookie_invalid 1
	echo "$tag after flood and bad ACK, entries to port 5001: $(lines_with dport=5001 < <(in_fw cat /proc/net/$table) | grep -vc "sport=$CPORT ")"
	echo "$tag at the server: $(sv_counts)"
	echo "$tag /proc/net/stat/synproxy: $(for k in syn_received cookie_invalid cookie_valid cookie_retrans conn_reopened; do printf '%s=%s ' $k "$(synproxy_stat $k)"; done)"
	echo "$tag rule counters: $(rule_counts "$fe" "$fam")"
	topo_destroy
}

scenario() {
	local fe fam
	diff_tracker "$1"
	for fe in nft iptables; do
		for fam in 4 6; do
			one_run "$1" $fe $fam
		done
	done
}

diff_run scenario 44

# Stock's answers are right.
for i in "${!DIFF_STOCK[@]}"; do
	l=${DIFF_STOCK[$i]}
	case "$l" in
	*"arrives intact: "* | *"bridges cookie and server ISN: "*)
		ktap_expect "stock: ${l%%: *}" yes "${l##*: }" ;;
	*"open, /proc: "*)
		ktap_check "stock: ${l%%: *} ESTABLISHED [ASSURED]" \
			has_flag "$l" "[ASSURED]" ;;
	*"status: "*)
		ktap_expect "stock: ${l%%: *}" \
			"status=SEEN_REPLY|ASSURED|CONFIRMED|SEQ_ADJUST" "${l##*: }" ;;
	*" events: "*)
		ktap_check "stock: ${l%%: *} carry SYNPROXY's state, then the adjustment" \
			grep -q "synproxy=N/N/N|.*SEQ_ADJUST seqadj_orig=0/0/0 seqadj_reply=0/N/N " <<<"$l" ;;
	*"entries to port 5001: "*)
		ktap_expect "stock: ${l%%: *} none" 0 "${l##*: }" ;;
	*"at the server: "*)
		ktap_expect "stock: ${l%%: *} one SYN, no bad ACK" "syn=1 bad=0" "${l##*: }" ;;
	*"synproxy: "*)
		ktap_expect "stock: ${l%%: *}" \
			"syn_received=$((FLOOD + 1)) cookie_invalid=1 cookie_valid=1 cookie_retrans=0 conn_reopened=0 " \
			"${l##*: }" ;;
	esac
done
diff_compare
ktap_done
