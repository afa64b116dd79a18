#!/bin/bash
# The README's examples work as written.  Its "Using kct" commands and
# both ways it shows to assign the FTP helper (iptables -j CT, an nft
# ct helper object) are read from README.md when the test runs and run
# literally in the firewall, whose forward policy is drop and which
# otherwise accepts only the FTP control port (the `table inet filter`
# and iptables FORWARD chain the README's rules are added to).  With
# only the "Using kct" rules, FTP's data connections are dropped; with
# either helper example added, active and passive transfers go through
# byte-identical, and `conntrack -L` names the helper of the control
# connection, as the README says.
# kct-test-cost: 55
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/readme.sh"
require_tool nft iptables vsftpd curl cmp conntrack

using=$(readme_block "Using kct" 1)
ftp_iptables=$(readme_block "The FTP helper" 1)
ftp_nft=$(readme_block "The FTP helper" 2)
# has_lines TEXT REGEX...: every REGEX matches a line of TEXT.
has_lines() {
	local text=$1 re
	shift
	for re in "$@"; do
		grep -Eq -- "$re" <<<"$text" || { echo "no line matches $re in:"; echo "$text"; return 1; }
	done
}
ktap_check "README: \"Using kct\" loads kct and has the nft and iptables rules" \
	has_lines "$using" "^modprobe kct" "^nft add rule" "^iptables "
ktap_check "README: the FTP helper's iptables example assigns it with -j CT" \
	has_lines "$ftp_iptables" "^modprobe kct_ftp" "-j CT --helper ftp"
ktap_check "README: the FTP helper's nft example is a ct helper ruleset" \
	has_lines "$ftp_nft" "^table " "ct helper set"

# in_fw_literally TEXT: TEXT as a shell script in the firewall; any
# failing command fails it.
in_fw_literally() {
	in_fw bash -e -c "$1"
}

topo_create
rmmod nf_conntrack_netlink 2>/dev/null	# kct's conntrack -L, not stock's
# The firewall the README's rules go into.
in_fw nft -f - <<'NFT'
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		tcp dport 21 accept
	}
}
NFT
in_fw iptables -P FORWARD DROP
in_fw iptables -A FORWARD -p tcp --dport 21 -j ACCEPT

ktap_check "\"Using kct\" runs as written" in_fw_literally "$using"
ftp_server 4
ftp_server 6
ktap_check "\"Using kct\" alone: the data connections are dropped" \
	not ftp_transfer_ok port 4

ktap_check "the FTP helper's iptables example runs as written" \
	in_fw_literally "$ftp_iptables"
for mode in port pasv; do
	ktap_check "iptables example: $mode listing and 1 MB transfer, IPv4" \
		ftp_transfer_ok $mode 4
done
ktap_check "conntrack -L shows helper=ftp on the control connection" \
	sh -c "ip netns exec $FW conntrack -L -p tcp --dport 21 2>/dev/null | grep -q ' helper=ftp '"
in_fw iptables -t raw -F PREROUTING	# only the nft example assigns it now

ktap_check "the FTP helper's nft example loads as written" \
	in_fw nft -f - <<<"$ftp_nft"
for fam in 4 6; do
	for mode in port pasv; do
		ktap_check "nft example: $mode listing and 1 MB transfer, IPv$fam" \
			ftp_transfer_ok $mode $fam
	done
done
ktap_done
