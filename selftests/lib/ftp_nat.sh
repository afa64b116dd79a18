# Shell helpers for FTP through NAT (selftests/nat/ftp_*.sh): the
# trackers loaded the ways users load them, lftp without the fallbacks
# that hide a failed rewrite, what one side's link carries on port 21,
# and lines normalised for comparison with stock.  Source it after
# preamble.sh and ftp.sh.

FW6_CL_FULL=2001:0db8:0001:0000:0000:0000:0000:0001
FW6_SV_FULL=2001:0db8:0002:0000:0000:0000:0000:0001

# ftp_nat_load kct|stock: kct, kct_ftp and kct_nat_ftp (stock's FTP
# modules gone), or nf_conntrack_ftp and nf_nat_ftp (kct's gone).  The
# firewall's ruleset must be empty: an nft ct helper object holds the
# helper's module.
ftp_nat_load() {
	if [ "$1" = kct ]; then
		# kct answers conntrack-tools only where stock's ctnetlink is not
		# loaded.
		rmmod nf_nat_ftp nf_conntrack_ftp nf_conntrack_netlink 2>/dev/null
		ftp_load
		modprobe kct_nat_ftp || ktap_fail "modprobe kct_nat_ftp"
	else
		rmmod kct_nat_ftp kct_ftp kct 2>/dev/null
		modprobe nf_nat_ftp || ktap_fail "modprobe nf_nat_ftp"
	fi
}

# ftp_nat_unload: neither tracker's FTP modules, nor kct.
ftp_nat_unload() {
	rmmod kct_nat_ftp kct_ftp kct nf_nat_ftp nf_conntrack_ftp 2>/dev/null
	return 0
}

# ftp_nat_sniff_start NS DEV / ftp_nat_sniff_stop: what DEV in NS
# carries on port 21, as text, in $FTP_DIR/sniff.
ftp_nat_sniff_start() {
	rm -f "$FTP_DIR/sniff" "$FTP_DIR/sniff.err"
	ip netns exec "$1" tcpdump -i "$2" -l -n -A -s 0 tcp port 21 \
		>"$FTP_DIR/sniff" 2>"$FTP_DIR/sniff.err" &
	FTP_NAT_SNIFF=$!
	wait_for grep -q 'listening on' "$FTP_DIR/sniff.err"
}
ftp_nat_sniff_stop() {
	kill "$FTP_NAT_SNIFF" 2>/dev/null
	wait "$FTP_NAT_SNIFF" 2>/dev/null
}

# ftp_nat_sniffed TEXT: the sniffed traffic holds TEXT; or what it holds
# of the announcements.
ftp_nat_sniffed() {
	grep -qF "$1" "$FTP_DIR/sniff" && return 0
	echo "wanted '$1'; announcements seen:"
	grep -aoE '(PORT|EPRT|227|229) [^.]*' "$FTP_DIR/sniff"
	return 1
}

# ftp_nat_lftp active|passive HOST: lftp in the client lists, then
# fetches the 1 MiB file from HOST (an IPv6 address in brackets) in one
# session (two announcements rewritten, so the second and what follows
# it are shifted by both), in that mode only (no fallback to the other
# mode, the 227 address taken as given); the listing names the file
# and the file arrives byte-identical, or it says what went wrong.
ftp_nat_lftp() {
	local got=$FTP_DIR/got pasv=off out
	[ "$1" = passive ] && pasv=on
	rm -f "$got"
	out=$(in_cl lftp -c "set ftp:passive-mode $pasv; set ftp:auto-passive-mode off
set ftp:fix-pasv-address off; set ftp:prefer-epsv off; set net:max-retries 1
set net:timeout $((20 * KCT_PATIENCE)); set xfer:clobber on
open ftp://$2; ls; get $FTP_BIG -o $got" 2>&1) || { echo "$out"; return 1; }
	[[ $out == *"$FTP_BIG"* ]] || { echo "the listing lacks $FTP_BIG: $out"; return 1; }
	cmp "$FTP_DIR/pub/$FTP_BIG" "$got"
}

# ftp_nat_norm LINE PORT: a /proc/net/nf_conntrack (or kct) line of a
# data connection to PORT, its countdown T and the other port S.
ftp_nat_norm() {
	echo "$1" | tr -s ' ' |
		sed -E "s/^(ipv[46] [0-9]+ )?(tcp 6) [0-9]+ /\2 T /
			s/ sport=[0-9]+ dport=$2 / sport=S dport=$2 /
			s/ sport=$2 dport=[0-9]+ / sport=$2 dport=S /"
}

# ftp_nat_expect TABLE: the firewall's expectation lines (TABLE
# kct_expect or nf_conntrack_expect), countdowns as T.
ftp_nat_expect() {
	ip netns exec $FW cat /proc/net/$1 | sed 's/^[0-9]* /T /'
}

# ftp_nat_ct_expect FAM: what `conntrack -L expect` shows in the
# firewall for family FAM (4 or 6), countdowns as T and the port of the
# control connection's client as S.
ftp_nat_ct_expect() {
	in_fw conntrack -L expect -f ipv$1 2>/dev/null | grep -v '^conntrack v' |
		sed -E 's/^[0-9]+ /T /
			s/(master-src=[^ ]+ master-dst=[^ ]+ sport=)[0-9]+/\1S/'
}

# ftp_nat_check_ctexp: for each family, stock's `conntrack -L expect`
# (CTEXP_stock_4, _6) lists the held-back expectation, and kct's
# (CTEXP_kct_4, _6) is the same.
ftp_nat_check_ctexp() {
	local fam v ctexp_stock ctexp_kct
	for fam in 4 6; do
		v=CTEXP_stock_$fam
		ctexp_stock=${!v}
		v=CTEXP_kct_$fam
		ctexp_kct=${!v}
		ktap_check "stock, IPv$fam: conntrack -L expect lists the expectation" \
			grep -q 'helper=ftp' <<<"$ctexp_stock"
		ktap_expect "kct, IPv$fam: conntrack -L expect, as stock" \
			"$ctexp_stock" "$ctexp_kct"
		ktap_note "stock, IPv$fam: $ctexp_stock"
	done
}

# ftp_nat_masquerade_rules: the router's ruleset for active FTP from
# behind it: policy drop in the forward path except the control port and
# what is established or related (related packets counted: counter
# "related" of table inet fw); the ftp helper assigned to the control
# connection; masquerade towards the server.
ftp_nat_masquerade_rules() {
	in_fw nft -f - <<'NFT'
table inet fw {
	ct helper ftp-std { type "ftp" protocol tcp; }
	counter related {}
	chain prerouting {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		tcp dport 21 accept
		ct state related counter name related accept
		ct state established accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" masquerade
	}
}
NFT
}
