#!/usr/bin/env python3
"""tools/endpoint_list.py, the generator of include/tcchat/api/all.hpp: the checked-in list is current, a new
header is appended whatever its name (no endpoint's index moves), a removed one leaves, and a header that does
not bind exactly one tag is refused by name.

usage: test_endpoint_list.py SOURCE_DIR
"""
import pathlib
import re
import shutil
import sys
import tempfile

SOURCE = pathlib.Path(sys.argv[1]).resolve()
sys.path.insert(0, str(SOURCE / "tools"))
import endpoint_list  # noqa: E402

failures = []


def expect(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def listed(text):
    return re.findall(r"^    X\((\w+)\)", text, re.M), re.findall(r"^#include <tcchat/api/(\w+)\.hpp>", text, re.M)


def header(tag):
    return f"#pragma once\nnamespace api {{ struct {tag} {{}}; }}\nTCCHAT_BIND_ENDPOINT(api::{tag})\n"


checked_in = (SOURCE / "include/tcchat/api/all.hpp").read_text(encoding="utf-8")
expect(checked_in == endpoint_list.generated_text(), "the checked-in api/all.hpp is what the generator writes")
tags, includes = listed(checked_in)
expect(tags == ["get_list", "delete_conversation", "create_contact_group", "del_contact_group", "update_contact_group",
                "search_contact_group", "get_contact_group", "mark_contact"],
       "the eight endpoints keep the order of docs/protocol.md, which their fuzz selector indices and the OpenAPI paths follow")
expect(includes[1] == "delete" and len(includes) == 8, "each listed tag's header is included, delete.hpp for delete_conversation")

with tempfile.TemporaryDirectory() as scratch:
    api = pathlib.Path(scratch)
    for path in (SOURCE / "include/tcchat/api").glob("*.hpp"):
        shutil.copy(path, api / path.name)
    (api / "aaa_first_by_name.hpp").write_text(header("aaa_first_by_name"), encoding="utf-8")
    (api / "zzz_last_by_name.hpp").write_text(header("zzz_last_by_name"), encoding="utf-8")
    (api / "delete.hpp").unlink()
    endpoint_list.write(api)
    new_tags, new_includes = listed((api / "all.hpp").read_text(encoding="utf-8"))
    expect(new_tags == [t for t in tags if t != "delete_conversation"] + ["aaa_first_by_name", "zzz_last_by_name"],
           "new headers are appended in name order after the kept ones, and a removed header's tag leaves: " + " ".join(new_tags))
    expect(new_includes[-2:] == ["aaa_first_by_name", "zzz_last_by_name"] and "delete" not in new_includes,
           "the includes follow the same order")
    endpoint_list.write(api)
    expect(listed((api / "all.hpp").read_text(encoding="utf-8"))[0] == new_tags, "writing twice changes nothing")

    (api / "unbound.hpp").write_text("#pragma once\n// a comment is not a binding: TCCHAT_BIND_ENDPOINT(api::in_a_comment)\n", encoding="utf-8")
    try:
        endpoint_list.write(api)
        refusal = ""
    except SystemExit as refused:  # the script's way to stop with a message
        refusal = str(refused.code)
    expect("include/tcchat/api/unbound.hpp" in refusal and "found 0" in refusal,
           "a header in api/ without its own TCCHAT_BIND_ENDPOINT line is refused by name: " + refusal)

sys.exit(1 if failures else 0)
