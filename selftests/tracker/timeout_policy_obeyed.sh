#!/bin/bash
# A timeout policy set by a rule gives kct's connections the countdowns
# it gives stock's, whichever way a user attaches it: nft `ct timeout`
# objects attached by `ct timeout set` in a prerouting chain of the
# firewall after conntrack's (it sets the policy of the new connection
# itself), or `nfct add timeout` policies attached by iptables
# `-t raw -j CT --timeout` (a template for the connection about to be
# made).  The policies: UDP unreplied 41 s, replied (as a stream) 42 s;
# TCP syn_sent 51 s, established 52 s.  The same packets once with kct
# and once with stock, each way.  A flow the rule does not match keeps
# the namespace's default.  Deleting the policies while kct's
# connections use them harms nothing (kct's connections keep a copy;
# stock's fall back to the defaults).
# kct-test-cost: 107
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3 nfct iptables

# policy_rules nft|nfct: the policies, attached one way or the other.
policy_rules() {
	if [ "$1" = nfct ]; then
		in_fw nfct add timeout udp_pol inet udp unreplied 41 replied 42
		in_fw nfct add timeout tcp_pol inet tcp syn_sent 51 established 52
		in_fw iptables -t raw -A PREROUTING -p udp -m multiport \
			--dports 5000,5001 -j CT --timeout udp_pol
		in_fw iptables -t raw -A PREROUTING -p tcp --dport 9000 \
			-j CT --timeout tcp_pol
		return
	fi
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

# policy_delete nft|nfct: the rules and the policies go.
policy_delete() {
	if [ "$1" = nfct ]; then
		in_fw iptables -t raw -F PREROUTING
		in_fw nfct delete timeout udp_pol
		in_fw nfct delete timeout tcp_pol
	else
		in_fw nft delete table ip pol
	fi
}

# countdown PATTERN...: the seconds left of the firewall's entry with
# every PATTERN (waited for), or "none".
countdown() {
	local line
	if poll 5 entry_there "$@"; then
		line=$(lines_with "$@" < <(ns_cat $FW $TF_TABLE) | head -n1)
		kct_timeout "$line"
	else
		echo none
	fi
}
entry_there() {
	[ -n "$(lines_with "$@" < <(ns_cat $FW $TF_TABLE))" ]
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

# compare_way nft|nfct: the steps with kct, then with stock.
compare_way() {
	local k s default want what secs i kv sv
	topo_create
	udp_echo $SV 5001
	modprobe nfnetlink_cttimeout
	kct_load
	TF_TABLE=kct
	policy_rules "$1"
	mapfile -t k < <(observe)
	# The policies go while kct's connections use them (each has its
	# own copy): their traffic goes on.
	policy_delete "$1"
	ktap_check "$1, kct: policies deleted under live connections, the UDP flow still answered" \
		pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --reply
	stock_now
	policy_rules "$1"
	mapfile -t s < <(observe)
	policy_delete "$1"

	default=$(in_fw sysctl -n net.netfilter.nf_conntrack_udp_timeout)
	for want in "udp-unreplied 41" "udp-replied 42" "udp-default $default" \
		"tcp-syn_sent 51" "tcp-established 52"; do
		what=${want% *} secs=${want#* }
		for i in "${!k[@]}"; do
			[ "${k[$i]% *}" = "$what" ] && kv=${k[$i]#* }
			[ "${s[$i]% *}" = "$what" ] && sv=${s[$i]#* }
		done
		ktap_check "$1, $what: stock's countdown is $secs s or just under" \
			in_range "$sv" $((secs - KCT_SLACK)) "$secs"
		ktap_check "$1, $what: so is kct's" \
			in_range "$kv" $((secs - KCT_SLACK)) "$secs"
	done
	topo_destroy
}

compare_way nft
compare_way nfct
ktap_done
