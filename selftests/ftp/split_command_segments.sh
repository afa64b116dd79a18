#!/bin/bash
# A command split across TCP segments is still read: the helper tracks,
# per direction, the sequence number where the current line starts (as
# stock does) and keeps the bytes of an unfinished line that may still
# match, instead of dropping its segment as stock does.  A PORT (IPv4) and an EPRT (IPv6) sent one byte per segment
# (TCP_NODELAY, 20 ms apart) make their expectation, and the data
# connection then works; so does a PORT that follows, in the same
# segment, the end of a line split across segments, and a PORT that is
# the second line of a segment.  The firewall did see one-byte segments.
# kct-test-cost: 24
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3

topo_create
ftp_load
ftp_server 4
ftp_server 6
ftp_fw_nft
# Segments to port 21 carrying one byte (IP length: headers with the
# timestamp option, 52 or 72 bytes, plus one).
in_fw nft -f - <<'NFT'
table inet seg {
	counter onebyte {}
	chain count {
		type filter hook forward priority filter - 2; policy accept;
		tcp dport 21 ip length 53 counter name "onebyte"
		tcp dport 21 ip6 length 33 counter name "onebyte"
	}
}
NFT

out=$(ftp_raw $CL $SV4 -- login listen:50000 \
	'bytewise:PORT 192,0,2,2,195,80\r\n' reply cmd:NLST accept reply quit 2>&1)
ktap_expect "PORT in one-byte segments: accepted, the listing arrives" \
	"reply 200 reply 150 data" "$(echo $out | grep -o 'reply 200 reply 150 data')"
ktap_check "the firewall saw at least 10 one-byte segments" \
	in_range "$(nft_counter $FW inet seg onebyte)" 10 100000
ktap_expect "its data connection passed the firewall (related)" 1 \
	"$(kct_count $FW "src=$SV4 dst=$CL4" "dport=50000 ")"

before=$(nft_counter $FW inet seg onebyte)
out=$(ftp_raw $CL $SV6 -- login listen:50001 \
	"bytewise:EPRT |2|$CL6|50001|\\r\\n" reply cmd:NLST accept reply quit 2>&1)
ktap_expect "EPRT in one-byte segments: accepted, the listing arrives" \
	"reply 200 reply 150 data" "$(echo $out | grep -o 'reply 200 reply 150 data')"
ktap_check "the firewall saw at least 10 one-byte IPv6 segments" \
	in_range $(($(nft_counter $FW inet seg onebyte) - before)) 10 100000

out=$(ftp_raw $CL $SV4 -- login listen:50002 'raw:NO' sleep:0.3 \
	'raw:OP\r\nPORT 192,0,2,2,195,82\r\n' reply reply cmd:NLST accept reply quit 2>&1)
ktap_expect "a PORT after the end of a split line: the listing arrives" \
	"reply 200 reply 200 reply 150 data" \
	"$(echo $out | grep -o 'reply 200 reply 200 reply 150 data')"

out=$(ftp_raw $CL $SV4 -- login listen:50003 \
	'raw:NOOP\r\nPORT 192,0,2,2,195,83\r\n' reply reply cmd:NLST accept reply quit 2>&1)
ktap_expect "a PORT as the second line of a segment: the listing arrives" \
	"reply 200 reply 200 reply 150 data" \
	"$(echo $out | grep -o 'reply 200 reply 200 reply 150 data')"
ktap_done
