#!/bin/bash
# The ruleset of the motivating notes, on the FTP server itself: INPUT
# policy DROP, "-A INPUT -p tcp --dport 21 -j ACCEPT", "-A INPUT -m
# conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", and the helper
# assigned by "-t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp".
# A real lftp client lists and fetches the 1 MB file, passive and active,
# byte-identical; a passive data connection enters as RELATED.  Without
# the raw rule the passive data connection is refused at INPUT.
# kct-test-cost: 34
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool iptables vsftpd lftp curl cmp

topo_create
ftp_load
ftp_server 4

server_rules() {
	in_sv iptables -t raw -F
	in_sv iptables -F
	[ "$1" = nohelper ] ||
		in_sv iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp
	in_sv iptables -P INPUT DROP
	in_sv iptables -A INPUT -p tcp --dport 21 -j ACCEPT
	# Counts, and lets the next rule decide.
	in_sv iptables -A INPUT -m conntrack --ctstate RELATED -m comment --comment related
	in_sv iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
}

# lftp_get passive|active: list and fetch with lftp; prints what failed.
lftp_get() {
	local pasv=on out=$FTP_DIR/lftp.got list
	[ "$1" = active ] && pasv=off
	rm -f "$out"
	list=$(in_cl timeout 60 lftp -u anonymous,x -e "set ftp:passive-mode $pasv; \
		set ftp:prefer-epsv no; set net:timeout 8; set net:max-retries 1; \
		cls -1; get $FTP_BIG -o $out; bye" "ftp://$SV4" 2>&1)
	case $list in *hello.txt*) ;; *) echo "listing: $list"; return 1 ;; esac
	cmp "$FTP_DIR/pub/$FTP_BIG" "$out"
}

server_rules
before=$(ipt_counter $SV iptables filter INPUT related)
ktap_check "passive: lftp lists and fetches 1 MB, byte-identical" lftp_get passive
ktap_expect "passive: 2 data connections entered as related (1 packet each)" \
	$((before + 2)) "$(ipt_counter $SV iptables filter INPUT related)"
ktap_check "active: lftp lists and fetches 1 MB, byte-identical" lftp_get active
ktap_expect "the server's policy dropped nothing" 0 \
	"$(ipt_policy_packets $SV iptables INPUT)"

server_rules nohelper
ktap_check "without the raw rule, a passive data connection is refused" \
	not ftp_curl pasv 4 hello.txt -m $((8 * KCT_PATIENCE))
ktap_check "the server's policy dropped it" \
	in_range "$(ipt_policy_packets $SV iptables INPUT)" 1 1000
ktap_done
