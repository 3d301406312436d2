#!/usr/bin/env python3
"""Builds the API reference with Doxygen (docs/Doxyfile) and fails on its warnings.

Every warning is an error but one: "Member X (variable) ... is not documented" for a data member. The
members of the wire structs are the wire keys themselves (docs/protocol.md has their meaning), so a one-line
comment on each would repeat its name. Every public type, function, typedef and enum must have one.

usage: tools/api_reference.py OUTPUT_DIR
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXEMPT = re.compile(r"warning: Member \S+ \(variable\) of .* is not documented\.$")


def main():
    output = pathlib.Path(sys.argv[1]).resolve()
    output.mkdir(parents=True, exist_ok=True)
    log = output / "warnings.log"
    settings = (ROOT / "docs" / "Doxyfile").read_text(encoding="utf-8")
    settings += f"\nOUTPUT_DIRECTORY = {output}\nWARN_LOGFILE = {log}\n"
    subprocess.run(["doxygen", "-"], input=settings, text=True, cwd=ROOT, check=True)
    warnings = [line for line in log.read_text(encoding="utf-8").splitlines() if "warning:" in line]
    errors = [line for line in warnings if not EXEMPT.search(line)]
    for line in errors:
        print(line.replace(str(ROOT) + "/", ""))
    print(f"API reference: {output / 'html' / 'index.html'}; {len(errors)} warnings "
          f"({len(warnings) - len(errors)} undocumented data members exempt)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
