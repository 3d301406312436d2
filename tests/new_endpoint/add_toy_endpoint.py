#!/usr/bin/env python3
"""Adds a toy ninth endpoint to a scratch copy of the tree, exactly as docs/architecture.md's "Adding a ninth
endpoint" says, then builds and runs the unit suite there.

It fails when
- the doc stops naming a file this script must edit (the doc and the edits are read side by side: every file
  written here must be one the doc's list names, by path or by folder), or the edits take more than four places
  (the header, the emulator's handler, the samples, docs/protocol.md);
- the generator the doc names (it writes the endpoint list, include/tcchat/api/all.hpp) fails;
- the edits do not compile: a place the doc does not name would have been needed (a list to extend, a count);
- the unit suite fails with nine endpoints: a test hard-codes eight, or a trait the doc does not mention is missing.

The toy endpoint, `toy_echo`, is small on purpose: a read with one rule-checked string, answered by the
emulator with that string back. Nothing of it reaches the checkout.

usage: add_toy_endpoint.py SOURCE_DIR WORK_DIR [CMAKE_ARG...]
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

# The goal for a new endpoint (issue 30): its api header, its emulator handler, its samples, docs/protocol.md.
MOST_PLACES = 4
SAMPLES = "tests/fixtures/samples/"

TOY_HEADER = """#pragma once
// A toy endpoint (tests/new_endpoint): what a ninth endpoint's header holds.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <array>

TCCHAT_NAMESPACE_BEGIN

struct toy_echo_request {
    std::string From_Account;
    std::string Note;
};
BOOST_DESCRIBE_STRUCT(toy_echo_request, (), (From_Account, Note))

struct toy_echo_response : response_envelope {
    std::optional<std::string> Note;
};
BOOST_DESCRIBE_STRUCT(toy_echo_response, (response_envelope), (Note))

namespace api {
struct toy_echo {
    static constexpr std::string_view command = "toy_echo";
    static constexpr std::array<int, 2> listed_service_codes{50001, 50002};
    using request = toy_echo_request;
    using response = toy_echo_response;
    static constexpr bool is_read = true;
    static constexpr auto request_rules =
        rules::list(rules::non_empty<&request::From_Account>("from_account.non_empty"),
                    rules::max_bytes<&request::Note>(16, code::invalid_parameters, "note.max_bytes"));
    static constexpr bool may_add_state = false;
    static constexpr bool needs_group_edition = false;
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::toy_echo)

TCCHAT_NAMESPACE_END
"""

TOY_HANDLER = """    // toy_echo (tests/new_endpoint): the note back.
    outcome<toy_echo_response> run(const toy_echo_request& request) {
        outcome<toy_echo_response> out;
        out.response.Note = request.Note;
        return out;
    }

"""

TOY_REQUEST = '{"From_Account":"user1","Note":"hello"}\n'
TOY_RESPONSE = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"Note":"hello"}\n'

TOY_PROTOCOL = """
## Toy: v4/recentcontact/toy_echo

Added by tests/new_endpoint/add_toy_endpoint.py in a scratch copy only: `Note`, at most 16 bytes, comes back.
"""


def adding_steps(doc):
    """The numbered list under "Adding a ninth endpoint"."""
    section = re.search(r"## Adding a ninth endpoint\n\n(1\. .*?)\n\n", doc, re.S)
    if not section:
        sys.exit("FAIL docs/architecture.md has no 'Adding a ninth endpoint' section")
    return section.group(1)


def named_files(doc):
    """The paths the steps name in backticks: the only files the toy endpoint may write by hand."""
    return {path.replace("<command>", "toy_echo") for path in re.findall(r"`((?:include|tests|docs)/[^`]+)`", adding_steps(doc))}


def named_generator(doc):
    """The script the steps say to run, which writes the generated endpoint list (and single_include/)."""
    commands = re.findall(r"`python3 (tools/\w+\.py)`", adding_steps(doc))
    if len(commands) != 1:
        sys.exit(f"FAIL the doc's steps name {len(commands)} generator commands (`python3 tools/....py`), not one")
    return commands[0]


def edit(root, relative, old, new, written):
    path = root / relative
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        sys.exit(f"FAIL {relative}: the text to extend is not there once: {old!r}")
    path.write_text(text.replace(old, new), encoding="utf-8")
    written.add(relative)


def create(root, relative, text, written):
    (root / relative).write_text(text, encoding="utf-8")
    written.add(relative)


def copy_tree(source, work):
    if work.exists():
        shutil.rmtree(work)
    listed = subprocess.run(["git", "-C", str(source), "ls-files", "--cached", "--others", "--exclude-standard"], capture_output=True, text=True)
    files = listed.stdout.split() if listed.returncode == 0 else None
    if files is None:  # not a checkout: everything but build output
        files = [str(p.relative_to(source)) for p in source.rglob("*") if p.is_file() and "build" not in p.parts]
    for name in files:
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_file():
            shutil.copy2(source / name, target)


def main():
    source, work, cmake_args = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve(), sys.argv[3:]
    tree = work / "tree"
    copy_tree(source, tree)
    doc = (tree / "docs/architecture.md").read_text(encoding="utf-8")
    named = named_files(doc)
    print("the doc names: " + ", ".join(sorted(named)))

    written = set()
    create(tree, "include/tcchat/api/toy_echo.hpp", TOY_HEADER, written)
    edit(tree, "include/tcchat/emulator/store.hpp", "    outcome<delete_response> run(const delete_request& request) {",
         TOY_HANDLER + "    outcome<delete_response> run(const delete_request& request) {", written)
    create(tree, "tests/fixtures/samples/toy_echo.request.json", TOY_REQUEST, written)
    create(tree, "tests/fixtures/samples/toy_echo.response.json", TOY_RESPONSE, written)
    create(tree, "docs/protocol.md", (tree / "docs/protocol.md").read_text(encoding="utf-8") + TOY_PROTOCOL, written)

    unnamed = sorted(f for f in written if f not in named and not any(f.startswith(d) for d in named if d.endswith("/")))
    if unnamed:
        sys.exit(f"FAIL the toy endpoint edits files the doc does not name: {unnamed}")
    places = {f if not f.startswith(SAMPLES) else SAMPLES for f in written}
    if len(places) > MOST_PLACES:
        sys.exit(f"FAIL a new endpoint takes {len(places)} places, more than {MOST_PLACES}: {sorted(places)}")
    print(f"the toy endpoint writes {len(written)} files in {len(places)} places: " + ", ".join(sorted(written)))
    generator = named_generator(doc)
    if subprocess.run([sys.executable, str(tree / generator)], cwd=tree).returncode != 0:
        sys.exit(f"FAIL {generator}, which the doc says to run, fails with the toy endpoint added")
    if "X(toy_echo)" not in (tree / "include/tcchat/api/all.hpp").read_text(encoding="utf-8"):
        sys.exit(f"FAIL {generator} did not add the toy endpoint to the endpoint list, include/tcchat/api/all.hpp")

    build = work / "build"
    configure = ["cmake", "-S", str(tree), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Debug",
                 "-DTCCHAT_BUILD_TOOLS=OFF", "-DTCCHAT_BUILD_EXAMPLES=OFF", "-DTCCHAT_HEADER_CHECK=OFF",
                 "-DTCCHAT_UNITY_TESTS=ON", "-DTCCHAT_DOCUMENTATION_TESTS=OFF", *cmake_args]
    jobs = os.environ.get("TCCHAT_TOY_BUILD_JOBS", str(os.cpu_count() or 2))
    for step in (configure, ["cmake", "--build", str(build), "-j", jobs, "--target", "tcchat_tests"]):
        if subprocess.run(step, stdout=subprocess.DEVNULL).returncode != 0:
            sys.exit(f"FAIL with the toy endpoint added as the doc says, this step fails: {' '.join(step)}")
    ran = subprocess.run([str(build / "tests/tcchat_tests")], cwd=build / "tests")
    if ran.returncode != 0:
        sys.exit("FAIL the unit suite fails with the toy endpoint added")
    print("the unit suite passes with nine endpoints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
