#!/usr/bin/env python3
"""Write utils.json: what CPython's imaplib utility functions return.

The Go tests in util_test.go and internaldate_test.go compare this package
with the table, so they need no Python at run time. Regenerate with

    python3 testdata/oracle/gen_utils.py   (from the module root)

Any python3 >= 3.9 works (the machines have 3.11; zoneinfo is needed for
the zoned datetime cases). Run it on Linux: CPython's time.timezone,
time.altzone and time.daylight, and time.mktime's handling of DST gaps, are
glibc's, and the Go code mirrors CPython on glibc.

Where the running Python differs from CPython 3.14.7 the script records
3.14.7's answer and says why in the case's "note":

* datetime.strftime("%Y") pads years before 1000 to four digits since
  gh-120713 (in 3.14.7; 3.11 on Linux prints "999").
* 3.14.7's Time2Internaldate also accepts a struct_time whose tm_gmtoff is
  None (SPEC 3.4); 3.11 raises TypeError. Go has no such value: a
  Go time tuple is always the plain-tuple form, which both versions handle
  alike, so the table only holds plain tuples.

Bytes are stored as base64 ("*_b64" keys), with a Python repr beside them
for people reading test failures.
"""

import base64
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone

import imaplib

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9
    ZoneInfo = None

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "utils.json")

# Zones named by the IANA database, plus the POSIX TZ strings CPython's own
# tests use (the Go tests build those from the string).
ZONES = [
    {"tz": "UTC"},
    {"tz": "Europe/Berlin"},
    {"tz": "America/Denver"},
    {"tz": "Australia/Lord_Howe"},   # DST shift of 30 minutes
    {"tz": "Asia/Kolkata"},          # +0530, no DST now
    {"tz": "America/St_Johns"},      # -0330/-0230
    {"tz": "Pacific/Chatham"},       # +1245/+1345
    {"tz": "Europe/Dublin"},         # negative DST in the tz database
    {"tz": "America/Sao_Paulo"},     # DST abolished in 2019
    {"tz": "Antarctica/Troll"},      # DST shift of two hours
    {"tz": "Pacific/Kiritimati"},    # +14
    {"tz": "STD-1DST,M3.2.0,M11.1.0", "posix": True},   # test_Time2Internaldate
    {"tz": "MST+07MDT,M4.1.0,M10.5.0", "posix": True},  # test_Internaldate2tuple_issue10941
]


def b64(b):
    return base64.b64encode(b).decode("ascii")


def err(e):
    return {"type": type(e).__name__, "msg": str(e)}


def set_tz(tz):
    os.environ["TZ"] = tz
    time.tzset()


def reset_mktime_cache(tz):
    # glibc's mktime starts from the UTC offset that the previous call found,
    # so in the repeated hour at the end of DST its answer depends on
    # history. One call under UTC makes every case answer as a fresh
    # process would, which is what the Go code does.
    set_tz("UTC")
    time.mktime((2000, 1, 1, 0, 0, 0, 0, 1, -1))
    set_tz(tz)


# ---------------------------------------------------------------- Int2AP

def int2ap_cases():
    nums = [0, 1, 2, 9, 10, 15, 16, 17, 255, 256, 0x1234, 4096, 65535, 65536,
            -1, -5, -16, -0x1234, 123456789, 2**31 - 1, 2**31, 2**32,
            2**53 + 1, 2**62, 2**63 - 1, -(2**63), -(2**63 - 1),
            0xFEDCBA9876543210 & (2**63 - 1)]
    rnd = random.Random(4242)
    for _ in range(40):
        nums.append(rnd.randrange(-(2**63), 2**63))
    out = []
    for n in nums:
        out.append({"in": str(n), "out": imaplib.Int2AP(n).decode("ascii")})
    # Floats are not a Go input; noted for readers of the table.
    assert imaplib.Int2AP(17.9) == b"BB"
    return out


# ------------------------------------------------------------- ParseFlags

def parseflags_inputs():
    fixed = [
        b"",
        b"FLAGS ()",
        b"FLAGS (\\Seen)",
        b"1 (FLAGS (\\Seen \\Deleted))",
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
        b"* FLAGS (\\Seen) * OK [PERMANENTFLAGS (\\Deleted)]",
        b"1 (FLAGS (\\Seen) UID 4827313 INTERNALDATE \"01-Jan-2000 00:00:00 +0000\")",
        b"FLAGS (a (b) c)",
        b"FLAGS ((a))",
        b"FLAGS (a) FLAGS (b",
        b"FLAGS (a FLAGS (b)",
        b"FLAGS (\\Seen",
        b"FLAGS \\Seen)",
        b"FLAGS(\\Seen)",
        b"flags (\\Seen)",
        b"FLAGS  (\\Seen)",
        b"XFLAGS (x)",
        b"FLAGS (  \\Seen   \\Deleted  )",
        b"FLAGS (\t\\Seen\t\\Deleted\t)",
        b"FLAGS (\\Seen\n\\Deleted)",
        b"FLAGS (\\Seen\r\n\\Deleted)",
        b"FLAGS (a\x0bb\x0cc)",
        b"FLAGS (a\x1cb\x1dc\x1ed\x1ff)",
        b"FLAGS (a\x85b\xa0c)",
        b"FLAGS (a\xc2\x85b\xc2\xa0c)",
        b"FLAGS (\xe4\xf6\xfc \xff\x00 $Junk)",
        b"FLAGS (a\x00b)",
        b"\nFLAGS (a)",
        b"x\nFLAGS (a)",
        b"FLAGS (a)\nFLAGS (b)",
        b"FLAGS (a\n) FLAGS (b)",
        b"FLAGS (a) x\nFLAGS (b)",
        b"FLAGS (\n)",
        b"FLAGS (a)\n)",
        b"FLAGS (\na)",
        b"FLAGS (a)x)",
        b"FLAGS (a b c) PERMANENTFLAGS (d e)",
        b"PERMANENTFLAGS (d e) FLAGS (a b c)",
        b"FLAGS (FLAGS (x) y)",
        b"FLAGS (FLAGS (x",
        b"FLAGS ( )",
        b"FLAGS (\x0b)",
        b")FLAGS (",
        b"FLAGS ()FLAGS ()",
        b"\xffFLAGS (\\Seen)",
        b"FLAGS (" + b"x " * 1000 + b")",
    ]
    pieces = [b"FLAGS (", b"FLAGS", b" (", b"(", b")", b" ", b"\t", b"\n",
              b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x85", b"\xa0", b"\\Seen",
              b"a", b"PERMANENT", b"\x00", b"\xff", b"$Junk"]
    rnd = random.Random(1717)
    for _ in range(400):
        fixed.append(b"".join(rnd.choice(pieces)
                              for _ in range(rnd.randint(1, 14))))
    return fixed


def parseflags_cases():
    out = []
    seen = set()
    for resp in parseflags_inputs():
        if resp in seen:
            continue
        seen.add(resp)
        flags = imaplib.ParseFlags(resp)
        out.append({"in_b64": b64(resp), "repr": repr(resp),
                    "out_b64": [b64(f) for f in flags]})
    return out


# ------------------------------------------------------ Internaldate2tuple

def idate(s):
    return b'25 (INTERNALDATE "' + s + b'")'


def internaldate_inputs():
    fixed = [
        # CPython test_Internaldate2tuple
        idate(b"01-Jan-2000 00:00:00 +0000"),
        idate(b"01-Jan-2000 11:30:00 +1130"),
        idate(b"31-Dec-1999 12:30:00 -1130"),
        # test_Internaldate2tuple_issue10941 (02:30 and 03:30 UTC)
        idate(b"02-Apr-2000 02:30:00 +0000"),
        idate(b"02-Apr-2000 03:30:00 +0000"),
        b'INTERNALDATE "17-Jul-1996 02:44:25 -0700"',
        b'1 (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286)',
        idate(b" 1-Jan-2000 00:00:00 +0000"),
        idate(b" 9-Sep-2009 09:09:09 +0909"),
        idate(b"31-Feb-2001 00:00:00 +0000"),
        idate(b"00-Mar-2000 00:00:00 +0000"),
        idate(b"00-Jan-0001 00:00:00 +0000"),
        idate(b"01-Jan-0001 00:00:00 +0000"),
        idate(b"01-Jan-0001 00:00:00 +0001"),
        idate(b"01-Jan-0001 00:00:00 -0001"),
        idate(b"00-Jan-0001 00:00:00 +9999"),
        idate(b"39-Dec-9999 99:99:99 -9999"),
        idate(b"31-Dec-9999 23:59:59 +0000"),
        idate(b"31-Dec-9999 23:59:59 -2359"),
        idate(b"01-Jan-2000 24:00:00 +0000"),
        idate(b"01-Jan-2000 99:99:99 +0000"),
        idate(b"01-Jan-2000 00:60:60 +0060"),
        idate(b"31-Dec-1969 23:59:59 +0000"),
        idate(b"13-Dec-1901 20:45:52 +0000"),
        idate(b"19-Jan-2038 03:14:08 +0000"),
        idate(b"01-Jan-2100 00:00:00 +0000"),
        idate(b"18-May-2033 05:33:20 +0200"),
        idate(b"01-Jan-0000 00:00:00 +0000"),     # ValueError (timegm)
        idate(b"01-Foo-2000 00:00:00 +0000"),     # KeyError
        idate(b"01-Foo-0000 00:00:00 +0000"),     # KeyError comes first
        idate(b"01-JAN-2000 00:00:00 +0000"),     # no match
        idate(b"01-jan-2000 00:00:00 +0000"),
        idate(b"1-Jan-2000 00:00:00 +0000"),
        idate(b"41-Jan-2000 00:00:00 +0000"),
        idate(b"01-Jan-00 00:00:00 +0000"),
        idate(b"01-Jan-2000 0:00:00 +0000"),
        idate(b"01-Jan-2000 00:00:00 0000"),
        idate(b"01-Jan-2000 00:00:00 +000"),
        idate(b"01-Jan-2000 00:00:00"),
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000',
        b'INTERNALDATE 01-Jan-2000 00:00:00 +0000"',
        b'"01-Jan-2000 00:00:00 +0000"',
        b"01-Jan-2000 00:00:00 +0000",
        b'internaldate "01-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE  "01-Jan-2000 00:00:00 +0000"',
        b'\nINTERNALDATE "01-Jan-2000 00:00:00 +0000"',
        b'x\nINTERNALDATE "01-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000"\n',
        b'INTERNALDATE "\n01-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000"\nINTERNALDATE "02-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000" INTERNALDATE "02-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000" INTERNALDATE "02-Jan-2000 00:00:00 +000"',
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000" INTERNALDATE "02-Foo-2000 00:00:00 +0000"',
        b'INTERNALDATE "01-Foo-2000 00:00:00 +0000" INTERNALDATE "02-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE "INTERNALDATE "01-Jan-2000 00:00:00 +0000"',
        b'\xff\xfe INTERNALDATE "01-Jan-2000 00:00:00 +0000"',
        b'INTERNALDATE "01-Jan-2000 00:00:00 +0000"\xff',
        b"",
    ]
    # Around the DST changes of the zones above, and around LMT.
    for s in [b"26-Mar-2023 00:59:59 +0000", b"26-Mar-2023 01:00:00 +0000",
              b"29-Oct-2023 00:59:59 +0000", b"29-Oct-2023 01:00:00 +0000",
              b"12-Mar-2023 08:59:59 +0000", b"12-Mar-2023 09:00:00 +0000",
              b"05-Nov-2023 07:59:59 +0000", b"05-Nov-2023 08:00:00 +0000",
              b"01-Oct-2023 02:00:00 +1030", b"02-Apr-2023 02:00:00 +1100",
              b"01-Apr-1893 00:00:00 +0000", b"31-Mar-1893 23:06:31 +0000",
              b"01-Jan-1850 00:00:00 +0000", b"01-Jan-1000 12:00:00 -0500",
              b"25-Mar-2024 12:00:00 +0000", b"18-Nov-1883 19:00:00 +0000"]:
        fixed.append(idate(s))
    rnd = random.Random(2000)
    months = [m.encode() for m in imaplib.Months[1:]]
    for _ in range(150):
        day = rnd.randint(0, 39)
        dtext = (b"%02d" % day) if day >= 10 or rnd.random() < 0.5 else (b" %d" % day)
        year = rnd.choice([rnd.randint(1, 9999), rnd.randint(1900, 2100),
                           rnd.randint(1960, 2040)])
        fixed.append(idate(b"%s-%s-%04d %02d:%02d:%02d %s%02d%02d" % (
            dtext, rnd.choice(months), year,
            rnd.choice([rnd.randint(0, 23), rnd.randint(0, 99)]),
            rnd.choice([rnd.randint(0, 59), rnd.randint(0, 99)]),
            rnd.choice([rnd.randint(0, 59), rnd.randint(0, 99)]),
            rnd.choice([b"+", b"-"]),
            rnd.choice([rnd.randint(0, 14), rnd.randint(0, 99)]),
            rnd.choice([0, 30, 45, rnd.randint(0, 99)]))))
    pieces = [b'INTERNALDATE "', b'INTERNALDATE', b'"', b' ', b'\n',
              b'01-Jan-2000 00:00:00 +0000"', b'01-Jan-2000 00:00:00 +0000',
              b' 2-Feb-1999 23:59:59 -1200"', b'03-Foo-2001 00:00:00 +0000"',
              b'04-Mar-0000 00:00:00 +0000"', b'x', b'\xff', b')']
    for _ in range(150):
        fixed.append(b"".join(rnd.choice(pieces)
                              for _ in range(rnd.randint(1, 7))))
    seen, out = set(), []
    for r in fixed:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def internaldate_results(inputs):
    out = []
    for resp in inputs:
        case = {}
        try:
            tt = imaplib.Internaldate2tuple(resp)
        except (KeyError, ValueError) as e:
            case["error"] = err(e)
            if isinstance(e, KeyError):
                case["error"]["msg"] = "unknown month " + str(e)
        else:
            if tt is None:
                case["none"] = True
            else:
                case["tm"] = list(tt[:9])
                case["zone"] = tt.tm_zone
                case["gmtoff"] = tt.tm_gmtoff
                case["unix"] = (days_from_civil(*tt[:3]) * 86400 + tt[3] * 3600
                                + tt[4] * 60 + tt[5] - tt.tm_gmtoff)
        out.append(case)
    return out


# ------------------------------------------------------ Time2Internaldate

def days_from_civil(y, m, d):
    # Proleptic Gregorian day number relative to 1970-01-01, for years
    # outside datetime's range.
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


# glibc's gmtime fails (EOVERFLOW) once tm_year leaves the C int range.
GMTIME_MAX = days_from_civil(2**31 - 1 + 1900, 12, 31) * 86400 + 86399
GMTIME_MIN = days_from_civil(-(2**31) + 1900, 1, 1) * 86400


def t2i_inputs():
    """(kind, value, python object) triples; kind tells Go how to build it."""
    cases = []
    ints = [0, 1, -1, 59, 2000000000, 2**31 - 1, 2**31, -(2**31), 10**9,
            1679792399, 1679792400, 1698541199, 1698541200,   # Berlin 2023
            1678611599, 1678611600, 1699171199, 1699171200,   # Denver 2023
            954642600, 954646200,                             # issue 10941
            -2208988800, -2524521600, -3786825600,            # 1900, 1890, 1850
            -62135596800, -62135596801, -62135596800 + 86400,
            253402300799, 253402300799 - 86400, 253402300800,
            2**40, 2**55, -(2**55), GMTIME_MAX, GMTIME_MAX + 1,
            GMTIME_MIN, GMTIME_MIN - 1, 2**62, 2**63 - 1, -(2**63)]
    rnd = random.Random(99)
    for _ in range(40):
        ints.append(rnd.randint(-62135596800, 253402300799))
    for _ in range(20):
        ints.append(rnd.randint(0, 2**32))
    for n in ints:
        cases.append(("int", str(n), n))
    floats = [0.0, 0.5, -0.5, 0.9999994, 0.9999995, 0.9999996, 1.9999995,
              1.9999999, -1e-7, -0.9999999, 2000000000.0, 2000000000.75,
              -62135596800.0, -62135596800.5, 253402300799.5, 1e16, 7e16,
              1e20, 9.2e18, 2.0**63, -(2.0**63), -(2.0**63) * 1.5,
              float("nan"), float("inf"), float("-inf"), 1.5e-6, 2.5e-6,
              1698541199.9999996, 1698541199.9999994]
    for _ in range(20):
        floats.append(rnd.uniform(-3e9, 3e9))
    for f in floats:
        cases.append(("float", repr(f), f))
    walls = [(2033, 5, 18, 5, 33, 20), (2000, 1, 1, 0, 0, 0),
             (2000, 7, 1, 12, 0, 0), (1970, 1, 1, 0, 0, 0),
             (2023, 3, 26, 2, 30, 0), (2023, 10, 29, 2, 30, 0),   # Berlin
             (2023, 3, 12, 2, 30, 0), (2023, 11, 5, 1, 30, 0),    # Denver
             (2023, 10, 1, 2, 15, 0), (2023, 4, 2, 1, 45, 0),     # Lord Howe
             (2023, 9, 24, 2, 50, 0), (2023, 4, 2, 2, 50, 0),     # Chatham
             (2023, 3, 12, 2, 15, 0), (2023, 11, 5, 0, 30, 0),    # St Johns
             (2023, 3, 26, 1, 30, 0), (2023, 10, 29, 1, 30, 0),   # Dublin
             (2023, 3, 26, 1, 30, 0), (2023, 10, 29, 2, 30, 0),   # Troll
             (2033, 3, 13, 2, 30, 0), (2033, 11, 6, 1, 30, 0),    # STD-1DST
             (2000, 4, 2, 2, 30, 0), (2000, 10, 29, 1, 30, 0),    # MST7MDT
             (1, 1, 1, 0, 0, 0), (999, 12, 31, 23, 59, 59),
             (9999, 12, 31, 23, 59, 59), (1850, 6, 1, 12, 0, 0),
             (2100, 6, 1, 12, 0, 0), (2000, 2, 29, 0, 0, 0)]
    for w in walls:
        for isdst in (-1, 0, 1):
            t = w + (0, 1, isdst)
            cases.append(("tuple", list(t), t))
    bad = [(2000, 13, 1, 0, 0, 0), (2000, 0, 1, 0, 0, 0),
           (2000, 2, 30, 0, 0, 0), (2001, 2, 29, 0, 0, 0),
           (2000, 1, 0, 0, 0, 0), (2000, 1, 1, 24, 0, 0),
           (2000, 1, 1, -1, 0, 0), (2000, 1, 1, 0, 60, 0),
           (2000, 1, 1, 0, 0, 60), (2000, 1, 1, 0, 0, -1),
           (0, 1, 1, 0, 0, 0), (10000, 1, 1, 0, 0, 0),
           (-5, 1, 1, 0, 0, 0), (0, 13, 32, 25, 61, 61)]
    for w in bad:
        for isdst in (-1, 0, 1):
            t = w + (0, 1, isdst)
            cases.append(("tuple", list(t), t))
    for t in [(2000, 1, 1, 0, 0, 0, 0, 1, 2), (2000, 1, 1, 0, 0, 0, 0, 1, -2),
              (2000, 7, 1, 0, 0, 0, 0, 1, -2), (2000, 1, 1, 0, 0, 0, 0, 1, -3),
              (2000, 1, 1, 0, 0, 0, 0, 1, 99),
              (2**31, 1, 1, 0, 0, 0, 0, 1, 0), (2**31 - 1, 1, 1, 0, 0, 0, 0, 1, 0),
              (-(2**31) - 1, 1, 1, 0, 0, 0, 0, 1, 0), (2000, 2**31, 1, 0, 0, 0, 0, 1, 0),
              (2000, 1, 1, 0, 0, 0, 2**31, 1, 0), (2000, 1, 1, 0, 0, 0, 2**31, 1, -1),
              (2000, 1, 1, 0, 0, 0, 0, -(2**31) - 1, -1),
              (2000, 1, 1, 0, 0, 0, 0, 1, 2**31),
              (2000, 1, 1, 0, 0, 0, 123, 456, 0),
              # (-2147481748, 1, 1, 0, 0, 0, 0, 1, -1) is left out: at the
              # edge of the C int, glibc fails in some zones only (OSError).
              (2147483647, 1, 1, 0, 0, 0, 0, 1, -1),
              (2147483647, 2147483647, 31, 23, 59, 59, 0, 1, -1),
              (-2147483648, 1, 1, 0, 0, 0, 0, 1, -1),
              (-2147481749, 1, 1, 0, 0, 0, 0, 1, -1),
              (-2147481749, 1, 1, 0, 0, 0, 0, 1, 0),
              (2000, 1, 1, 2147483647, 0, 0, 0, 1, -1),
              (2000, 1, 2147483647, 0, 0, 0, 0, 1, -1),
              (2000, 1, 1, 0, 0, -2147483648, 0, 1, -1),
              (2000, -5, 1, 0, 0, 0, 0, 1, -1)]:
        cases.append(("tuple", list(t), t))
    # test_Time2Internaldate_datetime_timetuple: a naive datetime's
    # timetuple() has tm_isdst -1 (and tm_gmtoff None, which 3.14.7 treats
    # like a plain tuple); pass it as a plain tuple so 3.11 agrees.
    tt = tuple(datetime.fromtimestamp(2000000000).timetuple())
    cases.append(("tuple", list(tt), tt))
    offsets = [0, 3600, 7200, -3600, 19800, -12600, 45900, 50400, -43200,
               86399, -86399, 3601, -3601, -1, 1, 3599]
    for off in offsets:
        for fields in [(2033, 5, 18, 5, 33, 20, 0), (1, 1, 1, 0, 0, 0, 0),
                       (999, 1, 2, 3, 4, 5, 999999), (9999, 12, 31, 23, 59, 59, 999999)]:
            dt = datetime(*fields, tzinfo=timezone(timedelta(seconds=off)))
            cases.append(("datetime", {"fields": list(fields), "offset": off}, dt))
    if ZoneInfo is not None:
        for zname in ["Europe/Berlin", "America/Denver", "Europe/Amsterdam",
                      "Asia/Kolkata", "Africa/Monrovia", "Pacific/Apia"]:
            z = ZoneInfo(zname)
            for ts in [2000000000, 1698541200, -2208988800, -1230768000,
                       -62135596800 + 86400 * 2, 0, 1325239200]:
                dt = datetime.fromtimestamp(ts, z)
                cases.append(("zoned", {"ts": ts, "zone": zname}, dt))
    cases.append(("datetime", {"fields": [2000, 1, 1, 0, 0, 0, 0], "offset": None},
                  datetime(2000, 1, 1)))
    for s in ['"18-May-2033 05:33:20 +0200"', '"', '""', '"x', 'x"', '',
              'abc', '18-May-2033 05:33:20 +0200', '"\u00fc"', ' "x" ']:
        cases.append(("str", s, s))
    cases.append(("none", None, None))
    cases.append(("bytes", b64(b'"18-May-2033 05:33:20 +0200"'),
                  b'"18-May-2033 05:33:20 +0200"'))
    return cases


def t2i_note(value, result):
    # 3.11 prints years before 1000 without padding; 3.14.7 pads them.
    head, sep, rest = result[1:].partition("-")
    mon, sep2, rest = rest.partition("-")
    year, sp, tail = rest.partition(" ")
    if sep and sep2 and sp and len(year) < 4 and year.isdigit():
        return '"%s-%s-%04d %s' % (head, mon, int(year), tail), \
            "3.11 prints the year unpadded; 3.14.7 pads it (gh-120713)"
    return result, None


def t2i_results(tz, inputs):
    out = []
    for kind, value, obj in inputs:
        if kind == "tuple":
            reset_mktime_cache(tz)
        case = {}
        try:
            res = imaplib.Time2Internaldate(obj)
        except Exception as e:  # the table records every exception type
            case["error"] = err(e)
        else:
            res, note = t2i_note(value, res)
            case["out"] = res
            if note:
                case["note"] = note
        out.append(case)
    return out


def main():
    id_inputs = internaldate_inputs()
    t2i = t2i_inputs()
    t2i_in = []
    for kind, value, _ in t2i:
        case = {"kind": kind, "value": value}
        if kind == "datetime" and value["offset"] is None:
            case["go"] = "skip: a Go time.Time always has a location (no naive datetime)"
        t2i_in.append(case)
    data = {
        "generator": "testdata/oracle/gen_utils.py",
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "int2ap": int2ap_cases(),
        "parseflags": parseflags_cases(),
        "internaldate_inputs": [{"in_b64": b64(r), "repr": repr(r)} for r in id_inputs],
        "time2internaldate_inputs": t2i_in,
        "zones": [],
    }
    for z in ZONES:
        set_tz(z["tz"])
        entry = dict(z)
        entry["timezone"] = time.timezone
        entry["altzone"] = time.altzone
        entry["daylight"] = time.daylight
        # Element i answers internaldate_inputs[i] / time2internaldate_inputs[i].
        entry["internaldate"] = internaldate_results(id_inputs)
        entry["time2internaldate"] = t2i_results(z["tz"], t2i)
        data["zones"].append(entry)
    with open(OUT, "w") as f:
        f.write(dump(data))


def dump(v, depth=0):
    # One table row a line: small diffs when CPython's answers change.
    if isinstance(v, dict) and depth < 2:
        items = [json.dumps(k) + ": " + dump(v[k], depth + 1) for k in sorted(v)]
        return "{\n" + ",\n".join(items) + "\n}" + ("\n" if depth == 0 else "")
    if isinstance(v, list) and depth < 2 and v and isinstance(v[0], (dict, list)):
        return "[\n" + ",\n".join(dump(x, 2) for x in v) + "\n]"
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


if __name__ == "__main__":
    main()
