#!/usr/bin/env python3
"""Compiles every ```cpp block of README.md on its own (syntax and types, no linking).

usage: readme_snippets.py README CXX INCLUDE_DIR WORK_DIR
"""
import pathlib
import re
import subprocess
import sys


def main():
    readme, cxx, include_dir, work = sys.argv[1:5]
    snippets = re.findall(r"```cpp\n(.*?)```", pathlib.Path(readme).read_text(encoding="utf-8"), re.S)
    work_dir = pathlib.Path(work)
    work_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for number, code in enumerate(snippets, 1):
        source = work_dir / f"readme_snippet_{number}.cpp"
        source.write_text(code, encoding="utf-8")
        compile_ = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                                   "-Wno-missing-field-initializers", "-I", include_dir, str(source)],
                                  capture_output=True, text=True)
        if compile_.returncode != 0:
            failed += 1
            print(f"README snippet {number} does not compile:\n{code}\n{compile_.stderr}")
    print(f"readme snippets: {len(snippets) - failed} passed, {failed} failed")
    return 1 if failed or not snippets else 0


if __name__ == "__main__":
    sys.exit(main())
