#!/bin/bash
# The soak's `conntrack -U -f ipv4 -p tcp --dport 7007 -m N` under the
# soak's load, on stock nf_conntrack and then on kct in the same guest,
# its failures counted per tracker (issue 18: "Protocol error").  Four
# probe connections (soak_probe.py) to port 7007 through the firewall,
# a flood of new UDP flows from the firewall (soak_traffic.py) keeping
# the table at nf_conntrack_max with early drop, a `conntrack -F` every
# fifth round; each round runs the update, every other one under strace
# (sendto and recvfrom), then `conntrack -L` to see whether every probe
# entry has the new mark.  conntrack 1.4.7 reads a stale reply from the
# second entry of an update on (update_several_stale_reply_as_stock.sh)
# and fails with "Protocol error" when the clock's second changed in
# between: how often depends on the load, on both trackers.  Checked:
# the flood reached the limit, the update ran, and in every traced
# update each reply read carried the number of a request the command
# sent (never a number it did not send: a tracker answering with a
# wrong sequence number); the counts are noted, for stock and kct.
# KCT_UPD_SECS sets the seconds of load per tracker (default 180); a
# slow kernel keeps the load on, up to that times KCT_PATIENCE, until
# the checks have their ten traced updates (on the debug kernel one
# round takes about a minute).
# kct-test-cost: 440
# kct-test-tier: long
# kct-test-timeout: 1500
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool conntrack strace python3 nft ss

HERE=$(cd "$(dirname "$0")" && pwd)
SOAK=$HERE/../soak
SECS=${KCT_UPD_SECS:-180}
TRACED=10
PORT=7007
SINK=203.0.113.2
MAX=2048
S=$(mktemp -d /tmp/kct-ct-flood.XXXXXX)
modprobe nf_conntrack
stock_limits_save
trap 'topo_destroy >/dev/null 2>&1; stock_limits_restore; rm -rf "$S" /tmp/kct-ct-*' EXIT

probes_listed() {
	[ "$(in_fw conntrack -L -f ipv4 -p tcp --dport $PORT 2>/dev/null | grep -c ESTABLISHED)" -ge 4 ]
}

# scenario stock|kct: the load, the rounds; prints "key value" lines.
scenario() {
	local t=$1 end give_up i=0 out rc kind n m v fails=() f
	local -A runs=() failed=() msgs=() marked=()
	local current=0 stale=0 foreign=0 refused=0 unexplained=0 unreadable=0 c r
	diff_tracker "$t"
	topo_create
	ip -n $FW -b - <<EOF
link add d0 type dummy
addr add 203.0.113.1/24 dev d0
link set d0 up
neigh add $SINK lladdr 02:00:00:00:00:02 dev d0 nud permanent
EOF
	# Stock tracks the namespace once a rule uses conntrack.
	in_fw nft -f - <<'NFT'
table inet flood {
	chain f {
		type filter hook forward priority 0;
		ct state new,established accept
	}
}
NFT
	short_lived_last
	sysctl -qw net.netfilter.nf_conntrack_max=$MAX
	in_sv python3 "$SOAK/soak_probe.py" serve --port $PORT >/dev/null 2>&1 &
	wait_for in_sv sh -c "ss -Hltn | grep -q ':$PORT '"
	in_cl python3 "$SOAK/soak_probe.py" probe --dst "$SV4" --port $PORT \
		--count 4 --limit 60 --stop "$S/stop.$t" --out "$S/probes.$t" \
		--lost "$S/lost.$t" >/dev/null 2>&1 &
	wait_for probes_listed || echo "setup probes_not_listed"
	in_fw python3 "$SOAK/soak_traffic.py" flood --dst $SINK --rate 1000 \
		--stop "$S/stop.$t" --out "$S/flood.$t" &
	end=$((EPOCHSECONDS + SECS))
	give_up=$((EPOCHSECONDS + SECS * KCT_PATIENCE))
	while { [ "$EPOCHSECONDS" -lt "$end" ] ||
		[ "${runs[traced]:-0}" -lt $TRACED ]; } &&
		[ "$EPOCHSECONDS" -lt "$give_up" ]; do
		i=$((i + 1))
		if [ $((i % 2)) = 0 ]; then
			kind=traced
			in_fw strace -o "$S/trace" -e trace=sendto,recvmsg -e signal=none \
				conntrack -U -f ipv4 -p tcp --dport $PORT -m $i \
				>/dev/null 2>"$S/err"
		else
			kind=plain
			in_fw conntrack -U -f ipv4 -p tcp --dport $PORT -m $i \
				>/dev/null 2>"$S/err"
		fi
		rc=$?
		runs[$kind]=$((${runs[$kind]:-0} + 1))
		# As the soak: a failure is a non-zero status but for no entry.
		if [ $rc != 0 ] && ! grep -q ' 0 flow entries' "$S/err"; then
			failed[$kind]=$((${failed[$kind]:-0} + 1))
			fails+=("$kind round $i: $(tr '\n' ' ' <"$S/err")")
		fi
		while IFS= read -r f; do
			msgs["$kind:$f"]=$((${msgs["$kind:$f"]:-0} + 1))
		done < <(grep -o 'Operation failed: .*' "$S/err")
		if [ $kind = traced ] &&
			! python3 "$HERE/nl_reply_order.py" verdict "$S/trace" >"$S/verdict"; then
			unreadable=$((unreadable + 1))
		elif [ $kind = traced ]; then
			read -r _ c _ v _ n _ r <"$S/verdict"
			current=$((current + c))
			stale=$((stale + v))
			foreign=$((foreign + n))
			refused=$((refused + r))
			if grep -q 'Protocol error' "$S/err"; then
				# Explained: a stale reply with another number read.
				[ "$v" -gt 0 ] && [ "$r" -gt 0 ] || unexplained=$((unexplained + 1))
				[ -e "$S/steps.$t" ] ||
					python3 "$HERE/nl_reply_order.py" steps "$S/trace" >"$S/steps.$t"
			fi
		fi
		# Did every probe entry get the mark?
		out=$(in_fw conntrack -L -f ipv4 -p tcp --dport $PORT 2>/dev/null)
		n=$(grep -c "dport=$PORT" <<<"$out")
		m=$(grep -c " mark=$i " <<<"$out")
		[ "$n" -gt 0 ] && [ "$n" = "$m" ] && marked[$kind]=$((${marked[$kind]:-0} + 1))
		if [ $((i % 5)) = 0 ]; then
			in_fw conntrack -F >/dev/null 2>&1 || echo "flush_failed round $i"
		fi
	done
	touch "$S/stop.$t"
	for kind in plain traced; do
		echo "runs_$kind ${runs[$kind]:-0}"
		echo "failed_$kind ${failed[$kind]:-0}"
		echo "all_marked_$kind ${marked[$kind]:-0}"
	done
	echo "replies_current $current"
	echo "replies_stale $stale"
	echo "replies_foreign $foreign"
	echo "replies_refused $refused"
	echo "eproto_unexplained $unexplained"
	echo "traces_unreadable $unreadable"
	echo "early_drop $(ct_stat early_drop)"
	echo "drop $(ct_stat drop)"
	echo "count $(in_fw sysctl -n net.netfilter.nf_conntrack_count)"
	for f in "${!msgs[@]}"; do
		echo "message ${msgs[$f]} $f"
	done
	for f in "${fails[@]}"; do
		echo "failure $f"
	done
	[ -e "$S/steps.$t" ] && sed 's/^/steps /' "$S/steps.$t"
	wait_for test -e "$S/flood.$t"
	echo "flood $(cat "$S/flood.$t" 2>/dev/null)"
	echo "probes $(cat "$S/probes.$t" 2>/dev/null)"
	topo_destroy
	nft flush ruleset
}

# val FILE KEY: the value of KEY in a scenario's lines.
val() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }

for t in stock kct; do
	scenario $t >"$S/out.$t"
	sed "s/^/# $t: /" "$S/out.$t"
done
rmmod kct 2>/dev/null
for t in stock kct; do
	o=$S/out.$t
	ktap_check "$t: the flood reached the limit (early drops $(val "$o" early_drop))" \
		test "$(val "$o" early_drop)" -gt 0
	ktap_check "$t: the update ran ($(val "$o" runs_plain) plain, $(val "$o" runs_traced) traced)" \
		test "$(val "$o" runs_traced)" -ge $TRACED
	ktap_check "$t: every traced update's trace could be read ($(val "$o" traces_unreadable) not)" \
		test "$(val "$o" traces_unreadable)" = 0
	ktap_check "$t: traced updates read replies to their own requests only ($(val "$o" replies_current) current, $(val "$o" replies_stale) stale, $(val "$o" replies_foreign) foreign)" \
		test "$(val "$o" replies_foreign)" = 0
	ktap_check "$t: each traced Protocol error followed a stale reply with another number" \
		test "$(val "$o" eproto_unexplained)" = 0
	ktap_note "$t: stale replies refused (EPROTO): $(val "$o" replies_refused); packets dropped (table full): $(val "$o" drop)"
	ktap_note "$t: failed updates: $(val "$o" failed_plain) of $(val "$o" runs_plain) plain, $(val "$o" failed_traced) of $(val "$o" runs_traced) traced"
done
ktap_done
