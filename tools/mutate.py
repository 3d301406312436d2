#!/usr/bin/env python3
"""Hand-picked mutation testing: does the suite notice when the code is wrong?

Each mutation in the list (tools/mutations.json by default) replaces one exact piece of source text. The tool
copies the tree to a scratch directory (never touching the checkout), builds it once, then for each mutation:
applies it, rebuilds only the targets the mutation names, runs only the ctest entries its regex selects, and
restores the file. A mutation is
  killed    when a selected entry fails (or crashes, or times out);
  survived  when all of them pass: the tests do not look at what the mutation broke;
  no build  when the mutated tree does not compile (a bad mutation, not a kill);
  error     when the original text does not occur exactly once, or the regex selects no entry, or the
            selected entries already fail without the mutation.
The build directory is kept between mutations and runs, so a rebuild recompiles only what a mutation touches.
A mutation that selects only tests of tcchat_tests is faster still: the tool compiles just the test sources that
hold the selected tests, links them into tests/tcchat_tests_subset, and runs each selected ctest entry's own
command line against that program (same arguments, working directory and timeout). Every source file of the
library is a header, so those tests see the mutated code exactly as the whole program would; when the selected
tests cannot be placed in their sources, or the subset does not link, the tool rebuilds tcchat_tests instead.
The result is a markdown table (stdout, or --report FILE). Exit status: 0 when every mutation is killed.

A mutation is a JSON object:
  {"id": "client-backoff-cap",             unique, short
   "file": "include/tcchat/client.hpp",    relative to the tree
   "original": "...",                      exact text; must occur exactly once in the file
   "replacement": "...",
   "tests": "backoff",                     ctest -R regex of the entries that should catch it
   "targets": ["tcchat_tests"],            optional; default ["tcchat_tests"]
   "description": "..."}

Not part of CI (one rebuild per mutation is slow); run it after changing tests or code:
  python3 tools/mutate.py [--jobs 2] [--only REGEX] [--report mutations.md]
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(path):
    mutations = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    ids = [m["id"] for m in mutations]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        sys.exit(f"duplicate mutation ids: {sorted(duplicates)}")
    for m in mutations:
        missing = {"id", "file", "original", "replacement", "tests", "description"} - m.keys()
        if missing:
            sys.exit(f"mutation {m.get('id')}: missing {sorted(missing)}")
        m.setdefault("targets", ["tcchat_tests"])
    return mutations


def occurrences_problem(tree, m):
    path = tree / m["file"]
    if not path.is_file():
        return f"no file {m['file']}"
    count = path.read_text(encoding="utf-8").count(m["original"])
    if count != 1:
        return f"the original text occurs {count} times in {m['file']} (must be exactly once)"
    if m["original"] == m["replacement"]:
        return "the replacement equals the original"
    return None


def sync_tree(source, destination):
    """Makes `destination` a copy of `source` (without build/ and .git), writing only the files whose content
    differs. A written file gets the current time, so the kept build directory recompiles what depends on it;
    copying modification times (rsync -a, shutil.copy2) would leave objects built from an earlier run's
    mutation looking newer than the restored source."""
    skip = {"build", ".git"}
    wanted = set()
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if relative.parts[0] in skip or not path.is_file():
            continue
        wanted.add(relative)
        target = destination / relative
        content = path.read_bytes()
        if not target.is_file() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            target.chmod(path.stat().st_mode)
    for path in destination.rglob("*"):
        relative = path.relative_to(destination)
        if path.is_file() and relative.parts[0] not in skip and relative not in wanted:
            path.unlink()


def run(command, log, timeout=None, cwd=None):
    """Runs `command`, appending its output to `log`; answers the exit status (-1 on timeout)."""
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(map(str, command))}\n")
        out.flush()
        try:
            return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd).returncode
        except subprocess.TimeoutExpired:
            out.write(f"timed out after {timeout} s\n")
            return -1


class test_subset:
    """tcchat_tests linked from only the objects that hold a mutation's selected tests (see the module text)."""
    program = "tests/tcchat_tests"
    object_dir = "tests/CMakeFiles/tcchat_tests.dir/"

    def __init__(self, tree, build):
        self.tree, self.build = tree, build
        query = subprocess.run(["ninja", "-t", "query", self.program], cwd=build, capture_output=True, text=True).stdout
        inputs = [line.strip() for line in query.splitlines()]
        self.objects = [o for o in inputs if o.startswith(self.object_dir) and o.endswith(".o")]
        commands = subprocess.run(["ninja", "-t", "commands", self.program], cwd=build, capture_output=True, text=True).stdout
        # The link is one of the last command's "&&" parts (the others are ':' and the test discovery).
        parts = commands.strip().splitlines()[-1].split(" && ") if commands.strip() else []
        links = [part for part in parts if f" -o {self.program}" in part]
        self.link = links[0] if len(links) == 1 else None

    def source_of(self, obj):
        return self.tree / "tests" / obj[len(self.object_dir):-len(".o")]

    def objects_for(self, entries):
        """The objects whose sources define the entries' tests, or None when an entry is not a tcchat_tests test
        or its name is not found in exactly one source."""
        if not self.link or not entries:
            return None
        wanted = set()
        texts = {o: self.source_of(o).read_text(encoding="utf-8") for o in self.objects if self.source_of(o).is_file()}
        for entry in entries:
            if not entry["command"] or pathlib.Path(entry["command"][0]).resolve() != (self.build / self.program).resolve():
                return None
            holders = [o for o, text in texts.items() if f'"{entry["name"]}"' in text]
            if len(holders) != 1:
                return None
            wanted.add(holders[0])
        return sorted(wanted)

    def build_and_run(self, objects, entries, jobs, timeout, log):
        """Builds the subset and runs the entries (stopping at the first failure); answers "no build",
        "killed", "timed out" or "survived", or None when the subset does not link (then rebuild in full)."""
        if run(["ninja", "-j", str(jobs), *objects], log, cwd=self.build) != 0:
            return "no build"
        kept = [o for o in self.objects if o not in objects]
        link = " ".join(word for word in self.link.split(" ") if word not in kept)
        link = link.replace(f" -o {self.program}", f" -o {self.program}_subset")
        if run(["bash", "-c", link], log, cwd=self.build) != 0:
            return None
        for entry in entries:
            command = [str(self.build / f"{self.program}_subset"), *entry["command"][1:]]
            status = run(command, log, timeout, cwd=entry["cwd"])
            if status == -1:
                return "timed out"
            if status != 0:
                return "killed"
        return "survived"


def selected_entries(build, regex):
    """The ctest entries that `regex` selects: name, command line and working directory."""
    listed = subprocess.run(["ctest", "--show-only=json-v1", "-R", regex], cwd=build, capture_output=True, text=True)
    entries = []
    for test in json.loads(listed.stdout or "{}").get("tests", []):
        properties = {p["name"]: p["value"] for p in test.get("properties", [])}
        entries.append({"name": test["name"], "command": test.get("command", []),
                        "cwd": properties.get("WORKING_DIRECTORY", str(build))})
    return entries


def selected_count(build, regex):
    listed = subprocess.run(["ctest", "-N", "-R", regex], cwd=build, capture_output=True, text=True)
    found = re.search(r"Total Tests: (\d+)", listed.stdout)
    return int(found.group(1)) if found else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", default=str(ROOT / "tools" / "mutations.json"))
    parser.add_argument("--work", default="/tmp/tcchat-mutate", help="scratch tree and build directory")
    parser.add_argument("--jobs", type=int, default=1, help="build and ctest parallelism")
    parser.add_argument("--only", default="", help="run only the mutations whose id matches this regex")
    parser.add_argument("--compiler", default="g++")
    parser.add_argument("--test-timeout", type=int, default=300, help="seconds per ctest run")
    parser.add_argument("--report", help="write the markdown table here as well")
    args = parser.parse_args()

    mutations = [m for m in load(args.list) if re.search(args.only, m["id"])]
    work = pathlib.Path(args.work)
    tree, build, log = work / "src", work / "build", work / "mutate.log"
    work.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    print(f"{len(mutations)} mutations; log: {log}", file=sys.stderr)

    sync_tree(ROOT, tree)
    results = {}
    for m in mutations:
        problem = occurrences_problem(tree, m)
        if problem:
            results[m["id"]] = ("error", problem, 0.0)

    if not (build / "build.ninja").exists():
        # Debug without debug information: the same code, compiled and linked faster.
        status = run(["cmake", "-S", tree, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Debug",
                      "-DCMAKE_CXX_FLAGS_DEBUG=-g0", f"-DCMAKE_CXX_COMPILER={args.compiler}",
                      "-DTCCHAT_BUILD_EXAMPLES=OFF", "-DTCCHAT_UNITY_TESTS=OFF"], log)
        if status != 0:
            sys.exit(f"configuring {build} failed; see {log}")
    pending = [m for m in mutations if m["id"] not in results]
    targets = sorted({t for m in pending for t in m["targets"]})
    if targets and run(["cmake", "--build", build, "-j", str(args.jobs), "--target", *targets], log) != 0:
        sys.exit(f"the unmutated tree does not build; see {log}")

    baseline = {}
    for m in pending:
        regex = m["tests"]
        if regex not in baseline:
            if selected_count(build, regex) == 0:
                baseline[regex] = "the regex selects no ctest entry"
            elif run(["ctest", "-R", regex, "-j", str(args.jobs)], log, args.test_timeout, cwd=build) != 0:
                baseline[regex] = "the selected entries fail without the mutation"
            else:
                baseline[regex] = None
        if baseline[regex]:
            results[m["id"]] = ("error", baseline[regex], 0.0)

    subset = test_subset(tree, build)
    # Grouped by file: consecutive mutations of one file rebuild the same objects.
    for m in sorted((m for m in mutations if m["id"] not in results), key=lambda m: m["file"]):
        path = tree / m["file"]
        original = path.read_text(encoding="utf-8")
        started = time.monotonic()
        print(f"mutation {m['id']} ...", file=sys.stderr, flush=True)
        try:
            path.write_text(original.replace(m["original"], m["replacement"], 1), encoding="utf-8")
            entries = selected_entries(build, m["tests"]) if m["targets"] == ["tcchat_tests"] else []
            objects = subset.objects_for(entries)
            verdict = subset.build_and_run(objects, entries, args.jobs, args.test_timeout, log) if objects else None
            if verdict is not None:
                outcome = {"no build": ("no build", "the mutated tree does not compile"), "killed": ("killed", ""),
                           "timed out": ("killed", "timed out"), "survived": ("survived", "")}[verdict]
            elif run(["cmake", "--build", build, "-j", str(args.jobs), "--target", *m["targets"]], log) != 0:
                outcome = ("no build", "the mutated tree does not compile")
            else:
                status = run(["ctest", "-R", m["tests"], "-j", str(args.jobs), "--stop-on-failure"], log,
                             args.test_timeout, cwd=build)
                outcome = ("survived", "") if status == 0 else ("killed", "timed out" if status == -1 else "")
        finally:
            path.write_text(original, encoding="utf-8")
        results[m["id"]] = (*outcome, time.monotonic() - started)
        print(f"  {outcome[0]} ({results[m['id']][2]:.0f} s)", file=sys.stderr, flush=True)

    lines = ["| # | mutation | file | ctest -R | result | s |", "|---|---|---|---|---|---|"]
    for number, m in enumerate(mutations, 1):
        verdict, note, seconds = results[m["id"]]
        shown = f"**{verdict}**" if verdict != "killed" else verdict
        if note:
            shown += f" ({note})"
        lines.append(f"| {number} | `{m['id']}`: {m['description']} | {m['file']} | `{m['tests']}` | {shown} | {seconds:.0f} |")
    counts = {v: sum(1 for r in results.values() if r[0] == v) for v in ("killed", "survived", "no build", "error")}
    lines.append("")
    lines.append(", ".join(f"{n} {v}" for v, n in counts.items()) + f" of {len(mutations)}")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.report:
        pathlib.Path(args.report).write_text(table, encoding="utf-8")
    return 0 if counts["killed"] == len(mutations) else 1


if __name__ == "__main__":
    sys.exit(main())
