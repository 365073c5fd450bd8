#!/usr/bin/env python3
r"""Run a list of imaplib calls with CPython's own imaplib, for oracle_test.go.

Usage: fake_client.py HOST PORT [TIMEOUT] < calls.json

stdin holds a JSON list of calls, each a list [method, arg, ...]; for example
[["login", "user", "pass"], ["select", "INBOX"], ["fetch", "1", "(RFC822)"]].
An argument {"bytes": "text"} is passed as the bytes of text in UTF-8; null
is None, true/false are booleans. Pseudo-methods report client attributes:
"_state", "_capabilities", "_readonly" and "_untagged" (the untagged
responses, sorted by name).

Output, one line per step: first the connection (repr of capabilities, or
EXC if the constructor raised), then one line per call: the repr of the
result, or "EXC <ClassName>: <message>" where ClassName is type(e).__name__
(imaplib's nested classes error, abort and readonly, or ValueError etc.).
Reprs escape control characters, and exception messages have backslash, CR
and LF escaped as \\, \r and \n, so one call is one line.
The connection is shut down at the end without a LOGOUT, unless a call
logged out.
"""

import imaplib
import json
import sys


def convert(arg):
    if isinstance(arg, dict) and set(arg) == {"bytes"}:
        return arg["bytes"].encode("utf-8")
    return arg


def exc_line(e):
    # Newlines are escaped so that one call stays one line.
    msg = str(e).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return "EXC %s: %s" % (type(e).__name__, msg)


def untagged(client):
    return "; ".join("%s: %r" % (k, v) for k, v in sorted(client.untagged_responses.items()))


PSEUDO = {
    "_state": lambda c: c.state,
    "_capabilities": lambda c: repr(c.capabilities),
    "_readonly": lambda c: repr(c.is_readonly),
    "_untagged": untagged,
}


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else None
    calls = json.load(sys.stdin)
    try:
        client = imaplib.IMAP4(host, port, timeout=timeout)
    except Exception as e:
        print(exc_line(e), flush=True)
        return
    print(repr(client.capabilities), flush=True)
    try:
        for call in calls:
            name, args = call[0], [convert(a) for a in call[1:]]
            try:
                if name in PSEUDO:
                    out = PSEUDO[name](client)
                else:
                    out = repr(getattr(client, name)(*args))
            except Exception as e:
                out = exc_line(e)
            print(out, flush=True)
    finally:
        if client.state != "LOGOUT":
            client.shutdown()


if __name__ == "__main__":
    main()
