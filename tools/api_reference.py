#!/usr/bin/env python3
"""Builds the API reference with Doxygen (docs/Doxyfile) and fails on its warnings.

Every warning is an error but one: "Member X (variable) ... is not documented" for a data member. The
members of the wire structs are the wire keys themselves (docs/protocol.md has their meaning), so a one-line
comment on each would repeat its name. Every public type, function, typedef and enum must have one.

It then writes docs/reference.md from Doxygen's XML (tools/reference_md.py) and fails when the committed copy
differs (--update rewrites it), or when a public enumeration of the headers, or a type a new user had to guess
(REQUIRED), is missing from it.

usage: tools/api_reference.py OUTPUT_DIR [--update]
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXEMPT = re.compile(r"warning: Member \S+ \(variable\) of .* is not documented\.$")
# What a new user had to find in a header (the option structs, hook records, transport messages).
REQUIRED = ["tcchat::mark_operation", "tcchat::attempt_record", "tcchat::http_request", "tcchat::http_response",
            "tcchat::budget_config", "tcchat::client_options", "tcchat::call_options", "tcchat::validation_limits",
            "tcchat::decode_limits", "tcchat::curl_options", "tcchat::beast_options", "tcchat::redis_limiter_options",
            "tcchat::emulation::emulator_options", "tcchat::emulation::fault", "namespace `tcchat::usersig`"]


def check_reference(output, update):
    """Regenerates docs/reference.md's text and compares it; returns the problems."""
    generated = output / "reference.md"
    subprocess.run([sys.executable, str(ROOT / "tools" / "reference_md.py"), str(output / "xml"), str(generated)], check=True)
    text = generated.read_text(encoding="utf-8")
    committed = ROOT / "docs" / "reference.md"
    problems = []
    if update:
        committed.write_text(text, encoding="utf-8")
    elif not committed.exists() or committed.read_text(encoding="utf-8") != text:
        problems.append("docs/reference.md is not what the headers generate; run: tools/api_reference.py OUTPUT_DIR --update")
    public_enums = set()
    for header in (ROOT / "include").rglob("*.hpp"):
        if "detail" not in header.parts:
            public_enums |= set(re.findall(r"^enum class (\w+)", header.read_text(encoding="utf-8"), re.M))
    for name in sorted(public_enums):
        if f"::{name}`" not in text:
            problems.append(f"the public enumeration {name} is missing from docs/reference.md")
    for name in REQUIRED:
        if f"`{name}`" not in text and name not in text:
            problems.append(f"{name} is missing from docs/reference.md")
    return problems


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
    problems = check_reference(output, "--update" in sys.argv[2:])
    for problem in problems:
        print(problem)
    return 1 if errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
