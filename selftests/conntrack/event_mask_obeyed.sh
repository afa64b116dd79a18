#!/bin/bash
# Which events `conntrack -E` hears of a connection is the connection's
# own choice, as on stock: `-j CT --ctevents new,destroy` (iptables, raw
# table) gives it a NEW and a DESTROY event and no UPDATE, nft
# `ct event set new` only a NEW, `ct event set 0` none at all, while a
# connection no rule touched reports its whole life.  Stock's
# net.netfilter.nf_conntrack_events decides for the others: 0 gives no
# events (except to a connection a --ctevents rule chose them for), 2
# (the default) gives them only to a connection made while someone
# listened, 1 to every connection.  Each TCP connection is made through
# the firewall, held open and ended by `conntrack -D`; its event lines
# are the same for kct as for stock.
# kct-test-cost: 99
# kct-test-timeout: 600
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft iptables socat ss

ev=/tmp/kct-ct-evmask

# listen: a conntrack -E for TCP in the firewall, appending to $ev (which
# may be emptied meanwhile), joined before it returns.
listen() {
	ip netns exec $FW timeout $((120 * KCT_PATIENCE)) \
		conntrack -E -p tcp >>$ev 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
}

# quiet: the listener gone, and with it the firewall's last listener.
quiet() {
	kill $evpid 2>/dev/null
	wait $evpid 2>/dev/null
	wait_for not ct_events_ready $FW 1
}

# hold_conns PORT...: a TCP connection from the client to each server
# PORT (from source port PORT + 1000) through the firewall, made all at
# once and held open, ESTABLISHED there: its handshake's three packets
# give the same events on every run, where a close's may come as three
# packets or four.
hold_conns() {
	local port secs=$((120 * KCT_PATIENCE))
	for port; do
		in_sv socat TCP4-LISTEN:$port,reuseaddr EXEC:"sleep $secs" \
			>/dev/null 2>&1 &
	done
	wait_for listening "$@"
	for port; do
		in_cl socat -u EXEC:"sleep $secs" \
			TCP4:$SV4:$port,sourceport=$((port + 1000)) >/dev/null 2>&1 &
	done
	wait_for established "$@" || echo "not all ESTABLISHED: $*" >&2
}
listening() {
	local port
	for port; do
		tcp_listening $SV $port || return 1
	done
}
established() {
	local list port
	list=$(in_fw conntrack -L -p tcp 2>/dev/null | grep ESTABLISHED)
	for port; do
		[[ $list == *"dport=$port "* ]] || return 1
	done
}

# end PORT...: conntrack -D of each port's connection, in that order.
end() {
	local port
	for port; do
		in_fw conntrack -D -p tcp --dport $port >/dev/null 2>&1
	done
}

# events PORT: the events of PORT's connection, one per line, in the
# order heard, without what differs between runs (timeouts, the portid
# of the request behind a DESTROY, and its program's name, which
# conntrack -E shows only if that program is still running).
events() {
	grep -- "dport=$1 " $ev |
		sed -E 's/^ *\[([A-Z]+)\] +/\1 /; s/^([A-Z]+ [a-z]+ +[0-9]+) +[0-9]+ /\1 T /
			s/ ?\[USERSPACE\] portid=[0-9]+( progname=[^ ]*)?//' | tr '\n' '|'
}

# observe: the same rules, settings and connections on whichever tracker
# is loaded; one line of result per check below.
observe() {
	# Stock's xt_CT gives the template its mask only while someone
	# listens (nf_conntrack_events=2): listen first, then the rules.
	: >$ev
	listen
	in_fw iptables -t raw -A PREROUTING -p tcp --dport 7000 \
		-j CT --ctevents new,destroy
	in_fw iptables -t raw -A PREROUTING -p tcp --dport 7011 \
		-j CT --ctevents new,destroy
	in_fw nft add table inet evmask '{ chain mask { type filter hook forward priority filter; }; }'
	in_fw nft add rule inet evmask mask tcp dport 7001 ct event set new
	in_fw nft add rule inet evmask mask tcp dport 7003 ct event set 0
	hold_conns 7000 7001 7003 7002
	# 7002's DESTROY, heard last, says the listener has heard all.
	end 7000 7001 7003 7002
	wait_for grep -q "DESTROY.*dport=7002 " $ev
	echo "ctevents: $(events 7000)"
	echo "ct event set new: $(events 7001)"
	echo "ct event set 0: $(events 7003)"
	echo "no rule: $(events 7002)"

	# nf_conntrack_events=0: none, but where a --ctevents rule asks.
	: >$ev
	in_fw sysctl -qw net.netfilter.nf_conntrack_events=0
	hold_conns 7010 7011
	end 7010 7011
	wait_for grep -q "DESTROY.*dport=7011 " $ev
	echo "events=0: $(events 7010)"
	echo "events=0 with --ctevents: $(events 7011)"

	# nf_conntrack_events=2 and 1, for connections made while nobody
	# listened: only 1 gives them events.
	quiet
	in_fw sysctl -qw net.netfilter.nf_conntrack_events=2
	hold_conns 7020
	in_fw sysctl -qw net.netfilter.nf_conntrack_events=1
	hold_conns 7030
	listen
	end 7020 7030
	wait_for grep -q "DESTROY.*dport=7030 " $ev
	echo "events=2, made unheard: $(events 7020)"
	echo "events=1, made unheard: $(events 7030)"
	quiet
}

topo_create
ct_stock
mapfile -t s < <(observe)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
mapfile -t k < <(observe)

checks=("ctevents: -j CT --ctevents new,destroy"
	"ct event set new: nft ct event set new"
	"ct event set 0: nft ct event set 0"
	"no rule: a connection no rule touched"
	"events=0: nf_conntrack_events=0"
	"events=0 with --ctevents: nf_conntrack_events=0 and --ctevents"
	"events=2, made unheard: nf_conntrack_events=2, nobody listened"
	"events=1, made unheard: nf_conntrack_events=1, nobody listened")
for i in "${!checks[@]}"; do
	ktap_expect "kct as stock: ${checks[$i]}" "${s[$i]}" "${k[$i]}"
done

# What stock showed, so that the comparison above cannot pass on two
# empty outputs.  only KINDS LINE: LINE has events of exactly KINDS
# (in that order: NEW UPDATE DESTROY).
only() {
	local got= kind
	for kind in NEW UPDATE DESTROY; do
		[[ $2 == *": $kind "* || $2 == *"|$kind "* ]] && got+="$kind "
	done
	[ "$got" = "$1" ] || echo "events: $got in $2"
	[ "$got" = "$1" ]
}
ktap_check "stock: --ctevents new,destroy gave NEW and DESTROY only" \
	only "NEW DESTROY " "${s[0]}"
ktap_check "stock: ct event set new gave NEW only" only "NEW " "${s[1]}"
ktap_check "stock: ct event set 0 gave none" only "" "${s[2]}"
ktap_check "stock: without a rule, NEW, UPDATE and DESTROY" \
	only "NEW UPDATE DESTROY " "${s[3]}"
ktap_check "stock: events=0 gave none" only "" "${s[4]}"
ktap_check "stock: events=0 with --ctevents gave NEW and DESTROY" \
	only "NEW DESTROY " "${s[5]}"
ktap_check "stock: events=2 gave a connection made unheard none" \
	only "" "${s[6]}"
ktap_check "stock: events=1 gave a connection made unheard its DESTROY" \
	only "DESTROY " "${s[7]}"
ktap_done
