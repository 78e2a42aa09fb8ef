#!/bin/sh
# Installs the Debian packages yibao needs, only those missing. Called by
# `make deps`, `make run`, `make check` and .ci/run. Needs root (or sudo)
# only when something is missing.
set -eu

PKGS="gcc make libc6-dev pkg-config
libcmocka-dev
libsqlite3-dev sqlite3
libmicrohttpd-dev
libssl-dev
libpq-dev postgresql postgresql-contrib
libargon2-dev
curl wrk
clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "installing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "missing packages:$missing; run as root or install sudo" >&2
		exit 1
	}
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
