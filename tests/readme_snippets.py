#!/usr/bin/env python3
"""Checks every ```cpp block of README.md on its own.

A block that is a whole program (it has `int main`) is compiled, linked against LINK_ARGS and run; it must exit
0. A program that talks to Tencent (it uses tcchat::curl_transport: network, and a real TCCHAT_SECRET_KEY) is
compiled and linked only, since a test may not reach the service. Any other block is a fragment: it is
compiled for syntax and types (-fsyntax-only).

usage: readme_snippets.py README CXX INCLUDE_DIR WORK_DIR [LINK_ARG...]
"""
import pathlib
import re
import subprocess
import sys

WARNINGS = ["-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"]


def needs_the_service(code):
    return "tcchat/transport/curl.hpp" in code


def check(number, code, cxx, include_dir, work_dir, link_args):
    """An error message, or None when the snippet passes."""
    source = work_dir / f"readme_snippet_{number}.cpp"
    source.write_text(code, encoding="utf-8")
    base = [cxx, "-std=c++17", *WARNINGS, "-I", include_dir, str(source)]
    if not re.search(r"\bint\s+main\s*\(", code):
        built = subprocess.run([*base, "-fsyntax-only"], capture_output=True, text=True)
        return None if built.returncode == 0 else f"does not compile:\n{built.stderr}"
    program = work_dir / f"readme_snippet_{number}"
    built = subprocess.run([*base, "-o", str(program), *link_args], capture_output=True, text=True)
    if built.returncode != 0:
        return f"does not compile and link:\n{built.stderr}"
    if needs_the_service(code):
        print(f"README snippet {number}: linked; not run (it calls Tencent through curl_transport)")
        return None
    try:
        ran = subprocess.run([str(program)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "did not finish within 60 s"
    if ran.returncode != 0:
        return f"exited with {ran.returncode}:\n{ran.stdout}{ran.stderr}"
    print(f"README snippet {number}: linked and ran")
    return None


def main():
    readme, cxx, include_dir, work = sys.argv[1:5]
    link_args = sys.argv[5:]
    snippets = re.findall(r"```cpp\n(.*?)```", pathlib.Path(readme).read_text(encoding="utf-8"), re.S)
    work_dir = pathlib.Path(work)
    work_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for number, code in enumerate(snippets, 1):
        problem = check(number, code, cxx, include_dir, work_dir, link_args)
        if problem:
            failed += 1
            print(f"README snippet {number} {problem}\n{code}")
    print(f"readme snippets: {len(snippets) - failed} passed, {failed} failed")
    return 1 if failed or not snippets else 0


if __name__ == "__main__":
    sys.exit(main())
