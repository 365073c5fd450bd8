"""Print what imap_tools (Debian's python3-imap-tools, 0.54) makes of a mailbox.

Usage: /usr/bin/python3 imap_tools_view.py HOST PORT USER PASSWORD

Logs in, fetches every message of INBOX without marking it seen, and prints
one JSON list on stdout, one object per message in UID order, with the
fields that imap_tools parses itself: uid, flags, size (RFC822.SIZE),
date (the Date header as UTC seconds, or null where it did not parse),
subject, from and to (addresses as name/email), and the attachment file
names. A field whose parsing raised is null, and "errors" maps its name to
the exception. crosscheck_test.go compares these with go-imap v2 and this package.
"""
import datetime
import json
import sys

from imap_tools import MailBoxUnencrypted


def addr(a):
    return {"name": a.name, "email": a.email}


def date_seconds(msg):
    d = msg.date
    # imap_tools answers 1900-01-01 for a date it could not parse.
    if d.year == 1900:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp())


FIELDS = [
    ("uid", lambda m: int(m.uid)),
    ("flags", lambda m: sorted(m.flags)),
    ("size", lambda m: m.size_rfc822),
    ("date", date_seconds),
    ("subject", lambda m: m.subject),
    ("from", lambda m: addr(m.from_values) if m.from_values else None),
    ("to", lambda m: [addr(a) for a in m.to_values]),
    ("attachments", lambda m: [a.filename for a in m.attachments if a.filename]),
]


def main():
    host, port, user, password = sys.argv[1:5]
    out = []
    with MailBoxUnencrypted(host, int(port)).login(user, password, "INBOX") as mb:
        for msg in mb.fetch(mark_seen=False):
            view, errors = {}, {}
            for name, get in FIELDS:
                try:
                    view[name] = get(msg)
                except Exception as e:  # noqa: BLE001 (a parser failure is a result)
                    view[name] = None
                    errors[name] = "%s: %s" % (type(e).__name__, e)
            view["errors"] = errors
            out.append(view)
    out.sort(key=lambda m: m["uid"])
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
