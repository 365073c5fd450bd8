#!/usr/bin/env python3
"""Run an oracle corpus (testdata/corpus/*.json) through Python's own imaplib.

    corpus_client.py --host H --port P --user U --password PW \
                     [--user2 U2 --password2 PW2] [--server dovecot] [--skip sort,...] [--step] CORPUS.json

For every call of the corpus it prints one line: the repr of what the
imaplib method returned, e.g. ('OK', [b'Create completed.']), or
"EXC <class>: <message>" when it raised, where <class> is error, abort or
readonly for imaplib's own exceptions and the Python class name otherwise
(ValueError, TypeError, UnicodeEncodeError, ...). CR and LF inside a
message are printed as \\r and \\n so that every call is one line.

A call that the corpus marks "py_skip" prints "SKIP"; a call restricted to
other servers ("servers"), or whose method is listed in --skip (commands
the server does not implement), is not run and prints nothing, as the Go
side does not run it either.

With --step the client waits for a line on standard input after each
output line: corpus_test.go uses it to read the bytes the client wrote for
each call from its recording proxy before the next call starts.

The corpus format is described in corpus_test.go. This script runs on the
python3 of the machine (3.11 here); where 3.11 differs from CPython 3.14.7
by design the corpus names the rule and gives the 3.14.7 expectation, or
"py_args" that make 3.11 put the same bytes on the wire.
"""
import argparse
import imaplib
import json
import sys

p = argparse.ArgumentParser()
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, required=True)
p.add_argument("--user", required=True)
p.add_argument("--password", required=True)
p.add_argument("--user2", default="")
p.add_argument("--password2", default="")
p.add_argument("--server", default="", help="server name, for calls restricted with \"servers\"")
p.add_argument("--skip", default="", help="comma-separated methods (or 'uid SORT') the server lacks: not run, nothing printed")
p.add_argument("--step", action="store_true", help="wait for a stdin line after each call")
p.add_argument("corpus")
opts = p.parse_args()

with open(opts.corpus, encoding="utf-8") as f:
    corpus = json.load(f)

SUBST = [("$USER2", opts.user2), ("$PASS2", opts.password2),
         ("$USER", opts.user), ("$PASS", opts.password)]


def subst(v):
    if isinstance(v, str):
        for k, r in SUBST:
            v = v.replace(k, r)
        return v
    if isinstance(v, list):
        return [subst(x) for x in v]
    if isinstance(v, dict):
        return {k: subst(x) for k, x in v.items()}
    return v


def one_line(s):
    return s.replace("\r", "\\r").replace("\n", "\\n")


def exc_line(e):
    if isinstance(e, imaplib.IMAP4.readonly):
        cls = "readonly"
    elif isinstance(e, imaplib.IMAP4.abort):
        cls = "abort"
    elif isinstance(e, imaplib.IMAP4.error):
        cls = "error"
    else:
        cls = type(e).__name__
    return "EXC %s: %s" % (cls, one_line(str(e)))


def authobject(spec):
    kind = spec["kind"]
    if kind == "plain":
        resp = ("%s\0%s\0%s" % (spec.get("authzid", ""), spec["user"], spec["pass"])).encode("utf-8")
        return lambda challenge: resp
    if kind == "abort":
        return lambda challenge: None
    if kind == "raw":
        resp = spec["response"].encode("utf-8")
        return lambda challenge: resp
    raise ValueError("unknown auth kind %r" % kind)


M = None


def run(call):
    global M
    m = call["m"]
    a = subst(call.get("py_args", call.get("args", [])))
    if m == "_connect":
        if M is not None:
            try:
                M.shutdown()
            except OSError:
                pass
            M = None
        M = imaplib.IMAP4(opts.host, opts.port)
        return repr(M.welcome)
    if m == "_capabilities":
        return repr(M.capabilities)
    if m == "_state":
        return repr(M.state)
    if m == "_utf8_enabled":
        return repr(M.utf8_enabled)
    if m == "_is_readonly":
        return repr(M.is_readonly)
    if m == "_refresh_capabilities":
        # What a 3.11 script has to do after LOGIN to see the new
        # capabilities: ask again and store them.
        typ, dat = M.capability()
        M.capabilities = tuple(dat[-1].decode("ascii").upper().split())
        return repr((typ, dat))
    if m == "authenticate":
        return repr(M.authenticate(a[0], authobject(subst(call["auth"]))))
    if m == "append":
        mailbox, flags, date_time, message = a
        return repr(M.append(mailbox, flags, date_time, message.encode("utf-8")))
    if m == "starttls":
        return repr(M.starttls())
    if m == "response":
        return repr(M.response(*a))
    return repr(getattr(M, m)(*a))


def skipped(call, skip):
    m = call["m"]
    if m in skip:
        return True
    args = call.get("args") or []
    return m == "uid" and bool(args) and isinstance(args[0], str) and "uid " + args[0].upper() in skip


def main():
    out = sys.stdout
    skip = set(filter(None, opts.skip.split(",")))
    for call in corpus["calls"]:
        servers = call.get("servers")
        if servers and opts.server not in servers or skipped(call, skip):
            continue
        if call.get("py_skip"):
            line = "SKIP"
        else:
            try:
                line = run(call)
            except Exception as e:  # noqa: BLE001 - every outcome is data
                line = exc_line(e)
        out.write(line + "\n")
        out.flush()
        if opts.step:
            if not sys.stdin.readline():
                return
    if M is not None and M.state != "LOGOUT":
        try:
            M.shutdown()
        except Exception:  # noqa: BLE001
            pass


main()
