#!/bin/bash
# A real SCTP association (the kernel's SCTP stack at both ends) passes a
# firewall whose forward policy is drop and which accepts only
#   ct state established,related
#   ct state new, SCTP to port 7132
# with kct as with stock nf_conntrack, over IPv4 and IPv6: the client's
# "hello" comes back and the association shuts down cleanly, after which
# the firewall shows it CLOSED [ASSURED], the line stock shows.  While an
# association is up, `conntrack -L -p sctp` lists it as stock's conntrack
# lists it (ESTABLISHED, [ASSURED]).
# kct-test-cost: 100
# kct-test-tier: long
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/sctp.sh"
require_tool nft python3 conntrack

if ! modprobe sctp; then
	ktap_fail "modprobe sctp: the guest's kernel has SCTP"
	printf '%s\n' "${k[@]}" "${s[@]}" | grep '^#'
ktap_done
fi

fw_ruleset() {
	in_fw nft -f - <<'NFT'
table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state new sctp dport 7132 accept
	}
}
NFT
}

# sctp_listening NS PORT: an SCTP endpoint listens on PORT in NS.
sctp_listening() {
	ip netns exec "$1" awk -v p="$2" '$6 == p { f = 1 } END { exit !f }' \
		/proc/net/sctp/eps
}

# assoc FAM CLIENT_PORT [HOLD]: one association from the client to the
# server's port 7132, kept HOLD seconds; fails unless the echo came back.
assoc() {
	local cl=$CL4 sv=$SV4
	[ "$1" = 6 ] && cl=$CL6 sv=$SV6
	in_sv python3 "$SCTP_PY" serve --addr "$sv" --port 7132 \
		>/dev/null 2>&1 &
	wait_for sctp_listening $SV 7132
	in_cl python3 "$SCTP_PY" connect --addr "$cl" --dst "$sv" \
		--dport 7132 --sport "$2" --hold "${3:-0}"
}

# sctp_up: the flow's entry says the association is up.
sctp_up() {
	case "$(tf_lines)" in *" ESTABLISHED "*) return 0 ;; esac
	return 1
}

# run_all TABLE: the associations, with the firewall's lines and the
# listing; one result per line.
run_all() {
	local fam
	TF_TABLE=$1
	fw_ruleset
	for fam in 4 6; do
		tcp_ends $fam 40132 7132
		if assoc $fam 40132; then
			echo "IPv$fam association: ok"
		else
			echo "IPv$fam association: failed"
		fi
		echo "IPv$fam after: $(fw_state CLOSED)"
		in_fw cat /proc/net/$TF_TABLE | sed 's/^/# /'
		tcp_ends $fam 40133 7132
		# Held until the two lines below are read (at most a minute,
		# times KCT_PATIENCE), then ended: a fixed hold long enough for
		# the debug kernel made the test outlast its time limit there.
		assoc $fam 40133 $((60 * KCT_PATIENCE)) >/dev/null 2>&1 &
		# Both ends' programs start first, slowly under emulation.
		poll 30 sctp_up
		echo "IPv$fam up: $(fw_state ESTABLISHED)"
		# This family's association only: the other family's may
		# still be listed, CLOSED, for as long as its timeout runs.
		echo "IPv$fam listed: $(in_fw conntrack -L -p sctp 2>/dev/null |
			ct_norm | grep "src=$TF_CL dst=$TF_SV sport=40133 " |
			paste -sd'|')"
		# The client closes on SIGTERM as at the end of its hold: the
		# kernel shuts the association down.
		pkill -TERM -f -- "--sport 40133 " || true
		wait
	done
}

ct_load
topo_create
mapfile -t k < <(run_all kct)
topo_destroy
rmmod kct
modprobe nf_conntrack_netlink
topo_create
mapfile -t s < <(run_all nf_conntrack)

for fam in 4 6; do
	tcp_ends $fam 40132 7132
	ktap_expect "IPv$fam: the association works through kct's firewall" \
		"IPv$fam association: ok" "$(printf '%s\n' "${k[@]}" |
		grep "^IPv$fam association")"
	ktap_expect "IPv$fam: and through stock's" \
		"IPv$fam association: ok" "$(printf '%s\n' "${s[@]}" |
		grep "^IPv$fam association")"
	ktap_expect "IPv$fam: once shut down, kct shows CLOSED [ASSURED]" \
		"IPv$fam after: $(sctp_line CLOSED "[ASSURED]")" \
		"$(printf '%s\n' "${k[@]}" | grep "^IPv$fam after")"
	tcp_ends $fam 40133 7132
	ktap_expect "IPv$fam: while up, kct shows ESTABLISHED [ASSURED]" \
		"IPv$fam up: $(sctp_line ESTABLISHED "[ASSURED]")" \
		"$(printf '%s\n' "${k[@]}" | grep "^IPv$fam up")"
	for what in after up listed; do
		ktap_expect "IPv$fam $what: kct's is stock's" \
			"$(printf '%s\n' "${s[@]}" | grep "^IPv$fam $what")" \
			"$(printf '%s\n' "${k[@]}" | grep "^IPv$fam $what")"
	done
	ktap_check "IPv$fam: conntrack -L -p sctp lists it ESTABLISHED" \
		grep -q "^IPv$fam listed: sctp .* ESTABLISHED .*\[ASSURED\]" \
		< <(printf '%s\n' "${k[@]}")
done
ktap_done
