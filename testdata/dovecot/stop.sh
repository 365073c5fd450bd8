#!/usr/bin/env bash
# Stop a Dovecot started by testdata/dovecot/start.sh and remove its directory.
#
# Usage: testdata/dovecot/stop.sh DIR          (DIR is start.sh's DOVECOT_DIR)
#        KEEP=1 testdata/dovecot/stop.sh DIR   keeps DIR (logs, mail) to look at
#
# Only the master named in DIR's pidfile is signalled, and only if its command
# line names DIR's config: a stale pidfile must never hit another process.
# The master leads its own process group, which holds every Dovecot process
# of this instance; the script returns once they are all gone, so the ports
# and the directory are free again.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

dir=${1:?usage: stop.sh DIR}
[ -f "$dir/dovecot.conf" ] || {
	echo "dovecot/stop.sh: $dir is not a directory made by start.sh" >&2
	exit 2
}

stop_watcher "$dir"
if [ -s "$dir/run/master.pid" ]; then
	pid=$(cat "$dir/run/master.pid")
	if grep -qF "$dir/dovecot.conf" "/proc/$pid/cmdline" 2>/dev/null; then
		stop_group "$pid"
	fi
fi

if [ "${KEEP:-0}" != 1 ]; then
	rm -rf "$dir"
fi
