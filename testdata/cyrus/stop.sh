#!/usr/bin/env bash
# Stop a Cyrus started by testdata/cyrus/start.sh and remove its directory.
#
# Usage: testdata/cyrus/stop.sh DIR          (DIR is start.sh's CYRUS_DIR)
#        KEEP=1 testdata/cyrus/stop.sh DIR   keeps DIR (logs, mail) to look at
#
# See stop_lab in ../lib.sh for what is signalled and when it returns.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

stop_lab cyrus imapd.conf "${1:?usage: stop.sh DIR}"
