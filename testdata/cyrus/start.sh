#!/usr/bin/env bash
# Start a private Cyrus IMAP 3.x server on 127.0.0.1 for the real-server tests.
#
# Usage:
#	eval "$(testdata/cyrus/start.sh)"   # sets CYRUS_DIR, CYRUS_PORT, ...
#	...
#	testdata/cyrus/stop.sh "$CYRUS_DIR"
#
# Needs root: Cyrus's master refuses to run otherwise and switches to the
# "cyrus" user (from the cyrus-common package), which owns the directory.
# Needs cyrus-common and sasl2-bin installed, and fetches imapd with
# fetch-imapd.sh (see there why it is not simply installed).
#
# Everything lives in a fresh directory under /tmp; nothing under /etc is read
# or written.  On success the script prints KEY='VALUE' lines (also saved in
# DIR/env):
#	CYRUS_DIR         the directory; stop.sh takes it as its argument
#	CYRUS_PID         the master process
#	CYRUS_HOST        127.0.0.1
#	CYRUS_PORT        plain IMAP, STARTTLS offered
#	CYRUS_TLS_PORT    implicit TLS (IMAPS)
#	CYRUS_CA          the test CA that signed the server's certificate
#	CYRUS_WRONG_CERT, CYRUS_WRONG_KEY          signed by the CA for wrong.example
#	CYRUS_UNTRUSTED_CERT, CYRUS_UNTRUSTED_KEY  self-signed for localhost
#	CYRUS_SASLDB      the user database (saslpasswd2 -f ... -u localhost)
#	CYRUS_SASLDB_UID, CYRUS_SASLDB_GID   its owner, which Cyrus needs
#	CYRUS_REALM       localhost, the realm of every user in CYRUS_SASLDB
#	CYRUS_ADMIN, CYRUS_ADMIN_PASSWORD          the Cyrus admin
#	CYRUS_LOG         the master's log
#
# Users: admin/pass-admin (may create user/NAME, set quotas and ACLs on any
# mailbox), alice/pass-alice and bob/pass-bob, whose INBOXes exist.  To add a
# user at run time, add it to CYRUS_SASLDB with saslpasswd2 and create its
# INBOX as admin ("CREATE user/NAME"); Cyrus sees both at once.  The sasldb
# is a Berkeley DB file without locking, read afresh at every login: while
# Cyrus runs, change a copy (owned like the original) and rename it over it.
#
# Environment: LAB_PORT and LAB_TLS_PORT pick fixed ports (default: free ones);
# LAB_OWNER_PID names a process whose death stops the server (../watch.sh).
set -euo pipefail

die() {
	echo "cyrus/start.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bin=/usr/lib/cyrus/bin
[ -x "$bin/master" ] ||
	die "cyrus-common is not installed (apt-get install --no-install-recommends cyrus-common sasl2-bin)"
command -v saslpasswd2 >/dev/null || die "saslpasswd2 is not installed (apt-get install sasl2-bin)"
command -v openssl >/dev/null || die "openssl is not installed"
[ "$(id -u)" = 0 ] || die "must run as root (Cyrus's master switches to the cyrus user)"
id cyrus >/dev/null 2>&1 || die "there is no cyrus user (it comes with cyrus-common)"
imapd=$("$here/fetch-imapd.sh")

dir=$(mktemp -d /tmp/imaplib-cyrus.XXXXXX)
# Until the end, a failure stops whatever was started and removes the
# directory, after copying the log to stderr so the caller sees why.
fail_cleanup() {
	[ -s "$dir/log/master.log" ] && sed 's/^/master.log: /' "$dir/log/master.log" >&2
	"$here/stop.sh" "$dir" >/dev/null 2>&1 || rm -rf "$dir"
}
trap fail_cleanup EXIT

# imapd binds its own idle client socket in config/socket, whatever
# idlesocket says, and logs "bind: No such file or directory" without it.
mkdir -p "$dir/config/socket" "$dir/spool" "$dir/log" "$dir/run" "$dir/sieve"
# The certificates take long; make them while we write the rest.
"$here/../mkcerts.sh" "$dir/tls" &
certs=$!

# saslpasswd2 names the realm after the host by default; it must be imapd's
# servername, or every login fails with "authentication failure".
realm=localhost
sasldb=$dir/sasldb2
for u in admin alice bob; do
	printf '%s' "pass-$u" | saslpasswd2 -f "$sasldb" -u "$realm" -p -c "$u"
done

cat >"$dir/imapd.conf" <<EOF
# Written by testdata/cyrus/start.sh for one test run.
configdirectory: $dir/config
defaultpartition: default
partition-default: $dir/spool
sievedir: $dir/sieve
servername: $realm
admins: admin
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $sasldb
sasl_mech_list: PLAIN LOGIN CRAM-MD5 DIGEST-MD5
tls_server_cert: $dir/tls/server.pem
tls_server_key: $dir/tls/server.key
tls_sessions_db_path: $dir/config/tls_sessions.db
lmtpsocket: $dir/config/socket/lmtp
idlesocket: $dir/config/socket/idle
notifysocket: $dir/config/socket/notify
syslog_prefix: imaplib-cyrus
# Cyrus 3's defaults, spelled out: "/" separates levels and a user's own
# mailboxes appear as INBOX and its siblings; the admin sees user/NAME.
unixhierarchysep: yes
altnamespace: yes
annotation_allow_undefined: yes
# The ANNOTATEMORE commands (imaplib's getannotation and setannotation)
# answer "NO Permission denied" to everyone unless this is on.
annotation_enable_legacy_commands: yes
# By default every failed login sleeps 3 s; tests fail logins on purpose.
failedloginpause: 0
quotawarn: 90
EOF

wait "$certs" || die "could not make the TLS certificates"

# free_port is racy (see ../lib.sh): retry with new ports when the master
# could not bind one of them.
for attempt in 1 2 3 4 5; do
	port=${LAB_PORT:-$(free_port)}
	tls_port=${LAB_TLS_PORT:-$(free_port)}
	if [ "$port" = "$tls_port" ]; then
		[ -z "${LAB_PORT:-}" ] || die "LAB_PORT and LAB_TLS_PORT are the same"
		continue
	fi
	# The master does not pass its -C on to the programs it runs: without a
	# -C in every cmd they silently use the package's /etc/imapd.conf and
	# its data directories.  prefork=1 keeps one imapd waiting, so that a
	# connection does not wait for a fork and exec.
	cat >"$dir/cyrus.conf" <<-EOF
		# Written by testdata/cyrus/start.sh for one test run.
		START {
		  recover cmd="ctl_cyrusdb -C $dir/imapd.conf -r"
		}
		SERVICES {
		  imap  cmd="$imapd -C $dir/imapd.conf"    listen="127.0.0.1:$port"     prefork=1
		  imaps cmd="$imapd -C $dir/imapd.conf -s" listen="127.0.0.1:$tls_port" prefork=1
		}
		EVENTS {
		  checkpoint cmd="ctl_cyrusdb -C $dir/imapd.conf -c" period=30
		}
		DAEMON {
		}
	EOF
	chown -R cyrus:mail "$dir"
	chmod 755 "$dir"
	chmod 600 "$sasldb" "$dir"/tls/*.key
	chown cyrus "$sasldb" "$dir"/tls/*.key
	# Only imapd and the tests need the wrong/untrusted keys; the tests may
	# run as anyone.
	chmod 644 "$dir/tls/wrong.key" "$dir/tls/untrusted.key"

	# The master's output goes to a file, never to our stdout: a caller that
	# reads our output through a pipe would otherwise wait for the daemon.
	rm -f "$dir/log/master.log"
	"$bin/master" -C "$dir/imapd.conf" -M "$dir/cyrus.conf" -p "$dir/run/master.pid" \
		-L "$dir/log/master.log" -d </dev/null >"$dir/log/start.out" 2>&1 ||
		die "master failed: $(cat "$dir/log/start.out")"
	wait_until 10 test -s "$dir/run/master.pid" || die "master wrote no pidfile"
	pid=$(cat "$dir/run/master.pid")
	# The master binds its services after it has forked.  When it cannot
	# bind one, it only says so to syslog and runs on, so check that it is
	# the master itself that listens on both ports.
	if wait_until 10 owns_port "$pid" "$port" && wait_until 10 owns_port "$pid" "$tls_port"; then
		break
	fi
	stop_group "$pid"
	if [ -n "${LAB_PORT:-}${LAB_TLS_PORT:-}" ] || [ "$attempt" = 5 ]; then
		die "cyrus did not open ports $port and $tls_port"
	fi
	rm -f "$dir/run/master.pid"
done

# imap_admin COMMAND...: run IMAP commands as admin over a plain connection;
# fail unless each answers OK.  Only for simple commands: no literals.
imap_admin() {
	local line n=0 cmd
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	read -r -t 10 -u 3 line || return 1
	for cmd in "LOGIN admin pass-admin" "$@" LOGOUT; do
		n=$((n + 1))
		printf 'a%d %s\r\n' "$n" "$cmd" >&3
		while read -r -t 10 -u 3 line; do
			case $line in
			"a$n OK"*) continue 2 ;;
			"a$n "*) break ;;
			esac
		done
		echo "cyrus/start.sh: $cmd: ${line%$'\r'}" >&2
		exec 3>&-
		return 1
	done
	exec 3>&-
}
# Unlike Dovecot, Cyrus creates no INBOX by itself.
imap_admin "CREATE user/alice" "CREATE user/bob" || die "could not create the users' INBOXes"

IFS=: read -r sasldb_uid sasldb_gid < <(stat -c %u:%g "$sasldb")

start_watcher "$dir" "$here/stop.sh"

# Quote every value for eval.  None contains a quote: mktemp's names do not.
cat >"$dir/env" <<EOF
CYRUS_DIR='$dir'
CYRUS_PID='$pid'
CYRUS_HOST='127.0.0.1'
CYRUS_PORT='$port'
CYRUS_TLS_PORT='$tls_port'
CYRUS_CA='$dir/tls/ca.pem'
CYRUS_WRONG_CERT='$dir/tls/wrong.pem'
CYRUS_WRONG_KEY='$dir/tls/wrong.key'
CYRUS_UNTRUSTED_CERT='$dir/tls/untrusted.pem'
CYRUS_UNTRUSTED_KEY='$dir/tls/untrusted.key'
CYRUS_SASLDB='$sasldb'
CYRUS_SASLDB_UID='$sasldb_uid'
CYRUS_SASLDB_GID='$sasldb_gid'
CYRUS_REALM='$realm'
CYRUS_ADMIN='admin'
CYRUS_ADMIN_PASSWORD='pass-admin'
CYRUS_LOG='$dir/log/master.log'
EOF
trap - EXIT
cat "$dir/env"
