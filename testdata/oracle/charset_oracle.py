"""The CPython side of TestCriteriaCharsetsAgainstCPython (charset_test.go).

Reads a JSON object {"names": [...], "samples": [...], "modules": [...]}
on standard input and writes a JSON object:

  "encode":  for every name, for every sample, the hex of
             sample.encode(name), or "LookupError" / "UnicodeEncodeError";
  "aliases": every alias in encodings.aliases whose codec module is one
             of "modules", with that module.
"""

import encodings.aliases
import json
import sys


def main():
    req = json.load(sys.stdin)
    out = {"encode": {}, "aliases": {}}
    for name in req["names"]:
        row = []
        for s in req["samples"]:
            try:
                row.append(s.encode(name).hex())
            except LookupError:
                row.append("LookupError")
            except UnicodeEncodeError:
                row.append("UnicodeEncodeError")
        out["encode"][name] = row
    modules = set(req["modules"])
    for alias, module in encodings.aliases.aliases.items():
        if module in modules:
            out["aliases"][alias] = module
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
