#!/bin/bash
# Stock's timeout sysctls (net.netfilter.nf_conntrack_*_timeout*) and
# nf_conntrack_tcp_max_retrans are the knobs of kct too: set in the
# firewall's namespace while kct runs, each gives kct's new or refreshed
# connections the countdown it gives stock's (same packets, same guest):
# every TCP state of a connection, its unacknowledged data, its
# retransmissions, its RST; UDP one way and as a stream; ICMP, ICMPv6;
# an unknown protocol.  They are per namespace, as stock's: the client's
# entries keep the client's own values.  (SCTP's timeouts:
# sctp_states_vs_stock; tcp_loose, tcp_be_liberal,
# tcp_ignore_invalid_rst, checksum, log_invalid: their own tests.)
# kct-test-cost: 75
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

# Each its own value, so that a countdown tells which one it got.  The
# unacknowledged and retransmission timeouts only ever shorten a longer
# one (stock also gives a SYN the latter when shorter): only the
# established timeout is longer than they are.
TIMEOUTS="tcp_timeout_syn_sent=101 tcp_timeout_syn_recv=102
tcp_timeout_established=203 tcp_timeout_fin_wait=104
tcp_timeout_close_wait=105 tcp_timeout_last_ack=106
tcp_timeout_time_wait=107 tcp_timeout_close=108
tcp_timeout_unacknowledged=193 tcp_timeout_max_retrans=183
udp_timeout=211 udp_timeout_stream=212 icmp_timeout=213
icmpv6_timeout=214 generic_timeout=215"

# The steps observe() prints, each with the timeout it should show.
STEPS=(
	"SYN:tcp_timeout_syn_sent" "SYN/ACK:tcp_timeout_syn_recv"
	"ACK:tcp_timeout_established"
	"data not yet acknowledged:tcp_timeout_unacknowledged"
	"the data again, tcp_max_retrans=1:tcp_timeout_max_retrans"
	"its ACK, then FIN:tcp_timeout_fin_wait"
	"ACK of FIN:tcp_timeout_close_wait"
	"FIN back:tcp_timeout_last_ack" "last ACK:tcp_timeout_time_wait"
	"RST:tcp_timeout_close"
	"UDP stream:udp_timeout_stream" "UDP one way:udp_timeout"
	"ICMP echo:icmp_timeout" "ICMPv6 echo:icmpv6_timeout"
	"protocol 253:generic_timeout" "the client's entry of the UDP:client"
)

timeout_of() {
	local kv
	for kv in $TIMEOUTS; do
		[ "${kv%%=*}" = "$1" ] && echo "${kv#*=}"
	done
}

# entries NS "MAX;PATTERN;..."...: for each argument, "LINE / SECONDS"
# of the entry of NS's table (TF_TABLE) that contains every PATTERN,
# once all are there with countdowns of at most their MAX (a packet that
# sets one may still be on its way), waited for up to 5 s (times
# KCT_PATIENCE); what there is at the deadline otherwise.  One read of
# the table per try.
entries() {
	local ns=$1 spec line p t ok found f lines out
	local end=$((EPOCHSECONDS + 1 + 5 * KCT_PATIENCE))
	shift
	while :; do
		mapfile -t lines < <(ns_cat "$ns" $TF_TABLE)
		out=() ok=1
		for spec in "$@"; do
			IFS=';' read -r -a f <<<"$spec"
			found="none / 0"
			for line in "${lines[@]}"; do
				for p in "${f[@]:1}"; do
					[[ $line == *"$p"* ]] || continue 2
				done
				found="$(kct_norm "$line") / $(kct_timeout "$line")"
				break
			done
			t=${found##* / }
			[ "$t" -gt 0 ] && [ "$t" -le "${f[0]}" ] || ok=
			out+=("$found")
		done
		[ -n "$ok" ] && break
		[ "$EPOCHSECONDS" -lt "$end" ] || break
		nap 0.2
	done
	printf '%s\n' "${out[@]}"
}

# tcp_entry STATE TIMEOUT: entry of the flow in STATE, within the
# nf_conntrack_tcp_timeout_TIMEOUT.
tcp_entry() {
	entries $FW "$(timeout_of tcp_timeout_$2);sport=$TF_CP ; $1 "
}

# observe: one "LINE / SECONDS" per STEPS entry, from the tracker now
# loaded (TF_TABLE).
observe() {
	local kv set=()
	for kv in $TIMEOUTS; do
		set+=("net.netfilter.nf_conntrack_$kv")
	done
	in_fw sysctl -qw "${set[@]}" net.netfilter.nf_conntrack_tcp_max_retrans=1

	tcp_flow 4 41000 9000
	seg "cl S --wscale 7 --sack-perm --mss 1460"
	tcp_entry SYN_SENT syn_sent
	seg "sv SA --wscale 7 --sack-perm --mss 1460"
	tcp_entry SYN_RECV syn_recv
	seg "cl A"
	tcp_entry ESTABLISHED established
	seg "cl PA --data 100"
	tcp_entry ESTABLISHED unacknowledged
	seg "cl PA --data 100 --retrans"
	tcp_entry ESTABLISHED max_retrans
	seg "sv A" "cl FA"
	tcp_entry FIN_WAIT fin_wait
	seg "sv A"
	tcp_entry CLOSE_WAIT close_wait
	seg "sv FA"
	tcp_entry LAST_ACK last_ack
	seg "cl A"
	tcp_entry TIME_WAIT time_wait
	# The server's RST, exactly where the client's ACKs point.
	seg "sv R"
	tcp_entry CLOSE close

	# A UDP flow answered, then still going after two seconds (a stream),
	# one not answered, pings, and an unknown protocol: one process.
	pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --count 2 \
		--interval 2.2 --reply + \
		udp --dst $SV4 --sport 45000 --dport 5000 + \
		icmp --dst $SV4 --id 4401 + icmp --dst $SV6 --id 4402 + \
		ip --dst $SV4 --proto 253
	entries $FW \
		"$(timeout_of udp_timeout_stream);udp ;dport=5001 ;[ASSURED]" \
		"$(timeout_of udp_timeout);udp ;dport=5000 ;[UNREPLIED]" \
		"$(timeout_of icmp_timeout);icmp ;id=4401 " \
		"$(timeout_of icmpv6_timeout);icmpv6 ;id=4402 " \
		"$(timeout_of generic_timeout);unknown  253 "
	entries $CL "$client_udp;udp ;dport=5000 "
}

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
# Stock tracks in the client only where a rule asks.
in_cl nft -f - <<'NFT'
table inet kct_stock {
	chain output {
		type filter hook output priority filter; policy accept;
		ct state new counter
	}
}
NFT
udp_echo $SV 5001
client_udp=$(in_cl sysctl -n net.netfilter.nf_conntrack_udp_timeout)

mapfile -t k < <(observe)
stock_now
mapfile -t s < <(observe)

for i in "${!STEPS[@]}"; do
	name=${STEPS[$i]%%:*} sysctl=${STEPS[$i]#*:}
	if [ "$sysctl" = client ]; then
		want=$client_udp what="the client's own udp_timeout"
	else
		want=$(timeout_of "$sysctl") what=nf_conntrack_$sysctl
	fi
	ktap_check "$name: kct's countdown is $what ($want s)" \
		in_range "${k[$i]##* / }" $((want - KCT_SLACK)) "$want"
	ktap_check "$name: so is stock's" \
		in_range "${s[$i]##* / }" $((want - KCT_SLACK)) "$want"
	ktap_expect "$name: kct's line is stock's" "${s[$i]% / *}" "${k[$i]% / *}"
done
ktap_done
