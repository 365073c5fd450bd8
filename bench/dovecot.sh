#!/usr/bin/env bash
# dovecot.sh starts and stops a private Dovecot for the benchmarks.
#
#	bench/dovecot.sh start        print KEY=VALUE lines for eval:
#	                              BENCH_DOVECOT_DIR BENCH_PORT BENCH_PID
#	                              BENCH_MAIL_UID BENCH_MAIL_GID BENCH_MAILDIR
#	bench/dovecot.sh stop DIR     stop the server started in DIR, remove DIR
#
# The server listens on plain IMAP only, on a free port of 127.0.0.1, and
# keeps its whole configuration, state, log and mail under one mktemp -d
# directory: nothing under /etc is read or written. The one user is
# alice / pass-alice. As root, Dovecot keeps its privilege separation and
# runs the mail processes as nobody (it refuses uid 0 for mail access), so
# the Maildir belongs to nobody; as another user everything runs as that user.
set -euo pipefail

die() { echo "dovecot.sh: $*" >&2; exit 1; }

# free_port asks the kernel for a free port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop_dir stops the master whose config lives in $1 and removes $1.
stop_dir() {
	local d=$1 pid
	[ -f "$d/dovecot.conf" ] || die "$d is not a bench Dovecot directory"
	if [ -f "$d/run/master.pid" ]; then
		pid=$(cat "$d/run/master.pid")
		# Signal the pid only if it still is this directory's master.
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$d/dovecot.conf"; then
			kill -TERM "$pid"
			for _ in $(seq 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$pid" 2>/dev/null; then
				echo "dovecot.sh: master $pid alive after 10 s, killing it" >&2
				kill -KILL "$pid" 2>/dev/null || true
			fi
		fi
	fi
	rm -rf "$d"
}

start() {
	local dovecot d port uid gid internal group login chroot_login chroot_anvil
	dovecot=$(command -v dovecot || echo /usr/sbin/dovecot)
	[ -x "$dovecot" ] || die "dovecot is not installed (apt-get install dovecot-imapd)"

	# Unix socket paths are limited to 108 bytes: keep the directory short.
	d=$(mktemp -d /tmp/imapbench.XXXXXX)
	trap 'stop_dir "$d" >/dev/null 2>&1 || rm -rf "$d"' EXIT
	chmod 755 "$d"
	port=${BENCH_PORT:-$(free_port)}

	if [ "$(id -u)" = 0 ]; then
		uid=$(id -u nobody)
		gid=$(id -g nobody)
		internal=dovecot
		group=dovecot
		login=dovenull
		chroot_login=login
		chroot_anvil=empty
		id dovecot >/dev/null 2>&1 || { internal=root; group=root; }
		id dovenull >/dev/null 2>&1 || login=$internal
	else
		uid=$(id -u)
		gid=$(id -g)
		internal=$(id -un)
		group=$(id -gn)
		login=$internal
		chroot_login=
		chroot_anvil=
	fi

	mkdir -p "$d/run" "$d/state" "$d/home/alice/Maildir"
	echo "alice:{PLAIN}pass-alice:$uid:$gid::$d/home/alice::" >"$d/users"
	chmod 644 "$d/users"
	chown -R "$uid:$gid" "$d/home"

	cat >"$d/dovecot.conf" <<CONF
instance_name = imapbench-$port
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
shutdown_clients = yes

default_internal_user = $internal
default_internal_group = $group
default_login_user = $login
first_valid_uid = $uid
last_valid_uid = 0
first_valid_gid = $gid
mail_privileged_group =

disable_plaintext_auth = no
auth_mechanisms = plain login
# A failed login would otherwise be answered after 0.5 s and slow every
# later login from 127.0.0.1. The fields of a failed passdb are rolled
# back, so nodelay comes from a first passdb that never authenticates.
auth_failure_delay = 0
passdb {
  driver = static
  args = noauthenticate nopassword=y nodelay=y
  result_success = continue
  result_failure = continue
  result_internalfail = continue
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/users
}

mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
mail_fsync = never
protocol imap {
  mail_max_userip_connections = 100
}

service imap-login {
  chroot = $chroot_login
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
}
service anvil {
  chroot = $chroot_anvil
}
CONF

	"$dovecot" -c "$d/dovecot.conf" || { cat "$d/dovecot.log" >&2 2>/dev/null; die "dovecot did not start"; }

	# Wait (at most 10 s) until the port accepts connections.
	python3 - "$port" <<'PY' || { cat "$d/dovecot.log" >&2; die "dovecot did not open port $port"; }
import socket, sys, time
deadline = time.monotonic() + 10
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.02)
PY

	trap - EXIT
	echo "BENCH_DOVECOT_DIR=$d"
	echo "BENCH_PORT=$port"
	echo "BENCH_PID=$(cat "$d/run/master.pid")"
	echo "BENCH_MAIL_UID=$uid"
	echo "BENCH_MAIL_GID=$gid"
	echo "BENCH_MAILDIR=$d/home/alice/Maildir"
}

case ${1:-} in
start) start ;;
stop)
	[ $# = 2 ] || die "usage: dovecot.sh stop DIR"
	stop_dir "$2"
	;;
*) die "usage: dovecot.sh start | stop DIR" ;;
esac
