# Shell functions shared by dovecot/start.sh and cyrus/start.sh (sourced).

# free_port prints a TCP port on which nothing listens on 127.0.0.1.  It stays
# below 32768, where Linux picks the local ports of outgoing connections, so a
# port it hands out is unlikely to be taken before the server binds it.  The
# callers retry with new ports if that happens anyway.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		# A refused connection means nobody listens there.
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

# wait_until SECONDS COMMAND...: run COMMAND every 10 ms until it succeeds;
# fail once SECONDS have passed.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.01
	done
}

# listening PORT: does something accept connections on 127.0.0.1:PORT?
listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# owns_port PID PORT: does process PID hold the listening socket on
# 127.0.0.1:PORT?  For daemons that start even when they cannot bind a port,
# and for which another process's listener would look just the same.
# (/proc/net/tcp shows 127.0.0.1 as 0100007F on little-endian machines.)
owns_port() {
	local inode
	inode=$(awk -v a="$(printf '0100007F:%04X' "$2")" '$2 == a && $4 == "0A" { print $10 }' /proc/net/tcp)
	[ -n "$inode" ] && ls -l "/proc/$1/fd" 2>/dev/null | grep -qF "socket:[$inode]"
}

# start_watcher DIR STOP_SCRIPT: with LAB_OWNER_PID set, start watch.sh so
# that the server in DIR is stopped when that process dies without running
# STOP_SCRIPT itself, and wait for the watcher's pidfile so that an early
# STOP_SCRIPT finds it.
start_watcher() {
	[ -n "${LAB_OWNER_PID:-}" ] || return 0
	setsid "$(dirname "${BASH_SOURCE[0]}")/watch.sh" "$LAB_OWNER_PID" "$1" "$2" \
		</dev/null >/dev/null 2>&1 &
	wait_until 5 test -s "$1/watch.pid"
}

# stop_watcher DIR: end DIR's watcher (and its sleep), unless we are it.
stop_watcher() {
	local pid
	[ -s "$1/watch.pid" ] || return 0
	pid=$(cat "$1/watch.pid")
	if [ "$pid" != $$ ] && grep -qF "$1" "/proc/$pid/cmdline" 2>/dev/null; then
		kill -TERM -- "-$pid" 2>/dev/null || true
	fi
}

# group_alive PGID: is a process of group PGID still running?  Zombies do
# not count: a container's PID 1 may never reap the orphans it inherits, and
# "kill -0" succeeds on those.
group_alive() {
	local f line
	local -a field
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		# "pid (comm) state ppid pgrp ...": comm may hold anything, so
		# split what follows its last ")".
		read -r -a field <<<"${line##*) }"
		if [ "${field[2]}" = "$1" ] && [ "${field[0]}" != Z ]; then
			return 0
		fi
	done
	return 1
}

# stop_group PID: stop the daemon PID, which leads its own session and process
# group, together with every process in that group, and wait until all are
# gone: TERM first, KILL what is left after 5 s.  Signalling the group rather
# than only its leader stops every process at once: the daemons used here
# otherwise stop their children one after another (Dovecot's master then also
# sleeps a second before it exits).  The test data is thrown away, so there
# is nothing to be careful about.
stop_group() {
	kill -TERM -- "-$1" 2>/dev/null || return 0
	wait_until 5 eval "! group_alive $1" && return 0
	kill -KILL -- "-$1" 2>/dev/null || true
	wait_until 2 eval "! group_alive $1"
}

# stop_lab NAME CONF DIR is the whole of NAME/stop.sh: it stops the server
# started in DIR (whose config file is DIR/CONF) and removes DIR unless
# KEEP=1.  Only the master named in DIR's pidfile is signalled, and only if
# its command line names DIR's config: a stale pidfile must never hit
# another process.  The master leads its own process group, which holds
# every process of this instance; stop_lab returns once they are all gone,
# so the ports and the directory are free again.
stop_lab() {
	local name=$1 conf=$2 dir=$3 pid
	[ -f "$dir/$conf" ] || {
		echo "$name/stop.sh: $dir is not a directory made by start.sh" >&2
		exit 2
	}
	stop_watcher "$dir"
	if [ -s "$dir/run/master.pid" ]; then
		pid=$(cat "$dir/run/master.pid")
		if grep -qF "$dir/$conf" "/proc/$pid/cmdline" 2>/dev/null; then
			stop_group "$pid"
		fi
	fi
	if [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$dir"
	fi
}
