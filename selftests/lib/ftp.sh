# Shell helpers for kct's FTP selftests (selftests/ftp/*.sh): a vsftpd
# server in the server namespace, curl and a scripted raw client
# (ftp_raw.py) in the client namespace, firewall rulesets that assign the
# "ftp" helper the ways users do, and /proc/net/kct_expect.  Source it
# after ktap.sh, topo.sh and tracker.sh.

FTP_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FTP_DIR=$(mktemp -d /tmp/kct-ftp.XXXXXX)
chmod 755 "$FTP_DIR"
# The 1 MB file every transfer test fetches, and its listing's name.
FTP_BIG=big.bin

# ftp_load [PARAM=VALUE...]: kct and kct_ftp, or fail the test.
ftp_load() {
	kct_load
	if ! modprobe kct_ftp "$@"; then
		ktap_fail "modprobe kct_ftp $*"
		ktap_done
	fi
}

# ftp_server 4|6 [PORT]: vsftpd in the server namespace, anonymous,
# read-only, serving $FTP_DIR/pub (the 1 MB $FTP_BIG and a small file),
# listening on IPv4 or IPv6 on PORT (default 21).  FTP_EXTRA_CONF holds
# more vsftpd.conf lines, if any.
ftp_server() {
	local fam=$1 port=${2:-21} conf=$FTP_DIR/vsftpd-$1-${2:-21}.conf
	mkdir -p "$FTP_DIR/pub" "$FTP_DIR/empty"
	chmod 755 "$FTP_DIR/pub" "$FTP_DIR/empty"
	[ -e "$FTP_DIR/pub/$FTP_BIG" ] ||
		head -c 1048576 /dev/urandom >"$FTP_DIR/pub/$FTP_BIG"
	echo "hello from kct's FTP test" >"$FTP_DIR/pub/hello.txt"
	chmod 644 "$FTP_DIR/pub"/*
	cat >"$conf" <<CONF
listen=$([ "$fam" = 4 ] && echo YES || echo NO)
listen_ipv6=$([ "$fam" = 6 ] && echo YES || echo NO)
listen_port=$port
$([ "$fam" = 4 ] && echo "listen_address=$SV4" || echo "listen_address6=$SV6")
anonymous_enable=YES
no_anon_password=YES
anon_root=$FTP_DIR/pub
local_enable=NO
write_enable=NO
secure_chroot_dir=$FTP_DIR/empty
pasv_enable=YES
port_enable=YES
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
use_localtime=NO
xferlog_enable=NO
vsftpd_log_file=$FTP_DIR/vsftpd.log
connect_timeout=$((10 * KCT_PATIENCE))
accept_timeout=$((10 * KCT_PATIENCE))
data_connection_timeout=$((30 * KCT_PATIENCE))
idle_session_timeout=$((120 * KCT_PATIENCE))
${FTP_EXTRA_CONF:-}
CONF
	# Not through in_sv: $! must be vsftpd's own pid (ip execs it).
	ip netns exec $SV vsftpd "$conf" >>"$FTP_DIR/vsftpd.out" 2>&1 &
	FTP_SERVER_PIDS+=($!)
	if ! wait_for tcp_listening $SV "$port"; then
		ktap_fail "vsftpd listens on port $port"
		ktap_note "$(cat "$FTP_DIR/vsftpd.out" 2>/dev/null)"
		ktap_done
	fi
}

# ftp_url 4|6 [PATH]: the server's URL.
ftp_url() {
	if [ "$1" = 4 ]; then
		echo "ftp://$SV4/$2"
	else
		echo "ftp://[$SV6]/$2"
	fi
}

# ftp_curl MODE FAM PATH [CURL ARGS...]: curl in the client namespace.
# MODE: pasv (227 on IPv4, 229 on IPv6), epsv (229), port (PORT on IPv4,
# EPRT on IPv6) or eprt (EPRT).  Gives up after 20 s (times KCT_PATIENCE).
ftp_curl() {
	local mode=$1 fam=$2 path=$3 args=()
	shift 3
	case $mode in
	pasv) [ "$fam" = 4 ] && args+=(--disable-epsv) ;;
	epsv) ;;
	port) args+=(-P -); [ "$fam" = 4 ] && args+=(--disable-eprt) ;;
	eprt) args+=(-P -) ;;
	esac
	in_cl curl -sS --connect-timeout $((8 * KCT_PATIENCE)) \
		-m $((20 * KCT_PATIENCE)) "${args[@]}" "$@" \
		"$(ftp_url "$fam" "$path")"
}

# ftp_transfer_ok MODE FAM: a listing names both files, and the 1 MB file
# arrives byte-identical.  Prints what went wrong.
ftp_transfer_ok() {
	local out=$FTP_DIR/got.$$ list
	rm -f "$out"
	list=$(ftp_curl "$1" "$2" "" 2>&1) || { echo "listing failed: $list"; return 1; }
	case $list in *"$FTP_BIG"*hello.txt* | *hello.txt*"$FTP_BIG"*) ;;
	*) echo "listing lacks the files: $list"; return 1 ;;
	esac
	ftp_curl "$1" "$2" "$FTP_BIG" -o "$out" || { echo "transfer failed"; return 1; }
	cmp "$FTP_DIR/pub/$FTP_BIG" "$out" || return 1
	rm -f "$out"
}

# ftp_raw NS HOST [PORT] -- STEP...: the scripted client (ftp_raw.py).
ftp_raw() {
	local ns=$1 host=$2 port=21
	shift 2
	if [ "$1" != -- ]; then
		port=$1
		shift
	fi
	shift
	ip netns exec "$ns" python3 "$FTP_LIB/ftp_raw.py" "$host" "$port" "$@"
}

# ftp_wait_file FILE: wait up to 60 s (times KCT_PATIENCE) for FILE (a
# mark of ftp_raw).
ftp_wait_file() {
	poll 60 test -e "$1" && return 0
	echo "timed out waiting for $1"
	return 1
}

# --- firewall rulesets: policy drop, the control port accepted, and
# otherwise only what is established or related; related and
# established packets of the data connections are counted.

# ftp_fw_nft [nohelper]: nft ruleset in the firewall, table inet fw, the
# helper assigned with a ct helper object (with nohelper, neither the
# object nor the rule: the object alone would make nf_conntrack load its
# own helper when kct_ftp is not there).  Counters: related and
# established (data connections only), data_all (every packet of them).
ftp_fw_nft() {
	local assign='tcp dport 21 ct helper set "ftp-std"'
	local object='ct helper ftp-std { type "ftp" protocol tcp; }'
	if [ "$1" = nohelper ]; then
		assign=
		object=
	fi
	in_fw nft -f - <<NFT
table inet fw {
	$object
	counter related {}
	counter established {}
	counter data_all {}
	chain prerouting {
		type filter hook prerouting priority filter; policy accept;
		$assign
	}
	chain count {
		type filter hook forward priority filter - 1; policy accept;
		tcp sport 21 return
		tcp dport 21 return
		meta l4proto tcp counter name "data_all"
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		tcp dport 21 accept
		tcp sport 21 ct state established accept
		ct state related counter name "related" accept
		ct state established counter name "established" accept
	}
}
NFT
}

# ftp_fw_iptables [nohelper]: the same with iptables and ip6tables, the
# helper assigned by -t raw -j CT --helper ftp; counters are the rules
# commented related, established, and data_all in the mangle table.
ftp_fw_iptables() {
	local t
	for t in iptables ip6tables; do
		[ "$1" = nohelper ] ||
			in_fw $t -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp
		in_fw $t -t mangle -A FORWARD -p tcp -m multiport ! --ports 21 \
			-m comment --comment data_all
		in_fw $t -P FORWARD DROP
		in_fw $t -A FORWARD -p tcp --dport 21 -j ACCEPT
		in_fw $t -A FORWARD -p tcp --sport 21 -m conntrack --ctstate ESTABLISHED -j ACCEPT
		in_fw $t -A FORWARD -m conntrack --ctstate RELATED \
			-m comment --comment related -j ACCEPT
		in_fw $t -A FORWARD -m conntrack --ctstate ESTABLISHED \
			-m comment --comment established -j ACCEPT
	done
}

# ftp_fw_flush: no rules in the firewall any more.
ftp_fw_flush() {
	local t
	in_fw nft flush ruleset
	for t in iptables ip6tables; do
		in_fw $t -t raw -F
		in_fw $t -t mangle -F
		in_fw $t -F
		in_fw $t -P FORWARD ACCEPT
	done
}

# ftp_counts nft|iptables FAM: "related=N established=N data_all=N".
ftp_counts() {
	local cmd=iptables
	[ "$2" = 6 ] && cmd=ip6tables
	if [ "$1" = nft ]; then
		echo "related=$(nft_counter $FW inet fw related)" \
			"established=$(nft_counter $FW inet fw established)" \
			"data_all=$(nft_counter $FW inet fw data_all)"
	else
		echo "related=$(ipt_counter $FW $cmd filter FORWARD related)" \
			"established=$(ipt_counter $FW $cmd filter FORWARD established)" \
			"data_all=$(ipt_counter $FW $cmd mangle FORWARD data_all)"
	fi
}

# ftp_counts_ok BEFORE AFTER CONNS: between two ftp_counts, exactly CONNS
# packets were related (one per data connection, its first) and all the
# other packets of the data connections established.
ftp_counts_ok() {
	local d rel est all
	d=$(counts_delta "$1" "$2")
	rel=$(echo "$d" | sed -n 's/.*related=\([0-9-]*\).*/\1/p')
	est=$(echo "$d" | sed -n 's/.*established=\([0-9-]*\).*/\1/p')
	all=$(echo "$d" | sed -n 's/.*data_all=\([0-9-]*\).*/\1/p')
	if [ "$rel" = "$3" ] && [ "$est" = $((all - rel)) ] && [ "$all" -gt 20 ]; then
		return 0
	fi
	echo "counted: $d (wanted related=$3, established=data_all-related)"
	return 1
}

# --- expectations ------------------------------------------------------

# kct_expect NS: the expectation table of namespace NS.
kct_expect() {
	ip netns exec "$1" cat /proc/net/kct_expect
}

# kct_expect_count NS [PATTERN...]: lines of it containing every PATTERN.
kct_expect_count() {
	local ns=$1 lines
	shift
	mapfile -t lines < <(kct_expect "$ns" | lines_with "$@")
	echo ${#lines[@]}
}

# kct_expect_count_is NS N [PATTERN...]: exactly N lines match.
kct_expect_count_is() {
	local ns=$1 n=$2
	shift 2
	[ "$(kct_expect_count "$ns" "$@")" = "$n" ]
}

# kct_expect_wait_count NS N [PATTERN...]: wait up to 30 s (times
# KCT_PATIENCE) until exactly N lines match: long enough for a master
# connection reset a moment ago to leave CLOSE (10 s) and the table.
kct_expect_wait_count() {
	local ns=$1 n=$2
	shift 2
	poll 30 kct_expect_count_is "$ns" "$n" "$@" && return 0
	echo "wanted $n expectations matching '$*', table:"
	kct_expect "$ns"
	return 1
}

# exp_norm LINE: an expectation line with its countdown replaced by T.
exp_norm() {
	echo "$1" | sed 's/^[0-9]* /T /'
}

# port_args PORT: "p1,p2" as PORT writes a port.
port_args() {
	echo "$(($1 / 256)),$(($1 % 256))"
}

rm_ftp_dir() {
	rm -rf "$FTP_DIR"
}
