#!/usr/bin/env python3
"""Checks every code block of the README and of docs/ on its own, so that no documented line can rot.

```cpp blocks: a block that is a whole program (it has `int main`) is compiled, linked against LINK_ARGS and run;
it must exit 0. A program that talks to Tencent (it uses tcchat::curl_transport: network, and a real
TCCHAT_SECRET_KEY) is compiled and linked only, since a test may not reach the service. Any other block is a
fragment: it is compiled for syntax and types (-fsyntax-only). A block whose first line is `// c++20` is
compiled as C++20 (designated initializers), every other one as C++17.

```sh blocks of docs/ are run by bash -euo pipefail in a scratch folder, with the built `tcchat` first on PATH,
and must exit 0 within 60 s. Commands a reader runs once on a machine (installing packages) are written there as
```console blocks, which are not run. The README's ```sh blocks are its set-up commands and an overview, which
CI and the tests run elsewhere (tools/demo.sh, tools/test.sh, tests/cli/).

A block that includes an opt-in header is built only when the build was configured with that part (FEATURES,
from CMake's TCCHAT_WITH_* options, comma-separated: usersig, curl, redis, beast), since only then are its
libraries among LINK_ARGS; without it the block is reported as not built. Headers found on the machine are not
a reason to build it.

usage: doc_snippets.py CXX INCLUDE_DIR WORK_DIR TCCHAT_BINARY_DIR --features=FEATURES DOC [DOC...] -- [LINK_ARG...]
"""
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys

WARNINGS = ["-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"]
TIMEOUT = 60


# The opt-in headers and the configured part each needs.
OPT_IN_HEADERS = {
    "tcchat/usersig.hpp": "usersig",
    "tcchat/transport/curl.hpp": "curl",
    "tcchat/limiter/redis.hpp": "redis",
    "tcchat/transport/beast.hpp": "beast",
}


def missing_features(code, features):
    return sorted({part for header, part in OPT_IN_HEADERS.items() if f"<{header}>" in code and part not in features})


def needs_the_service(code):
    return "tcchat/transport/curl.hpp" in code


def check_cpp(name, code, cxx, include_dir, work_dir, link_args):
    """An error message, or None when the snippet passes."""
    source = work_dir / f"{name}.cpp"
    source.write_text(code, encoding="utf-8")
    standard = "-std=c++20" if code.startswith("// c++20") else "-std=c++17"
    base = [cxx, standard, *WARNINGS, "-I", include_dir, str(source)]
    if not re.search(r"\bint\s+main\s*\(", code):
        built = subprocess.run([*base, "-fsyntax-only"], capture_output=True, text=True)
        return None if built.returncode == 0 else f"does not compile:\n{built.stderr}"
    program = work_dir / name
    built = subprocess.run([*base, "-o", str(program), *link_args], capture_output=True, text=True)
    if built.returncode != 0:
        return f"does not compile and link:\n{built.stderr}"
    if needs_the_service(code):
        print(f"{name}: linked; not run (it calls Tencent through curl_transport)")
        return None
    return run(name, [str(program)], work_dir, os.environ)


def python_with_jsonschema():
    """The folder of the first python3 on PATH (or /usr/bin) that imports jsonschema: the guides tell a reader to
    install it and run `python3`, and a machine may have another python3 first on PATH (pyenv)."""
    for folder in [*os.environ.get("PATH", "").split(os.pathsep), "/usr/bin"]:
        python = pathlib.Path(folder, "python3")
        if python.exists() and subprocess.run([str(python), "-c", "import jsonschema"], capture_output=True).returncode == 0:
            return folder
    return None


def check_sh(name, code, work_dir, tcchat_dir):
    scratch = work_dir / name
    scratch.mkdir(parents=True, exist_ok=True)
    python_dir = python_with_jsonschema()
    first = f"{tcchat_dir}:{python_dir}" if python_dir else tcchat_dir
    environment = dict(os.environ, PATH=f"{first}:{os.environ.get('PATH', '')}")
    return run(name, ["bash", "-euo", "pipefail", "-c", code], scratch, environment)


def run(name, command, cwd, environment):
    try:
        ran = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=environment)
    except subprocess.TimeoutExpired:
        return f"did not finish within {TIMEOUT} s"
    if ran.returncode != 0:
        return f"exited with {ran.returncode}:\n{ran.stdout}{ran.stderr}"
    print(f"{name}: ran")
    return None


def main():
    cxx, include_dir, work, tcchat_dir, feature_list = sys.argv[1:6]
    if not feature_list.startswith("--features="):
        sys.exit("usage: doc_snippets.py CXX INCLUDE_DIR WORK_DIR TCCHAT_BINARY_DIR --features=A,B DOC... -- LINK_ARG...")
    features = {part for part in feature_list[len("--features="):].split(",") if part}
    rest = sys.argv[6:]
    split = rest.index("--") if "--" in rest else len(rest)
    docs, link_args = rest[:split], rest[split + 1:]
    work_dir = pathlib.Path(work)
    work_dir.mkdir(parents=True, exist_ok=True)
    checks = []  # (doc, number, language, code, check): each compiles or runs on its own, so they run in parallel
    for doc in docs:
        path = pathlib.Path(doc)
        blocks = re.findall(r"^```(cpp|sh)\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M)
        for number, (language, code) in enumerate(blocks, 1):
            name = f"{path.stem}_{number}"
            if language == "cpp" and missing_features(code, features):
                print(f"{name}: not built (this build is configured without {', '.join(missing_features(code, features))})")
            elif language == "cpp":
                checks.append((doc, number, language, code,
                               lambda name=name, code=code: check_cpp(name, code, cxx, include_dir, work_dir, link_args)))
            elif path.parent.name != "docs":
                continue
            elif not pathlib.Path(tcchat_dir, "tcchat").exists():
                print(f"{name}: not run (no tcchat binary in this build)")
            else:
                checks.append((doc, number, language, code, lambda name=name, code=code: check_sh(name, code, work_dir, tcchat_dir)))
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        problems = list(pool.map(lambda entry: entry[4](), checks))
    failed = 0
    for (doc, number, language, code, _), problem in zip(checks, problems):
        if problem:
            failed += 1
            print(f"{doc} block {number} ({language}) {problem}\n{code}")
    print(f"documentation blocks: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed or not checks else 0


if __name__ == "__main__":
    sys.exit(main())
