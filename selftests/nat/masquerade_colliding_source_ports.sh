#!/bin/bash
# Two inside hosts using the same source ports towards the same server
# through a NAT router (many clients behind one home router, NTP's port
# 123, DNS resolvers) each get their own outside tuple: NAT never maps
# two connections onto one.  From each of two client namespaces, 500 TCP
# connections and 500 UDP flows from source ports FIRST..FIRST+499, over
# IPv4 and over IPv6, go through a router that translates them with nft
# "masquerade", iptables/ip6tables "-j MASQUERADE", and nft "snat to
# ADDR:PORT-PORT" plain, "random", "fully-random" and "persistent" (100
# flows a host for those four).
# Every flow is answered, the router's table holds one entry for each,
# and no two of them share a reply (outside) tuple.  Stock nf_conntrack,
# with the same rules and traffic in the same guest, gives the same.
# kct-test-timeout: 1500
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
require_tool nft iptables ip6tables python3 ss

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
PORT=7100
FLOWS=500
# Long enough that no entry of a run expires before the run is checked,
# however slow the kernel: the flows of the first host must still be
# there when those of the second are translated.
LIVE=600

# The second inside host, beside the topology's client.
CL2=kct-cl2
CL2_4=203.0.113.2
FW4_CL2=203.0.113.1
CL2_6=2001:db8:3::2
CL2_6_FULL=2001:0db8:0003:0000:0000:0000:0000:0002
FW6_CL2=2001:db8:3::1

trap 'topo_destroy >/dev/null 2>&1; ip netns del $CL2 2>/dev/null
	sysctl -qw net.netfilter.nf_conntrack_max=$STOCK_MAX 2>/dev/null' EXIT

second_client() {
	ip netns add $CL2
	ip -n $CL2 link set lo up
	ip link add cl0 netns $CL2 type veth peer name fw2 netns $FW
	ip -n $CL2 addr add $CL2_4/24 dev cl0
	ip -n $CL2 addr add $CL2_6/64 dev cl0 nodad
	ip -n $FW addr add $FW4_CL2/24 dev fw2
	ip -n $FW addr add $FW6_CL2/64 dev fw2 nodad
	ip -n $CL2 link set cl0 up
	ip -n $FW link set fw2 up
	ip -n $CL2 route add default via $FW4_CL2
	ip -n $CL2 -6 route add default via $FW6_CL2
}

# nat_rules VARIANT: the router translates what leaves towards the server.
nat_rules() {
	local range=40000-59999
	case $1 in
	masquerade)
		in_fw nft -f - <<'NFT'
table inet kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" masquerade
	}
}
NFT
		;;
	MASQUERADE)
		in_fw iptables -t nat -A POSTROUTING -o fw1 -j MASQUERADE
		in_fw ip6tables -t nat -A POSTROUTING -o fw1 -j MASQUERADE
		;;
	snat*)
		local flags=${1#snat}
		flags=${flags#-}
		in_fw nft -f - <<NFT
table inet kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		meta nfproto ipv4 meta l4proto { tcp, udp } oifname "fw1" snat ip to $FW4_SV:$range $flags
		meta nfproto ipv6 meta l4proto { tcp, udp } oifname "fw1" snat ip6 to [$FW6_SV]:$range $flags
	}
}
NFT
		;;
	esac
}

nat_rules_flush() {
	in_fw nft delete table inet kct_nat 2>/dev/null
	in_fw iptables -t nat -F POSTROUTING
	in_fw ip6tables -t nat -F POSTROUTING
}

# outside_tuples TABLE FIRST: for the flows of both hosts from source
# ports FIRST.., per protocol and family, how many entries the router's
# TABLE holds and how many distinct reply tuples they have.
outside_tuples() {
	ip netns exec $FW cat /proc/net/$1 | awk -v lo="$2" -v hi=$(($2 + FLOWS - 1)) \
		-v port=$PORT -v clients="$CL4 $CL2_4 $CL6_FULL $CL2_6_FULL" \
		-v servers="$SV4 $SV6_FULL" '
		BEGIN {
			n = split(clients, c, " "); for (i = 1; i <= n; i++) client[c[i]] = 1
			n = split(servers, s, " "); for (i = 1; i <= n; i++) server[s[i]] = 1
		}
		{
			k = 0
			for (i = 1; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "src") k++
				if (k >= 1 && k <= 2 && kv[1] ~ /^(src|dst|sport|dport)$/)
					f[k, kv[1]] = kv[2]
			}
			if (!(f[1, "src"] in client) || !(f[1, "dst"] in server) ||
			    f[1, "dport"] != port || f[1, "sport"] < lo || f[1, "sport"] > hi)
				next
			key = $3 " " $1
			entries[key]++
			reply = f[2, "src"] " " f[2, "dst"] " " f[2, "sport"] " " f[2, "dport"]
			if (!((key, reply) in seen)) {
				seen[key, reply] = 1
				distinct[key]++
			}
		}
		END {
			split("tcp ipv4,udp ipv4,tcp ipv6,udp ipv6", keys, ",")
			for (i = 1; i <= 4; i++)
				printf "%s: %d entries, %d outside tuples\n", keys[i],
					entries[keys[i]], distinct[keys[i]]
		}'
}

# table_settled TABLE FIRST: what outside_tuples sees once it shows every
# flow (a read of the table while connections close may miss lines), or
# after 5 s (times KCT_PATIENCE) what it shows then.
table_settled() {
	local i out
	for i in $(seq $((10 * KCT_PATIENCE))); do
		out=$(outside_tuples "$@")
		[ "$out" = "$expected_table" ] && break
		sleep 0.5
	done
	echo "$out"
}

# run_flows TABLE FIRST: both hosts' flows, the first host's all done
# before the second's start; per protocol and family, how many of each
# host's flows were answered, then what the router's table shows.
run_flows() {
	local a b
	a=$(in_cl python3 "$LIB/flows.py" burst --dst $SV4 --dst $SV6 \
		--dport $PORT --sport "$2" --count $FLOWS)
	b=$(ip netns exec $CL2 python3 "$LIB/flows.py" burst --dst $SV4 \
		--dst $SV6 --dport $PORT --sport "$2" --count $FLOWS)
	paste -d' ' <(echo "$a") <(echo "$b") | awk '{
		printf "%s %s: answered %s and %s\n", $1, $2 ~ /:/ ? "ipv6" : "ipv4", $3, $6 }'
	table_settled "$1" "$2"
}

# expect_counts: what run_flows should print for FLOWS flows a host.
expect_counts() {
	local t p f
	expected_table=
	expected=
	for f in ipv4 ipv6; do
		for p in tcp udp; do
			expected+="$p $f: answered $FLOWS and $FLOWS"$'\n'
			t+="$p $f: $((2 * FLOWS)) entries, $((2 * FLOWS)) outside tuples"$'\n'
		done
	done
	expected_table=${t%$'\n'}
	expected+=$expected_table
}

# The masquerade variants with 500 flows a host, the snat ones (port
# range, flags) with 100, to keep the test's time reasonable.
VARIANTS="masquerade MASQUERADE snat snat-random snat-fully-random snat-persistent"

# run_variants TRACKER TABLE: every variant's flows, each from its own
# source ports (ports of one run stay busy on the clients after it).
run_variants() {
	local v start
	for v in $VARIANTS; do
		case $v in
		snat*) FLOWS=100 ;;
		*) FLOWS=500 ;;
		esac
		expect_counts
		ktap_check "$1, $v: the router's rules load" nat_rules $v
		start=$SECONDS
		ktap_expect "$1, $v: every flow answered, each with its own outside tuple" \
			"$expected" "$(run_flows "$2" $FIRST)"
		ktap_note "$1, $v: $((SECONDS - start)) s"
		nat_rules_flush
		FIRST=$((FIRST + 1000))
	done
}

topo_create
second_client
in_sv python3 "$LIB/flows.py" serve --port $PORT >/dev/null 2>&1 &
wait_for tcp_listening $SV $PORT
udp_echo $SV $PORT

# Room for every run's entries, which stay until the test ends.
modprobe nf_conntrack
STOCK_MAX=$(sysctl -n net.netfilter.nf_conntrack_max)
sysctl -qw net.netfilter.nf_conntrack_max=65536
if ! modprobe kct hashsize=65536; then
	ktap_fail "modprobe kct"
	ktap_done
fi
for t in udp_timeout tcp_timeout_time_wait; do
	in_fw sysctl -qw net.kct.$t=$LIVE
	in_fw sysctl -qw net.netfilter.nf_conntrack_$t=$LIVE
done

FIRST=10000
run_variants kct kct
rmmod kct
run_variants stock nf_conntrack
ktap_done
