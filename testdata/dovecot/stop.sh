#!/usr/bin/env bash
# Stop a Dovecot started by testdata/dovecot/start.sh and remove its directory.
#
# Usage: testdata/dovecot/stop.sh DIR          (DIR is start.sh's DOVECOT_DIR)
#        KEEP=1 testdata/dovecot/stop.sh DIR   keeps DIR (logs, mail) to look at
#
# See stop_lab in ../lib.sh for what is signalled and when it returns.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

stop_lab dovecot dovecot.conf "${1:?usage: stop.sh DIR}"
