#!/bin/bash
# Hostile control traffic does no harm: a real TCP client sends vsftpd
# overlong lines, NULs, numbers over 255 or 65535, missing and extra
# fields, bad EPRT delimiters and families, port 0, unfinished lines that
# never end, and a bad PORT in one-byte segments; a fake server sends
# hostile 227 and 229 replies.  None makes an expectation, the kernel log
# gets no line about kct, the helper or netfilter, and afterwards a good PORT still makes one.
# kct-test-cost: 72
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 socat

topo_create
ftp_load
ftp_server 4
ftp_fw_nft
in_fw nft -f - <<'NFT'
table inet syns {
	counter syns {}
	chain count {
		type filter hook forward priority filter - 2; policy accept;
		tcp dport 21 tcp flags syn / syn,ack counter name "syns"
	}
}
NFT
log_before=$(dmesg | wc -l)

long=$(printf 'A%.0s' $(seq 5000))
commas=$(printf '1,%.0s' $(seq 200))
junk=$(printf 'x%.0s' $(seq 300))
hostile=(
	"raw:$long\\r\\n"
	'raw:PORT 192,0,2,2,256,1\r\n'
	'raw:PORT 192,0,2,2,1,999\r\n'
	'raw:PORT 999,0,2,2,1,1\r\n'
	'raw:PORT 192,0,2,2,0,0\r\n'
	'raw:PORT 192,0,2\x00,2,195,80\r\n'
	'raw:PORT 192,0,2,2,195\r\n'
	'raw:PORT 192,0,2,2,195,80,1\r\n'
	'raw:PORT 0192,0,2,2,195,80\r\n'
	"raw:PORT $commas\\r\\n"
	'raw:EPRT |1|192.0.2.2|70000|\r\n'
	'raw:EPRT |1|192.0.2.2|0|\r\n'
	'raw:EPRT |3|192.0.2.2|5000|\r\n'
	'raw:EPRT |2|::1::2|5000|\r\n'
	'raw:EPRT 1192.0.2.21500001\r\n'
	'raw:EPRT |1|192.000.2.2|5000|\r\n'
	"raw:PORT 192,0,2,2,195,80$junk\\r\\n"
	'raw:\x00\x00\x00\x00\x00\x00\x00\x00\r\n'
	'bytewise:PORT 192,0,2,2,300,1\r\n'
)
# One control connection each, all at once (the guest is slow).
pids=()
for step in "${hostile[@]}"; do
	ftp_raw $CL $SV4 -- login "$step" cmd:NOOP >/dev/null 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
ktap_expect "${#hostile[@]} hostile commands: no expectation" 0 "$(kct_expect_count $FW)"
ktap_check "they all went through the firewall (one control connection each)" \
	in_range "$(nft_counter $FW inet syns syns)" ${#hostile[@]} 1000

# An unfinished PORT whose connection is then reset keeps nothing alive.
ftp_raw $CL $SV4 -- login 'raw:PORT 192,0,2,2,195,8' rst >/dev/null 2>&1
ktap_expect "an unfinished PORT, then a reset: no expectation" 0 "$(kct_expect_count $FW)"

# A fake server's hostile replies.
kill "${FTP_SERVER_PIDS[@]}" 2>/dev/null
wait "${FTP_SERVER_PIDS[@]}" 2>/dev/null
printf '%s\r\n' '220 fake' '227 Entering Passive Mode (198,51,100,2,256,1)' \
	'227 Entering Passive Mode (198,51,100,2,0,0)' '227 (198,51,100,2,195' \
	'227 =198,51,100,2,195,80,7' '229 Entering Extended Passive Mode (|||70000|)' \
	'229 (|||0|)' '229 (111501111)' '229 (|||50000)' "227 ($long)" \
	'227 Entering Passive Mode (198,51,100,2,195,80' >"$FTP_DIR/replies"
printf '227 (198,51,100,2,195,80)' >>"$FTP_DIR/replies"
wait_for not tcp_listening $SV 21
ip netns exec $SV socat TCP4-LISTEN:21,reuseaddr,fork \
	SYSTEM:"cat $FTP_DIR/replies" >/dev/null 2>&1 &
fake=$!
wait_for tcp_listening $SV 21
got=$(in_cl socat -T 5 -u TCP:$SV4:21 - </dev/null | wc -c)
ktap_expect "the fake server's hostile replies reached the client" \
	"$(wc -c <"$FTP_DIR/replies")" "$got"
ktap_expect "hostile replies: no expectation" 0 "$(kct_expect_count $FW)"
ktap_expect "the kernel log got no line from kct, the helper or netfilter" "" \
	"$(dmesg | tail -n +$((log_before + 1)) | grep -iE 'kct|ftp|conntrack|netfilter|nf_')"

kill $fake
wait $fake 2>/dev/null
wait_for not tcp_listening $SV 21
ftp_server 4
ftp_raw $CL $SV4 -- login "cmd:PORT 192,0,2,2,$(port_args 50000)" \
	"mark:$FTP_DIR/good" "wait:$FTP_DIR/good.go" quit >"$FTP_DIR/good.out" 2>&1 &
pid=$!
ftp_wait_file "$FTP_DIR/good" >/dev/null
ktap_expect "a good PORT afterwards still makes its expectation" 1 \
	"$(kct_expect_count $FW "dport=50000 ")"
touch "$FTP_DIR/good.go"
wait $pid
ktap_done
