#!/bin/bash
# Installs everything kct's build, guest and tests use, and prepares the
# test kernel.  Idempotent: when everything is present it only checks and
# returns in about a second.
#
#   scripts/setup.sh          everything make check / make run need
#   scripts/setup.sh --debug  also the toolchain for the debug kernel
set -eo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KCT_CACHE:-$top/.cache}
mkdir -p "$cache"

say() { echo "setup: $*"; }

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		exec sudo -E "$0" "$@"
	fi
	echo "setup: must run as root (or with sudo)" >&2
	exit 1
fi

# Tools used on the host and, over 9p, inside the guest.
packages=(
	build-essential kmod cpio xz-utils zstd
	qemu-system-x86 busybox-static
	nftables iptables conntrack conntrackd nfct iproute2 socat ncat netcat-openbsd iperf3
	python3 python3-scapy python3-matplotlib procps psmisc util-linux tcpdump iputils-ping
	linux-perf
	vsftpd lftp curl
	sparse coccinelle linux-source-6.1
	clang libclang-rt-14-dev
)
if [ "$1" = "--debug" ]; then
	packages+=(flex bison bc libelf-dev libssl-dev dwarves rsync)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	say "apt-get update"
	apt-get update -q >/dev/null
	apt_updated=1
}

install_packages() {
	local policy=/usr/sbin/policy-rc.d made_policy=
	apt_update
	say "installing: $*"
	# Packages such as vsftpd would start a system service; the tests
	# start their own servers inside the guest instead.
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' >$policy
		chmod +x $policy
		made_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$@" >"$cache/apt.log" 2>&1 ||
		{ tail -20 "$cache/apt.log"; [ -n "$made_policy" ] && rm -f $policy; exit 1; }
	[ -n "$made_policy" ] && rm -f $policy
	return 0
}

[ ${#missing[@]} -gt 0 ] && install_packages "${missing[@]}"

if ! apt-cache show linux-headers-amd64 >/dev/null 2>&1; then
	apt_update
fi
abi=$("$top/scripts/abi.sh")
echo "$abi" >"$cache/abi"

if [ ! -d "/usr/src/linux-headers-$abi" ]; then
	install_packages "linux-headers-$abi"
fi

# The test kernel: downloaded and extracted, never installed on the host.
image="$cache/image-$abi"
if [ ! -e "$image/boot/vmlinuz-$abi" ]; then
	apt_update
	say "fetching linux-image-$abi-unsigned"
	tmp=$(mktemp -d); chmod 777 "$tmp"
	(cd "$tmp" && apt-get download -q "linux-image-$abi-unsigned" >/dev/null)
	rm -rf "$image.tmp"
	dpkg -x "$tmp"/linux-image-*.deb "$image.tmp"
	rm -rf "$tmp" "$image"
	mv "$image.tmp" "$image"
fi
[ -e "$image/lib/modules/$abi/modules.dep" ] || depmod -b "$image" "$abi"

# checkpatch.pl and the coccinelle scripts come from the kernel source.
src="$cache/linux-source-6.1"
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
if [ -n "$tarball" ] && [ ! -e "$src/.lint-extracted" ]; then
	say "extracting checkpatch and coccinelle scripts"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1 \
		--wildcards 'linux-source-6.1/scripts/*' \
		'linux-source-6.1/Documentation/dev-tools/*' \
		'linux-source-6.1/include/linux/*' 2>/dev/null || true
	touch "$src/.lint-extracted"
fi
# The kernel's netfilter selftests: selftests/tracker/sctp_init_collision.sh
# runs its conntrack_sctp_collision.sh against kct.
nf_tests="$src/tools/testing/selftests/netfilter"
if [ -n "$tarball" ] && [ ! -e "$nf_tests/.extracted" ]; then
	say "extracting the kernel's netfilter selftests"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1 \
		--wildcards 'linux-source-6.1/tools/testing/selftests/netfilter/*' \
		2>/dev/null || true
	mkdir -p "$nf_tests" && touch "$nf_tests/.extracted"
fi

say "ready (kernel $abi)"
