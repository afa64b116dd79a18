#!/bin/bash
# `conntrack -E expect` reports kct's expectations as stock's: [NEW] when
# one is made, by the FTP helper from a PORT command or by
# `conntrack -I expect`, and [DESTROY] when it goes: used by its data
# connection, deleted (`conntrack -D expect`), flushed (`-F expect`), or
# with its master connection (`conntrack -D`).  The same steps run on
# stock nf_conntrack (its ctnetlink and FTP helper) and on kct (kct_ftp);
# the listener's lines, countdowns and the control connections' ports
# aside, are the same, in the same order.
# kct-test-cost: 71
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft python3 vsftpd

EV=/tmp/kct-ct-exp-events
MASK="--mask-src 255.255.255.255 --mask-dst 255.255.255.255 --mask-port-src 0 --mask-port-dst 65535"

# hold NAME PORT: a client announcing PORT and waiting for NAME.go.
hold() {
	ftp_raw $CL $SV4 -- login listen:$2 "cmd:PORT 192,0,2,2,$(port_args $2)" \
		"mark:$FTP_DIR/$1.held" "wait:$FTP_DIR/$1.go" \
		cmd:NLST accept reply quit >"$FTP_DIR/$1.out" 2>&1 &
	ftp_wait_file "$FTP_DIR/$1.held" >/dev/null
}

# master_port DPORT: the client port of the control connection that
# expects DPORT.
master_port() {
	in_fw conntrack -L expect 2>/dev/null | grep "dport=$1 mask" |
		sed -E 's/.*master-src=[^ ]+ master-dst=[^ ]+ sport=([0-9]+) .*/\1/'
}

# events FIRST LAST: wait for the listener's LAST line, then print its
# lines FIRST to LAST, countdowns and control ports normalised.
events() {
	poll 20 sh -c "[ \$(grep -c '^ *\[' $EV) -ge $2 ]"
	grep '^ *\[' $EV | sed -n "$1,$2p" |
		sed -E 's/^ *(\[[A-Z]+\]) +[0-9]+ /\1 T /;
			s/(master-src=[^ ]+ master-dst=[^ ]+) sport=[0-9]+ /\1 sport=P /' |
		tr '\n' '|'
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local lpid b
	rm -f "$EV" "$FTP_DIR"/*.held "$FTP_DIR"/*.go "$FTP_DIR"/*.out
	topo_create
	diff_tracker_ftp "$1"
	ftp_server 4
	ftp_fw_nft
	in_fw timeout $((200 * KCT_PATIENCE)) conntrack -E expect >$EV 2>&1 &
	lpid=$!
	wait_for ct_events_ready $FW 1

	hold a 50000
	echo "the helper expects port 50000: $(events 1 1)"
	touch "$FTP_DIR/a.go"
	echo "its data connection comes: $(events 2 2)"
	hold b 50001
	echo "the helper expects port 50001: $(events 3 3)"
	b=$(master_port 50001)
	in_fw conntrack -D expect -p tcp -s $SV4 -d $CL4 --sport 0 --dport 50001 \
		-r $CL4 -q $SV4 --reply-port-src 50001 --reply-port-dst 0 >/dev/null 2>&1
	echo "conntrack -D expect: $(events 4 4)"
	# shellcheck disable=SC2086  # the words of a command
	in_fw conntrack -I expect -p tcp -s $CL4 -d $SV4 --sport "$b" --dport 21 \
		--tuple-src $SV4 --tuple-dst $CL4 --tuple-port-src 0 \
		--tuple-port-dst 50002 $MASK -t 200 >/dev/null 2>&1
	echo "conntrack -I expect: $(events 5 5)"
	in_fw conntrack -F expect >/dev/null 2>&1
	echo "conntrack -F expect: $(events 6 6)"
	# shellcheck disable=SC2086
	in_fw conntrack -I expect -p tcp -s $CL4 -d $SV4 --sport "$b" --dport 21 \
		--tuple-src $SV4 --tuple-dst $CL4 --tuple-port-src 0 \
		--tuple-port-dst 50003 $MASK -t 200 >/dev/null 2>&1
	echo "conntrack -I expect again: $(events 7 7)"
	in_fw conntrack -D -p tcp --sport "$b" --dport 21 >/dev/null 2>&1
	echo "conntrack -D of its master: $(events 8 8)"
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null
	echo "events heard in all: $(grep -c '^ *\[' $EV)"
	topo_destroy
}

diff_run scenario 9
ktap_expect "stock: eight events" "events heard in all: 8" "${DIFF_STOCK[8]}"
diff_compare
rmmod kct_ftp 2>/dev/null
rmmod nf_conntrack_ftp 2>/dev/null
rm_ftp_dir
ktap_done
