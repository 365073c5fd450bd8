#!/usr/bin/env bash
# Usage: watch.sh OWNER_PID DIR STOP_SCRIPT
#
# Started in the background by dovecot/start.sh and cyrus/start.sh when
# LAB_OWNER_PID is set (the Go test harness sets it to the test binary's PID).
# A test binary that panics, hits -timeout or is interrupted never runs its
# package cleanups, and the server would live on.  This watcher notices that
# the owner is gone and runs "STOP_SCRIPT DIR" itself.  A normal stop.sh kills
# the watcher first.
#
# start.sh runs us under setsid, so we lead our own process group and stop.sh
# can end us together with our "sleep" child.  Our PID goes to DIR/watch.pid.
set -u
owner=$1 dir=$2 stop=$3
echo $$ >"$dir/watch.pid"
while kill -0 "$owner" 2>/dev/null; do
	# The directory is gone: someone else stopped the server.
	[ -d "$dir" ] || exit 0
	sleep 1
done
[ -d "$dir" ] || exit 0
# exec keeps our PID, which stop.sh recognises as its own and spares.
exec "$stop" "$dir"
