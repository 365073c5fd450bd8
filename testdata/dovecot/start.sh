#!/usr/bin/env bash
# Start a private Dovecot IMAP server on 127.0.0.1 for the real-server tests.
#
# Usage:
#	eval "$(testdata/dovecot/start.sh)"   # sets DOVECOT_DIR, DOVECOT_PORT, ...
#	...
#	testdata/dovecot/stop.sh "$DOVECOT_DIR"
#
# Everything (config, TLS material, passwd-file, Maildirs, sockets, logs) lives
# in a fresh directory under /tmp; nothing outside it is read or written except
# Dovecot's own binaries and Debian's DH parameters.  The directory is kept
# short because Dovecot's unix sockets live in it and a socket path may not
# exceed 108 bytes.
#
# On success the script prints KEY='VALUE' lines (also saved in DIR/env):
#	DOVECOT_DIR        the directory; stop.sh takes it as its argument
#	DOVECOT_CONF       the generated dovecot.conf
#	DOVECOT_PID        the master process
#	DOVECOT_HOST       127.0.0.1
#	DOVECOT_PORT       plain IMAP, STARTTLS offered
#	DOVECOT_TLS_PORT   implicit TLS (IMAPS)
#	DOVECOT_CA         the test CA that signed the server's certificate
#	DOVECOT_WRONG_CERT, DOVECOT_WRONG_KEY          signed by the CA for wrong.example
#	DOVECOT_UNTRUSTED_CERT, DOVECOT_UNTRUSTED_KEY  self-signed for localhost
#	DOVECOT_PASSWD_DIR one passwd-file per user, named after the user; a file
#	                   added while Dovecot runs is seen by the next login
#	DOVECOT_MAIL_UID, DOVECOT_MAIL_GID   owner of the mail homes
#	DOVECOT_IMAP       the imap binary, for stdin/stdout sessions
#	DOVECOT_STREAM_CMD a pre-authenticated stdin/stdout session as alice
#	DOVECOT_LOG        the server log
#
# Users: alice/pass-alice and bob/pass-bob.  More users can be added at run
# time: write the file $DOVECOT_PASSWD_DIR/carol holding the line
#	carol:{PLAIN}pass-carol:$DOVECOT_MAIL_UID:$DOVECOT_MAIL_GID::$DOVECOT_DIR/home/carol::
# (best written elsewhere and renamed into place) and make that home directory,
# owned by the mail uid.
#
# Environment: LAB_PORT and LAB_TLS_PORT pick fixed ports (default: free ones);
# LAB_QUOTA sets the storage quota (default 10G); LAB_EXTRA_CONF is appended to
# dovecot.conf; LAB_OWNER_PID names a process whose death stops the server
# (see ../watch.sh).
#
# Works as root (what CI does) and as a normal user.  Dovecot refuses to touch
# mail as uid 0, so as root the mail processes run as nobody, which owns the
# homes; login and auth keep Dovecot's usual unprivileged users.  As a normal
# user every process runs as that user.
set -euo pipefail

die() {
	echo "dovecot/start.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
dovecot=$(command -v dovecot || echo /usr/sbin/dovecot)
imap=/usr/lib/dovecot/imap
[ -x "$dovecot" ] || die "dovecot is not installed (apt-get install dovecot-imapd)"
[ -x "$imap" ] || die "$imap is missing (apt-get install dovecot-imapd)"
command -v openssl >/dev/null || die "openssl is not installed"

dir=$(mktemp -d /tmp/imaplib-dovecot.XXXXXX)
# Until the end, a failure stops whatever was started and removes the
# directory, after copying the log to stderr so the caller sees why.
fail_cleanup() {
	[ -s "$dir/log/dovecot.log" ] && sed 's/^/dovecot.log: /' "$dir/log/dovecot.log" >&2
	"$here/stop.sh" "$dir" >/dev/null 2>&1 || rm -rf "$dir"
}
trap fail_cleanup EXIT

# The certificates take the longest; make them while we write the rest.
"$here/../mkcerts.sh" "$dir/tls" &
certs=$!

passwd=$dir/passwd
mkdir "$dir/run" "$dir/state" "$dir/log" "$passwd" "$dir/home" "$dir/home/alice" "$dir/home/bob"
# Login and auth run as other users (dovenull, dovecot) and must reach the
# config, the passwd-file and the certificates.
chmod 755 "$dir"

if [ "$EUID" = 0 ]; then
	IFS=: read -r _ _ mail_uid mail_gid _ < <(getent passwd nobody) ||
		die "there is no user nobody"
	internal_user=dovecot
	internal_group=dovecot
	login_user=dovenull
	login_chroot=login
	anvil_chroot=empty
else
	mail_uid=$(id -u)
	mail_gid=$(id -g)
	internal_user=$(id -un)
	internal_group=$(id -gn)
	login_user=$internal_user
	login_chroot=
	anvil_chroot=
fi

# One passwd-file per user, so that tests can add users while Dovecot runs.
# A single shared file would not do: Dovecot looks at a passwd-file's mtime at
# most once a second, so a line appended within a second of some other login
# stays unseen until the next second, and that login fails.  A file Dovecot has
# never looked at is always read.
# The passwords are {PLAIN} because CRAM-MD5 needs the clear text.
# Fields: user:password:uid:gid:gecos:home:shell:extra
for u in alice bob; do
	echo "$u:{PLAIN}pass-$u:$mail_uid:$mail_gid::$dir/home/$u::" >"$passwd/$u"
done
chown -R "$mail_uid:$mail_gid" "$dir/home"

dh=
[ -r /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"

write_conf() {
	cat >"$dir/dovecot.conf" <<EOF
# Written by testdata/dovecot/start.sh for one test run.
instance_name = imaplib-$port
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/log/dovecot.log
info_log_path = $dir/log/dovecot.log
debug_log_path = $dir/log/dovecot.log
protocols = imap
listen = 127.0.0.1
# The stop is a test run's last step: do not wait for clients.
shutdown_clients = yes

default_internal_user = $internal_user
default_internal_group = $internal_group
default_login_user = $login_user
first_valid_uid = $mail_uid
last_valid_uid = 0
first_valid_gid = $mail_gid
mail_privileged_group =

ssl = yes
ssl_cert = <$dir/tls/server.pem
ssl_key = <$dir/tls/server.key
$dh
ssl_min_protocol = TLSv1.2

disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-256
auth_verbose = yes

# Tests log in with wrong passwords on purpose.  Normally Dovecot answers a
# failed login only after half a second and raises a per-IP penalty that slows
# every later login from 127.0.0.1, good ones included, by up to 15 s.
# Without anvil's penalty socket there is no penalty at all ...
service anvil {
  chroot = $anvil_chroot
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
# ... and the "nodelay" extra field answers a wrong password at once.  The
# fields of a passdb that fails are thrown away, so this first passdb only
# sets nodelay and always lets the next one decide.
auth_failure_delay = 0
passdb {
  driver = static
  args = noauthenticate nopassword=y nodelay=y
  result_success = continue
  result_failure = continue
  result_internalfail = continue
}
# %u in the path: one file per user (see above).  The default
# auth_username_chars refuse "/" in a user name, so %u stays in the
# directory.  There is no auth cache (the default), so a user added during
# the run can log in at once.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $passwd/%u
}
userdb {
  driver = passwd-file
  args = username_format=%u $passwd/%u
}

mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
}
mail_plugins = \$mail_plugins quota acl zlib
# The data is thrown away after the run.
mail_fsync = never
# METADATA (RFC 5464) keeps its values here.
mail_attribute_dict = file:%h/dovecot-attributes

protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
  imap_metadata = yes
  # The default, 10, is low for tests that share alice.
  mail_max_userip_connections = 100
}
plugin {
  quota = count:User quota
  quota_rule = *:storage=${LAB_QUOTA:-10G}
  quota_vsizes = yes
  acl = vfile
}

service imap-login {
  chroot = $login_chroot
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $tls_port
    ssl = yes
  }
}
${LAB_EXTRA_CONF:-}
EOF
}

wait "$certs" || die "could not make the TLS certificates"
# Dovecot reads the key as root before dropping privileges; the tests read
# the wrong/untrusted keys as whoever runs them.  Nothing secret here.
chmod 644 "$dir"/tls/*.key

# Start Dovecot; with ports of our own choosing, retry a few times in case
# another process took one of them between free_port and the bind.
for attempt in 1 2 3 4 5; do
	port=${LAB_PORT:-$(free_port)}
	tls_port=${LAB_TLS_PORT:-$(free_port)}
	if [ "$port" = "$tls_port" ]; then
		[ -z "${LAB_PORT:-}" ] || die "LAB_PORT and LAB_TLS_PORT are the same"
		continue
	fi
	write_conf
	# The master binds its listeners before it forks into the background, so
	# when this returns success the ports accept connections.  Its output goes
	# to a file, not a pipe: the daemon keeps stderr open, and a caller reading
	# our output through a pipe would wait for it forever.
	if "$dovecot" -c "$dir/dovecot.conf" >"$dir/log/start.out" 2>&1; then
		break
	fi
	out=$(cat "$dir/log/start.out")
	if [ -n "${LAB_PORT:-}${LAB_TLS_PORT:-}" ] || [ "$attempt" = 5 ] ||
		! grep -q 'Address already in use' "$dir/log/start.out" "$dir/log/dovecot.log" 2>/dev/null; then
		die "dovecot did not start: $out"
	fi
done

# The pidfile appears right after the fork.
wait_until 5 test -s "$dir/run/master.pid" || die "dovecot wrote no pidfile"
pid=$(cat "$dir/run/master.pid")
listening "$port" || die "nothing listens on port $port"

# With LAB_OWNER_PID set, a watcher stops the server if that process dies
# without calling stop.sh (see ../watch.sh).
start_watcher "$dir" "$here/stop.sh"

# Quote every value for eval.  None contains a quote: mktemp's names do not.
cat >"$dir/env" <<EOF
DOVECOT_DIR='$dir'
DOVECOT_CONF='$dir/dovecot.conf'
DOVECOT_PID='$pid'
DOVECOT_HOST='127.0.0.1'
DOVECOT_PORT='$port'
DOVECOT_TLS_PORT='$tls_port'
DOVECOT_CA='$dir/tls/ca.pem'
DOVECOT_WRONG_CERT='$dir/tls/wrong.pem'
DOVECOT_WRONG_KEY='$dir/tls/wrong.key'
DOVECOT_UNTRUSTED_CERT='$dir/tls/untrusted.pem'
DOVECOT_UNTRUSTED_KEY='$dir/tls/untrusted.key'
DOVECOT_PASSWD_DIR='$passwd'
DOVECOT_MAIL_UID='$mail_uid'
DOVECOT_MAIL_GID='$mail_gid'
DOVECOT_IMAP='$imap'
DOVECOT_STREAM_CMD='$imap -c $dir/dovecot.conf -u alice 2>/dev/null'
DOVECOT_LOG='$dir/log/dovecot.log'
EOF
trap - EXIT
cat "$dir/env"
