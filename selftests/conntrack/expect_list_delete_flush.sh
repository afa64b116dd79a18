#!/bin/bash
# `conntrack -L expect`, `-D expect` and `-F expect` work on the
# expectations kct_ftp makes: an FTP client announces data connections
# (PORT) through the firewall and holds them back; conntrack lists each
# expectation with its master connection and helper, as
# /proc/net/kct_expect does; -D expect removes the one it names and -F
# expect the rest, after which the data connection is no longer RELATED.
# kct-test-cost: 51
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft vsftpd python3

topo_create
ct_load
ftp_load
ftp_server 4
ftp_fw_nft

# hold NAME PORT: a raw client announcing PORT and waiting for NAME.go.
hold() {
	ftp_raw $CL $SV4 -- login listen:$2 "cmd:PORT 192,0,2,2,$(port_args $2)" \
		"mark:$FTP_DIR/$1.held" "wait:$FTP_DIR/$1.go" \
		cmd:NLST accept reply quit >"$FTP_DIR/$1.out" 2>&1 &
	ftp_wait_file "$FTP_DIR/$1.held" >/dev/null
}
hold a 50000
hold b 50001

out=$(in_fw conntrack -L expect 2>&1)
ktap_expect "conntrack -L expect lists both expectations" 2 \
	"$(grep -c 'helper=ftp' <<<"$out")"
line=$(grep "dport=50000 " <<<"$out")
ktap_check "... the server's data connection to port 50000" \
	grep -q "proto=6 src=$SV4 dst=$CL4 sport=0 dport=50000 " <<<"$line"
ktap_check "... its mask: any source port" \
	grep -q "mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 " <<<"$line"
ktap_check "... its master, the control connection" \
	grep -q "master-src=$CL4 master-dst=$SV4 sport=[0-9]* dport=21 " <<<"$line"
ktap_check "... a countdown from 300 s" \
	test "${line%% *}" -le 300 -a "${line%% *}" -ge $((300 - 20 * KCT_PATIENCE))
ktap_expect "-L expect -f ipv6: none" 0 \
	"$(in_fw conntrack -L expect -f ipv6 2>/dev/null | grep -c helper=)"

# conntrack 1.4.7 wants the reply direction too, though it sends only
# the expected tuple.
out=$(in_fw conntrack -D expect -p tcp -s $SV4 -d $CL4 --sport 0 --dport 50001 \
	-r $CL4 -q $SV4 --reply-port-src 50001 --reply-port-dst 0 2>&1)
ktap_check "conntrack -D expect -p tcp -s $SV4 -d $CL4 --sport 0 --dport 50001 ..." \
	not grep -q "Operation failed" <<<"$out"
ktap_check "... removed that one" kct_expect_wait_count $FW 0 "dport=50001 "
ktap_expect "... and only it" 1 "$(kct_expect_count $FW "dport=50000 ")"
out=$(in_fw conntrack -F expect 2>&1)
ktap_check "conntrack -F expect" grep -q "expectation table has been emptied" <<<"$out"
ktap_expect "/proc/net/kct_expect is empty" "" "$(kct_expect $FW)"
ktap_expect "conntrack -L expect lists nothing" 0 \
	"$(in_fw conntrack -L expect 2>/dev/null | grep -c helper=)"
touch "$FTP_DIR/a.go" "$FTP_DIR/b.go"
sleep 5
ktap_check "the data connection, no longer expected, did not come" \
	not grep -q '^data [0-9]* bytes' "$FTP_DIR/a.out"
rm_ftp_dir
ktap_done
