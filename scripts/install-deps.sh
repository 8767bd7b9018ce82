#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the vsvm build, test and benchmark loop needs.
# Only missing packages are installed; a machine that has them all pays nothing.
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils zstd kmod rsync patch
	perl python3 pkg-config git
	linux-source-6.12 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static
	sparse libdrm-dev gnuplot-nox
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
