#!/bin/bash
# A timeout policy set by a rule gives kct's connections the countdowns
# it gives stock's: nft `ct timeout` objects for UDP (unreplied 41 s,
# replied, as a stream, 42 s) and TCP (syn_sent 51 s, established 52 s), attached by
# `ct timeout set` in a prerouting chain of the firewall after
# conntrack's (it sets the policy of the new connection itself), then
# the same packets once with kct and once with stock.  A flow the rule
# does not match keeps the namespace's default.  Deleting the policies
# while kct's connections use them harms nothing (kct's connections keep
# a copy; stock's fall back to the defaults).
# kct-test-cost: 60
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

policy_rules() {
	in_fw nft -f - <<'NFT'
table ip pol {
	ct timeout udp_pol {
		protocol udp; l3proto ip;
		policy = { unreplied : 41, replied : 42 }
	}
	ct timeout tcp_pol {
		protocol tcp; l3proto ip;
		policy = { syn_sent : 51, established : 52 }
	}
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		udp dport { 5000, 5001 } ct timeout set "udp_pol"
		tcp dport 9000 ct timeout set "tcp_pol"
	}
}
NFT
}

# countdown PATTERN...: the seconds left of the firewall's entry with
# every PATTERN (waited for), or "none".
countdown() {
	local line
	if poll 5 entry_there "$@"; then
		line=$(lines_with "$@" < <(in_fw cat /proc/net/$TF_TABLE) | head -n1)
		kct_timeout "$line"
	else
		echo none
	fi
}
entry_there() {
	[ -n "$(lines_with "$@" < <(in_fw cat /proc/net/$TF_TABLE))" ]
}

# observe: "WHAT SECONDS" per step, from the tracker now loaded.
observe() {
	pkt $CL udp --dst $SV4 --sport 45000 --dport 5000 + \
		udp --dst $SV4 --sport 45002 --dport 5002
	echo "udp-unreplied $(countdown 'dport=5000 ' '[UNREPLIED]')"
	echo "udp-default $(countdown 'dport=5002 ' '[UNREPLIED]')"
	# Answered, and still going two seconds later: a stream.
	pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --count 2 \
		--interval 2.2 --reply
	echo "udp-replied $(countdown 'dport=5001 ' '[ASSURED]')"
	tcp_flow 4 41000 9000
	seg "cl S --wscale 7 --sack-perm --mss 1460"
	echo "tcp-syn_sent $(countdown 'sport=41000 ' SYN_SENT)"
	seg "sv SA --wscale 7 --sack-perm --mss 1460" "cl A"
	echo "tcp-established $(countdown 'sport=41000 ' ESTABLISHED)"
}

topo_create
udp_echo $SV 5001
kct_load
policy_rules
mapfile -t k < <(observe)
# The policies go while kct's connections use them (each has its own
# copy): their traffic goes on.
in_fw nft delete table ip pol
ktap_check "kct: policies deleted under live connections, the UDP flow still answered" \
	pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --reply
stock_now
policy_rules
mapfile -t s < <(observe)

default=$(in_fw sysctl -n net.netfilter.nf_conntrack_udp_timeout)
for want in "udp-unreplied 41" "udp-replied 42" "udp-default $default" \
	"tcp-syn_sent 51" "tcp-established 52"; do
	what=${want% *} secs=${want#* }
	for i in "${!k[@]}"; do
		[ "${k[$i]% *}" = "$what" ] && kv=${k[$i]#* }
		[ "${s[$i]% *}" = "$what" ] && sv=${s[$i]#* }
	done
	ktap_check "$what: stock's countdown is $secs s or just under" \
		in_range "$sv" $((secs - KCT_SLACK)) "$secs"
	ktap_check "$what: so is kct's" \
		in_range "$kv" $((secs - KCT_SLACK)) "$secs"
done
ktap_done
