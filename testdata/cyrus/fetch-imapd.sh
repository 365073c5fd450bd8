#!/usr/bin/env bash
# Print the path of a Cyrus imapd binary that matches the installed
# cyrus-common, fetching it first if needed.
#
# Debian splits Cyrus: cyrus-common has the master, the libraries and the
# tools, and cyrus-imapd has little more than imapd.  cyrus-imapd "Provides"
# and "Conflicts" imap-server, exactly like dovecot-imapd, so installing it
# would silently REMOVE Dovecot.  Instead we download the .deb of the same
# version and unpack it into a cache directory.  The cache must be readable by
# the cyrus user that imapd runs as, so it cannot live under root's 0700 home.
#
# Environment: LAB_CYRUS_CACHE (default /var/tmp/imaplib-cyrus).
set -euo pipefail

die() {
	echo "cyrus/fetch-imapd.sh: $*" >&2
	exit 1
}

# An installed cyrus-imapd (when Dovecot is not wanted) is used as it is.
if [ -x /usr/lib/cyrus/bin/imapd ]; then
	echo /usr/lib/cyrus/bin/imapd
	exit 0
fi

ver=$(dpkg-query -W -f='${Version}' cyrus-common 2>/dev/null) ||
	die "cyrus-common is not installed"
cache=${LAB_CYRUS_CACHE:-/var/tmp/imaplib-cyrus}
# One directory per version, so that an upgraded cyrus-common never runs
# with an imapd of another version.
root=$cache/$ver
imapd=$root/usr/lib/cyrus/bin/imapd
if [ ! -x "$imapd" ]; then
	mkdir -p "$cache"
	chmod 755 "$cache"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt-get download drops privileges to _apt, which needs to write here.
	chmod 777 "$tmp"
	(cd "$tmp" && apt-get download -q "cyrus-imapd=$ver") >"$tmp/apt.log" 2>&1 ||
		die "apt-get download cyrus-imapd=$ver failed: $(cat "$tmp/apt.log")"
	dpkg-deb -x "$tmp"/cyrus-imapd_*.deb "$tmp/root"
	chmod -R a+rX "$tmp/root"
	# Rename into place, so that a concurrent run never sees half a tree.
	mv -T "$tmp/root" "$root" 2>/dev/null || [ -x "$imapd" ] ||
		die "could not move the unpacked package to $root"
fi
echo "$imapd"
