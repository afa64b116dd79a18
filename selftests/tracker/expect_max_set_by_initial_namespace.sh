#!/bin/bash
# Stock's net.netfilter.nf_conntrack_expect_max, kct's limit too, is the
# host's: only the initial namespace may change it.  From a child network
# namespace (even as real root) and from an unprivileged user namespace a
# write fails, and the child reads the host's value.  Each namespace
# counts its own expectations against it, as stock does: with a limit of
# 3, the client namespace full of FTP expectations leaves the firewall
# namespace its own three.
# kct-test-cost: 47
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 unshare setpriv

topo_create
ftp_load
saved=$(sysctl -n net.netfilter.nf_conntrack_expect_max)
trap 'sysctl -qw net.netfilter.nf_conntrack_expect_max=$saved; topo_destroy; rm_ftp_dir' EXIT
sysctl -qw net.netfilter.nf_conntrack_expect_max=3

# write_as WHO KEY: try KEY=7 as WHO (netns: root in a child network
# namespace; userns: an unprivileged user in its own user and network
# namespaces), then read KEY there; prints what sysctl said, KEY left out.
write_as() {
	local script="sysctl -w $2=7 2>&1; sysctl -n $2"
	if [ "$1" = netns ]; then
		in_fw sh -c "$script"
	else
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			unshare -U -r -n sh -c "$script"
	fi | sed "s/$2/KEY/g" | tr '\n' ' '
}
reads_3() { [[ $1 == *"3 " ]]; }
for who in netns userns; do
	stock=$(write_as $who net.netfilter.nf_conntrack_expect_max)
	ktap_check "$who: nf_conntrack_expect_max refuses the write ($stock)" \
		reads_3 "$stock"
done
ktap_expect "the host's value is unchanged" 3 \
	"$(sysctl -n net.netfilter.nf_conntrack_expect_max)"
ktap_expect "a child namespace reads the host's value" 3 \
	"$(in_fw sysctl -n net.netfilter.nf_conntrack_expect_max)"

ftp_server 4
# The client's own kct assigns the helper to its control connections.
in_cl nft -f - <<'NFT'
table inet cl {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain out {
		type filter hook output priority filter; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
}
NFT
# control PORT: a control connection that sends PORT (its data port) and
# stays open until $FTP_DIR/PORT.go exists.
pids=()
control() {
	ftp_raw $CL $SV4 -- login "cmd:PORT 192,0,2,2,$(port_args $1)" \
		"mark:$FTP_DIR/$1" "wait:$FTP_DIR/$1.go" quit \
		>"$FTP_DIR/$1.out" 2>&1 &
	pids+=($!)
	ftp_wait_file "$FTP_DIR/$1" >/dev/null ||
		ktap_note "control connection $1: $(cat "$FTP_DIR/$1.out")"
}
for port in 50001 50002 50003 50004 50005; do
	control $port
done
ktap_expect "five PORTs: the client namespace holds the limit, 3" 3 \
	"$(kct_expect_count $CL)"
ktap_expect "the firewall namespace none yet" 0 "$(kct_expect_count $FW)"

ftp_fw_nft
for port in 50011 50012 50013; do
	control $port
done
ktap_expect "the firewall namespace still gets its own three" 3 \
	"$(kct_expect_count $FW)"
ktap_expect "the client namespace keeps its three" 3 "$(kct_expect_count $CL)"
touch "$FTP_DIR"/500{01,02,03,04,05,11,12,13}.go
wait "${pids[@]}"
ktap_done
