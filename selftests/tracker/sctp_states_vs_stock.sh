#!/bin/bash
# The SCTP states a firewall shows in /proc/net/kct, one packet at a time,
# IPv4 and IPv6, each line the one stock nf_conntrack's
# /proc/net/nf_conntrack shows for the same packets (kct unloaded), and
# each countdown the timeout sysctl of its state:
#   INIT               CLOSED [UNREPLIED] (stock 6.1 waits for the answer)
#   INIT ACK           COOKIE_WAIT
#   COOKIE ECHO        COOKIE_ECHOED
#   COOKIE ACK         ESTABLISHED [ASSURED]
#   DATA, SACK         ESTABLISHED
#   SHUTDOWN           SHUTDOWN_SENT (from the client), SHUTDOWN_RECD
#                      (from the server)
#   SHUTDOWN ACK       SHUTDOWN_ACK_SENT
#   SHUTDOWN COMPLETE  CLOSED
#   ABORT              CLOSED
#   a lone HEARTBEAT   HEARTBEAT_SENT [UNREPLIED], its ACK ESTABLISHED
# A packet with the wrong verification tag, a second INIT ACK with another
# tag, a bad CRC32c and a DATA chunk bundled behind an INIT are INVALID
# to the rules and change nothing; the ct state rules count the same as
# with stock.  The countdowns are stock's nf_conntrack_sctp_timeout_*
# sysctls, set in the firewall while kct runs (lib/sctp.sh).
# Real stacks pass these states too fast to see, so the packets are made
# by hand (lib/sctp.py).
# kct-test-cost: 33
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
. "$(dirname "$0")/../lib/sctp.sh"
require_tool nft python3

# sctp_walks FAM TABLE: three associations from the client, one packet
# at a time, then the INVALID ones; one "LINE / SECONDS" per step.
sctp_walks() {
	local c=$SCTP_CT s=$SCTP_ST a="41000 9000" b="41001 9000"
	local h="41002 9000" i="41003 9000"
	sctp_walk "$1" "$2" \
		"$a CLOSED | cl 0 init:tag=$c" \
		"$a COOKIE_WAIT | sv $c init-ack:tag=$s" \
		"$a COOKIE_ECHOED | cl $s cookie-echo" \
		"$a ESTABLISHED | sv $c cookie-ack" \
		"$a ESTABLISHED | cl $s data | sv $c sack" \
		"$a SHUTDOWN_SENT | cl $s shutdown" \
		"$a SHUTDOWN_ACK_SENT | sv $c shutdown-ack" \
		"$a CLOSED | cl $s shutdown-complete" \
		"$b - | cl 0 init:tag=$c | sv $c init-ack:tag=$s" \
		"$b ESTABLISHED | cl $s cookie-echo | sv $c cookie-ack" \
		"$b ESTABLISHED | cl $s data" \
		"$b SHUTDOWN_RECD | sv $c shutdown" \
		"$b CLOSED | sv $c abort" \
		"$h HEARTBEAT_SENT | cl $s heartbeat" \
		"$h ESTABLISHED | sv $c heartbeat-ack" \
		"$i - | cl 0 init:tag=$c | sv $c init-ack:tag=$s" \
		"$i - | cl $s cookie-echo | sv $c cookie-ack" \
		"$i - | cl 0xbad data | cl $s data --bad-crc" \
		"$i - | sv $c init-ack:tag=0x77" \
		"$i ESTABLISHED | cl $s data | sv $c sack" \
		"41004 9000 NONE | cl 0 init:tag=$c data"
}

# sctp_check FAM STEPS...: each step's line and countdown.
sctp_check() {
	local fam=$1 i=0 want st t flags
	shift
	local steps=(
		"CLOSED closed [UNREPLIED]"
		"COOKIE_WAIT cookie_wait"
		"COOKIE_ECHOED cookie_echoed"
		"ESTABLISHED established [ASSURED]"
		"ESTABLISHED established [ASSURED]"
		"SHUTDOWN_SENT shutdown_sent [ASSURED]"
		"SHUTDOWN_ACK_SENT shutdown_ack_sent [ASSURED]"
		"CLOSED closed [ASSURED]"
		"ESTABLISHED established [ASSURED]"
		"ESTABLISHED established [ASSURED]"
		"SHUTDOWN_RECD shutdown_recd [ASSURED]"
		"CLOSED closed [ASSURED]"
		"HEARTBEAT_SENT heartbeat_sent [UNREPLIED]"
		"ESTABLISHED established [ASSURED]"
		"ESTABLISHED established [ASSURED]"
	)
	for i in "${!steps[@]}"; do
		read -r st t flags <<<"${steps[$i]}"
		case $i in
		0) tcp_ends "$fam" 41000 9000 ;;
		8) tcp_ends "$fam" 41001 9000 ;;
		12) tcp_ends "$fam" 41002 9000 ;;
		14) tcp_ends "$fam" 41003 9000 ;;
		esac
		want=$(sctp_line "$st" $flags)
		ktap_check "IPv$fam step $((i + 1)): $st ${flags:+$flags }with the ${t} timeout" \
			line_within "$1" "$want" "$(sctp_timeout "$t")"
		shift
	done
	ktap_expect "IPv$fam: an INIT with a DATA chunk bundled creates nothing" \
		"none / -" "$1"
}

topo_create
kct_load
sctp_timeouts_set $FW
ct_counters_ruleset | in_fw nft -f -

invalid=$(kct_stat $FW invalid)
sctp_quiet 41000-41009 9000
mapfile -t k4 < <(sctp_walks 4 kct)
mapfile -t k6 < <(sctp_walks 6 kct)
k4counts=$(ct_counters $FW 4 "")
k6counts=$(ct_counters $FW 6 "")
sctp_check 4 "${k4[@]}"
sctp_check 6 "${k6[@]}"
# New: 3 INITs, 1 HEARTBEAT and the INIT that comes with DATA, which
# creates nothing; established: the other 20; invalid: 3 + that INIT.
ktap_expect "IPv4 rules: what opens is new, the bad packets invalid" \
	"new=4 established=20 related=0 invalid=4 untracked=0" "$k4counts"
ktap_expect "IPv6 rules: the same" \
	"new=4 established=20 related=0 invalid=4 untracked=0" "$k6counts"
ktap_expect "kct counted 8 invalid packets" $((invalid + 8)) \
	"$(kct_stat $FW invalid)"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s4 < <(sctp_walks 4 nf_conntrack)
mapfile -t s6 < <(sctp_walks 6 nf_conntrack)
for fam in 4 6; do
	declare -n sl=s$fam kl=k$fam
	for i in "${!kl[@]}"; do
		ktap_expect "IPv$fam: stock shows the same after step $((i + 1))" \
			"${sl[$i]% / *}" "${kl[$i]% / *}"
	done
	unset -n sl kl
done
ktap_expect "stock's IPv4 rules counted the same" "$k4counts" \
	"$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's IPv6 rules counted the same" "$k6counts" \
	"$(ct_counters $FW 6 "$snap")"
ktap_done
