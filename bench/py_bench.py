"""CPython imaplib client of the benchmarks in bench/.

Logs in, SELECTs the mailbox, runs one workload with imaplib's own calls
and logs out, then prints

    workload=W messages=N bytes=B

where N counts the (header, literal) tuples of the fetch workloads or the
SEARCH hits, and B is the number of literal bytes received. The data
stays alive as imaplib returns it: all of FETCH 1:* until the end, one
answer at a time in the loops.

Usage: python3 py_bench.py -port P -workload login|fetchall|fetchloop|search|big [-mailbox M]
"""

import argparse
import imaplib
import sys


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
                   choices=["login", "fetchall", "fetchloop", "search", "big"])
    p.add_argument("-mailbox")
    args = p.parse_args()
    mailbox = args.mailbox or ("bench20m" if args.workload == "big" else "bench10k")

    M = imaplib.IMAP4(args.host, args.port)
    M.login(args.user, args.password)
    typ, data = M.select(mailbox)
    if typ != "OK":
        sys.exit("py_bench: select: %r" % (data,))
    exists = int(data[0])
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
    M.logout()
    print("workload=%s messages=%d bytes=%d" % (args.workload, messages, size))
    del kept


if __name__ == "__main__":
    main()
