"""CPython imaplib client of the benchmarks in bench/.

Logs in, SELECTs the mailbox, runs one workload with imaplib's own calls
and logs out, then prints

    workload=W messages=N bytes=B

where N counts the (header, literal) tuples of the fetch workloads, the
SEARCH hits, the FETCH responses of storeloop's STOREs or the APPENDs, and
B is the number of literal bytes received (or APPENDed). The data stays
alive as imaplib returns it: all of FETCH 1:* until the end, one answer at
a time in the loops.

On Linux a second line follows, "span WALL_NS CPU_NS GROWTH_KIB": the
workload's own wall time, CPU time and memory growth, measured inside the
process around the workload alone, as bench/internal/span does for the Go
clients (Span below).

The latency workloads (fetchloop200, fetchbulk200, storeloop, append4k,
append64k) repeat bench/internal/latency's definitions: FETCHES, STORES,
APPENDS, APPEND_SIZES, message() and scratch_mailbox().

Usage: python3 py_bench.py -port P -workload W [-mailbox M]
"""

import argparse
import imaplib
import os
import resource
import sys
import time

FETCHES = 200
STORES = 500
APPENDS = 100
APPEND_SIZES = {"append4k": 4 << 10, "append64k": 64 << 10}
WORKLOADS = ["login", "fetchall", "fetchloop", "search", "big",
             "fetchloop200", "fetchbulk200", "storeloop", "append4k", "append64k"]


def message(i, size):
    """Return the i-th message (from 1) of an append workload: exactly size
    bytes, as latency.Message in Go."""
    out = [b"From: bench <bench@example.org>\r\nSubject: append %03d\r\n\r\n" % i]
    left = size - len(out[0])
    k = 0
    while left > 0:
        n = min(left, 80)
        if n < 2:
            raise ValueError("no message of %d bytes" % size)
        out.append(bytes([97 + k % 26]) * (n - 2) + b"\r\n")
        left -= n
        k += 1
    return b"".join(out)


def scratch_mailbox():
    """Return a fresh mailbox name for one run of an append workload."""
    return "scratch-%d-%d" % (os.getpid(), time.time_ns())


class Span:
    """The workload alone, measured as bench/internal/span measures it: wall
    time, the process's CPU time (getrusage), and the growth of the resident
    set, whose peak the kernel resets when the span starts."""

    def __init__(self):
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.rss = self._status("VmRSS")
        except OSError:
            self.rss = None
        self.cpu = self._cpu()
        self.start = time.perf_counter_ns()

    def end(self):
        """Return the span line, or None where it cannot be measured."""
        wall = time.perf_counter_ns() - self.start
        if self.rss is None:
            return None
        cpu = self._cpu() - self.cpu
        growth = max(self._status("VmHWM") - self.rss, 0)
        return "span %d %d %d" % (wall, cpu, growth)

    @staticmethod
    def _cpu():
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return round((ru.ru_utime + ru.ru_stime) * 1e9)

    @staticmethod
    def _status(name):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        raise OSError("no %s in /proc/self/status" % name)


def ok(what, typ, data):
    """Exit unless a command returned OK; return its data."""
    if typ != "OK":
        sys.exit("py_bench: %s: %r" % (what, data))
    return data


def count(data):
    """Return the number of literals in data and their total size."""
    n = size = 0
    for item in data:
        if isinstance(item, tuple):
            n += 1
            size += len(item[1])
    return n, size


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-host", default="127.0.0.1")
    p.add_argument("-port", type=int, default=143)
    p.add_argument("-user", default="alice")
    p.add_argument("-password", default="pass-alice")
    p.add_argument("-workload", required=True,
                   choices=WORKLOADS)
    p.add_argument("-mailbox")
    args = p.parse_args()
    mailbox = args.mailbox or ("bench20m" if args.workload == "big" else "bench10k")

    M = imaplib.IMAP4(args.host, args.port)
    M.login(args.user, args.password)
    typ, data = M.select(mailbox)
    if typ != "OK":
        sys.exit("py_bench: select: %r" % (data,))
    exists = int(data[0])
    span = Span()
    messages = size = 0
    kept = None
    if args.workload == "fetchall":
        typ, kept = M.fetch("1:*", "(RFC822)")
        if typ != "OK":
            sys.exit("py_bench: fetch: %r" % (kept,))
        messages, size = count(kept)
    elif args.workload in ("fetchloop", "big"):
        for n in range(1, exists + 1):
            typ, data = M.fetch(str(n), "(RFC822)")
            if typ != "OK":
                sys.exit("py_bench: fetch: %r" % (data,))
            k, s = count(data)
            messages += k
            size += s
    elif args.workload == "search":
        typ, data = M.search(None, "ALL")
        if typ != "OK":
            sys.exit("py_bench: search: %r" % (data,))
        messages = sum(len(d.split()) for d in data if d)
    elif args.workload == "fetchbulk200":
        messages, size = count(ok("fetch", *M.fetch("1:%d" % FETCHES, "(RFC822)")))
    elif args.workload == "fetchloop200":
        for n in range(1, FETCHES + 1):
            k, s = count(ok("fetch", *M.fetch(str(n), "(RFC822)")))
            messages += k
            size += s
    elif args.workload == "storeloop":
        ok("store", *M.uid("STORE", "1:%d" % STORES, "-FLAGS", "(\\Seen)"))
        for n in range(1, STORES + 1):
            data = ok("store", *M.uid("STORE", str(n), "+FLAGS", "(\\Seen)"))
            if len(data) != 1 or data[0] is None or (b"UID %d " % n not in data[0] and b"UID %d)" % n not in data[0]):
                sys.exit("py_bench: UID STORE %d returned %r" % (n, data))
            messages += 1
    elif args.workload in APPEND_SIZES:
        msg_size = APPEND_SIZES[args.workload]
        scratch = scratch_mailbox()
        ok("create", *M.create(scratch))
        for i in range(1, APPENDS + 1):
            msg = message(i, msg_size)
            ok("append", *M.append(scratch, None, None, msg))
            messages += 1
            size += len(msg)
        ok("delete", *M.delete(scratch))
    spanned = span.end()
    M.logout()
    print("workload=%s messages=%d bytes=%d" % (args.workload, messages, size))
    if spanned:
        print(spanned)
    del kept


if __name__ == "__main__":
    main()
