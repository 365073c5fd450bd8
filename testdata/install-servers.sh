#!/usr/bin/env bash
# Install the IMAP servers that the real-server tests use, on Debian or Ubuntu.
#
# Usage: testdata/install-servers.sh [--no-update] [dovecot] [cyrus] [imap-tools]
#
# With no server named, both servers are installed (and not imap-tools).  --no-update skips "apt-get
# update" (for a second call right after a first).  Runs as root, or through
# sudo otherwise.  Exits non-zero if any named server could not be installed.
#
#   dovecot  dovecot-imapd (which pulls in dovecot-core) and openssl.
#   cyrus    cyrus-common and sasl2-bin, without their recommendations, and
#            the imapd binary unpacked from the cyrus-imapd package into a
#            cache by cyrus/fetch-imapd.sh.  The cyrus-imapd package itself
#            must not be installed: it conflicts with dovecot-imapd, and apt
#            would remove Dovecot to make room for it.
#   imap-tools  Debian's python3-imap-tools, not a server: the third parser
#            that crosscheck_test.go compares with (it installs for Debian's
#            /usr/bin/python3).
#
# The servers are installed, not started: the tests start private instances
# on free ports (see dovecot/start.sh and cyrus/start.sh).  Debian starts a
# newly installed service at once (Dovecot on ports 143 and 993, and the exim4
# that cyrus-common pulls in on port 25); unless the machine already has a
# policy about it, this script forbids that for the duration of the install.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
update=1
servers=()
for arg; do
	case $arg in
	--no-update) update=0 ;;
	dovecot | cyrus | imap-tools) servers+=("$arg") ;;
	*)
		echo "usage: $0 [--no-update] [dovecot] [cyrus] [imap-tools]" >&2
		exit 2
		;;
	esac
done
[ ${#servers[@]} -gt 0 ] || servers=(dovecot cyrus)

sudo=
if [ "$(id -u)" != 0 ]; then
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh CI machine may still be running its own apt jobs: wait for the lock
# instead of failing at once.
apt_get() {
	$sudo apt-get -o DPkg::Lock::Timeout=300 "$@"
}
apt_install() {
	apt_get install -y -q --no-install-recommends "$@"
}

# invoke-rc.d asks /usr/sbin/policy-rc.d whether it may start a service;
# exit status 101 means no.  Docker images usually have such a file already.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# Temporary, from imaplib testdata/install-servers.sh\nexit 101\n' |
		$sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi

if [ "$update" = 1 ]; then
	apt_get update -q
fi

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
# Dovecot must still be there at the end if it was asked for or was there
# before: installing Cyrus must never cost us Dovecot.
keep_dovecot=0
if [[ " ${servers[*]} " == *" dovecot "* ]] || installed dovecot-imapd; then
	keep_dovecot=1
fi

failed=()
for s in "${servers[@]}"; do
	case $s in
	dovecot)
		apt_install dovecot-imapd openssl || failed+=(dovecot)
		;;
	cyrus)
		if apt_install cyrus-common sasl2-bin openssl &&
			imapd=$($sudo "$here/cyrus/fetch-imapd.sh"); then
			echo "install-servers.sh: Cyrus imapd is $imapd"
		else
			failed+=(cyrus)
		fi
		;;
	imap-tools)
		apt_install python3-imap-tools || failed+=(imap-tools)
		;;
	esac
done

if [ "$keep_dovecot" = 1 ] && ! installed dovecot-imapd; then
	echo "install-servers.sh: dovecot-imapd is not installed any more" >&2
	[[ " ${failed[*]} " == *" dovecot "* ]] || failed+=(dovecot)
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo "install-servers.sh: could not install: ${failed[*]}" >&2
	exit 1
fi
echo "install-servers.sh: installed: ${servers[*]}"
