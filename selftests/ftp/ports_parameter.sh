#!/bin/bash
# ports= lists the FTP servers' ports (default 21, up to 8): each port
# gets a helper per address family, named as stock names them ("ftp" for
# 21, "ftp-PORT" for others), which the usual rules assign.  A server on
# port 2121 behind the firewall then works in passive mode with
# "-j CT --helper ftp-2121" and with an nft ct helper of type "ftp-2121".
# A port 0, a port given twice or more than 8 ports are refused.
# kct-test-cost: 22
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft iptables vsftpd curl cmp

kct_load
ktap_check "ports=0 is refused" not modprobe kct_ftp ports=0
ktap_check "ports=21,21 is refused" not modprobe kct_ftp ports=21,21
ktap_check "nine ports are refused" not modprobe kct_ftp ports=1,2,3,4,5,6,7,8,9
ktap_check "ports=21,2121 loads" modprobe kct_ftp ports=21,2121
ktap_expect "the parameter reads back" "21,2121" \
	"$(cat /sys/module/kct_ftp/parameters/ports)"

topo_create
ftp_server 4 2121
get2121() {
	local out=$FTP_DIR/got.2121
	rm -f "$out"
	in_cl curl -sS --connect-timeout $((8 * KCT_PATIENCE)) \
		-m $((20 * KCT_PATIENCE)) --disable-epsv \
		"ftp://$SV4:2121/$FTP_BIG" -o "$out" && cmp "$FTP_DIR/pub/$FTP_BIG" "$out"
}
in_fw iptables -t raw -A PREROUTING -p tcp --dport 2121 -j CT --helper ftp-2121
in_fw iptables -P FORWARD DROP
in_fw iptables -A FORWARD -p tcp --dport 2121 -j ACCEPT
in_fw iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
ktap_check "port 2121, -j CT --helper ftp-2121: passive transfer, byte-identical" get2121
ktap_check "the expectation was made and used" \
	in_range "$(kct_stat $FW expect_new)" 1 10

ftp_fw_flush
in_fw nft -f - <<'NFT'
table inet fw {
	ct helper ftp-alt { type "ftp-2121" protocol tcp; }
	chain prerouting {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 2121 ct helper set "ftp-alt"
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		tcp dport 2121 accept
		ct state established,related accept
	}
}
NFT
ktap_check "port 2121, nft ct helper type ftp-2121: passive transfer, byte-identical" get2121
ktap_done
