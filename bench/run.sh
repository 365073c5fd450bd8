#!/usr/bin/env bash
# run.sh measures imaplib against CPython's imaplib, go-imap v2 and two
# raw floors on a private Dovecot, and prints Markdown tables.
#
#	bench/run.sh                         all five workloads, 5 timed runs
#	RUNS=9 WORKLOADS=fetchall,big bench/run.sh
#	WORKLOADS=fetchloop200,fetchbulk200,storeloop,append4k,append64k DELAY=10ms bench/run.sh
#
# Environment: RUNS (timed runs, default 5), WARMUP (default 1), WORKLOADS
# (default login,fetchall,fetchloop,search,big), CLIENTS (default
# imaplib,hold,holdlinked,raw,cpython,goimap; also the order of the first round;
# more: imaplibpipe, imaplibpipeall, goimap64, goimapall), DELAY (default 10ms: the
# one-way delay of the relay that the latency workloads fetchloop200,
# fetchbulk200, storeloop, append4k and append64k go through; 0: none),
# VERBOSE (non-empty: log every timed run on standard error), BASE_REV (a
# git revision: also build imaplibbench from it as the client "base", and,
# when that revision has internal/pollconn, as "base-nopoll" with the
# kernel wait taken out; add them to CLIENTS to compare a change with what
# it replaces in one run).
#
# It builds the Go clients into a temporary directory, starts Dovecot on a
# free port of 127.0.0.1 (bench/dovecot.sh), writes the two mailboxes
# straight into its Maildir, runs bench/cmd/harness, and stops Dovecot and
# removes every temporary file on the way out, whatever happens.
set -euo pipefail

cd "$(dirname "$0")/.."
# A pyenv or asdf python3 is a shim that costs tens of milliseconds per
# start: time the real interpreter.
PY=$(python3 -c 'import sys; print(sys.executable)')

BIN=$(mktemp -d /tmp/imapbench-bin.XXXXXX)
BENCH_DOVECOT_DIR=
cleanup() {
	if [ -n "$BENCH_DOVECOT_DIR" ]; then
		bench/dovecot.sh stop "$BENCH_DOVECOT_DIR" || true
	fi
	rm -rf "$BIN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "run.sh: building the clients" >&2
# The harness links net (its delay relay), which with cgo makes it a
# dynamically linked binary: its -spawn copies, whose resident size at exec
# is the floor of every client's peak, would start 2 MiB higher. Without
# cgo it stays static.
CGO_ENABLED=0 go build -o "$BIN/harness" ./bench/cmd/harness
for prog in seed holdbench rawbench goimapbench; do
	go build -o "$BIN/$prog" "./bench/cmd/$prog"
done
if ! go build -o "$BIN/imaplibbench" ./bench/cmd/imaplibbench; then
	echo "run.sh: imaplibbench does not build: leaving it out" >&2
fi

if [ -n "${BASE_REV:-}" ]; then
	echo "run.sh: building imaplibbench at $BASE_REV" >&2
	git worktree add -q --detach "$BIN/base-src" "$BASE_REV"
	(cd "$BIN/base-src" && go build -o "$BIN/imaplibbench-base" ./bench/cmd/imaplibbench)
	if grep -q 'pollconn.Wrap(conn)' "$BIN/base-src/imap4.go" 2>/dev/null; then
		sed -i 's/conn = pollconn.Wrap(conn)/_ = pollconn.Wrap/' "$BIN/base-src/imap4.go"
		(cd "$BIN/base-src" && go build -o "$BIN/imaplibbench-base-nopoll" ./bench/cmd/imaplibbench)
	fi
	git worktree remove --force "$BIN/base-src"
fi

echo "run.sh: starting Dovecot" >&2
eval "$(bench/dovecot.sh start)"

echo "run.sh: seeding bench10k and bench20m" >&2
"$BIN/seed" -maildir "$BENCH_MAILDIR" -folder bench10k -count 10000 -size 4027 \
	-uid "$BENCH_MAIL_UID" -gid "$BENCH_MAIL_GID" >&2
"$BIN/seed" -maildir "$BENCH_MAILDIR" -folder bench20m -count 5 -size $((20 << 20)) -kind base64 \
	-uid "$BENCH_MAIL_UID" -gid "$BENCH_MAIL_GID" >&2

echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1);" \
	"$(dovecot --version | cut -d' ' -f1 | sed 's/^/Dovecot /');" \
	"$("$PY" -c 'import platform; print("CPython", platform.python_version())');" \
	"$(go env GOVERSION)."
echo
"$BIN/harness" -port "$BENCH_PORT" -bin "$BIN" -python "$PY" -pybench bench/py_bench.py \
	-runs "${RUNS:-5}" -warmup "${WARMUP:-1}" ${VERBOSE:+-v} -delay "${DELAY:-10ms}" \
	-workloads "${WORKLOADS:-login,fetchall,fetchloop,search,big}" \
	-clients "${CLIENTS:-imaplib,hold,holdlinked,raw,cpython,goimap}"
