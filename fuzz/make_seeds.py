#!/usr/bin/env python3
"""Writes the named seed inputs of fuzz/corpus/<harness>/ (files called seed-*).

    python3 fuzz/make_seeds.py --tcchat build/dev/tools/tcchat

The endpoints and their numbering come from `tcchat endpoints` (tcchat::all_endpoints, in its order), so the
CLI of the same tree must be built first.

Seeds are every documented sample (tests/fixtures/samples) plus hostile variants of them: huge and negative
numbers, bad UTF-8, escaped lone surrogates, NUL, duplicate keys, a BOM, deep nesting, truncation. For the
harnesses that read a selector byte first, each seed starts with the byte that selects its own type. Files merged
from campaigns (hash names, see trim_corpus.py) are left alone; stale seed-* files are replaced.
"""

import argparse
import json
import pathlib
import re
import subprocess

FUZZ_DIR = pathlib.Path(__file__).resolve().parent
REPO_DIR = FUZZ_DIR.parent
SAMPLES_DIR = REPO_DIR / "tests" / "fixtures" / "samples"
MAX_SEED_BYTES = 4096  # run.sh passes -max_len=4096; a longer seed would be cut


# fuzz/harness_support.hpp: the endpoint's index in the low bits of a selector byte, each harness's flags above.
ENDPOINT_BITS = 4
FIRST_FLAG = 1 << ENDPOINT_BITS
SELECTOR = {}  # command -> its index in tcchat::all_endpoints, from `tcchat endpoints` (filled by main)
REQUEST_BIT = FIRST_FLAG  # dom_parse_limits: the request type instead of the response


def endpoint_selectors(tcchat):
    """command -> index in tcchat::all_endpoints, as `tcchat endpoints` lists them: the numbering has one source."""
    listed = json.loads(subprocess.run([tcchat, "endpoints"], check=True, capture_output=True, text=True).stdout)
    assert len(listed) <= 1 << ENDPOINT_BITS, "more endpoints than the selector's endpoint bits hold"
    return {entry["command"]: index for index, entry in enumerate(listed)}


def replaced(text, old, new):
    """`text` with its only occurrence of `old` replaced; a typo here must not silently produce a copy."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def samples():
    """(file name, command, "request"/"response", bytes) of every documented sample."""
    for path in sorted(SAMPLES_DIR.glob("*.json")):
        command, kind = path.name.split(".")[:2]
        yield path.name, command, kind, path.read_bytes()


def sample(name):
    return (SAMPLES_DIR / name).read_text()


BAD_UTF8 = {
    "invalid-byte-ff": b"\xff",
    "overlong-slash": b"\xc0\xaf",
    "encoded-surrogate": b"\xed\xa0\x80",
    "above-10ffff": b"\xf4\x90\x80\x80",
    "cut-sequence": b"\xe2\x82",
}
ESCAPES = {
    "lone-high-surrogate": r"\ud800",
    "lone-low-surrogate": r"\udc00",
    "high-then-letter": r"\ud800\u0041",
    "surrogate-pair": r"\ud83d\ude00",
    "escaped-nul": r"a\u0000b",
}
NUMBERS = {
    "2pow64": "18446744073709551616",
    "2pow64-minus-1": "18446744073709551615",
    "2pow63": "9223372036854775808",
    "minus-2pow63-minus-1": "-9223372036854775809",
    "minus-one": "-1",
    "1e400": "1e400",
    "minus-1e400": "-1e400",
    "fraction": "1.5",
    "exponent": "1E2",
    "minus-zero": "-0",
    "400-digits": "9" * 400,
}
TYPE_STRINGS = ["1", " 1", "1 ", "+1", "-1", "0x1", "1.0", "", "99999999999"]


def hostile(kind):
    """(name, command, bytes) of hostile bodies for the request or the response types."""
    if kind == "response":
        numbers_in = ("del_contact_group.response.json", '"GroupId": 2', '"GroupId": {}')
        text_in = ("delete.response.json", '"ErrorInfo": ""', '"ErrorInfo": "{}"')
        type_in = ("mark_contact.response.json", '"Type": 1', '"Type": {}')
        mark_in = ("get_contact_group.response.json", '"CustomMark": "abcd"', '"CustomMark": "abcd","StandardMark": "{}"')
        duplicate = ("delete.response.json", '"ErrorCode": 0', '"ErrorCode": "x", "ErrorCode": 0, "ErrorCode": 7')
        array_in = ("get_list.response.newer.json", '"ContactGroupId": [1]', '"ContactGroupId": {}')
    else:
        numbers_in = ("get_list.request.newer.json", '"TimeStamp": 0', '"TimeStamp": {}')
        text_in = ("mark_contact.request.json", '"CustomMark": "abcd"', '"CustomMark": "{}"')
        type_in = ("search_contact_group.request.json", '"Type":1', '"Type":{}')
        mark_in = ("mark_contact.request.json", '"SetMark": [1,2,3]', '"SetMark": {}')
        duplicate = ("delete.request.c2c.json", '"Type":1', '"Type":2,"Type":"x","Type":1')
        array_in = ("del_contact_group.request.newer.json", '["group_0001"]', '{}')

    def variant(where, value, as_bytes=False):
        file, old, new = where
        command = file.split(".")[0]
        text = replaced(sample(file), old, new.replace("{}", "\0"))
        if as_bytes:
            before, after = text.split("\0")
            return command, before.encode() + value + after.encode()
        return command, text.replace("\0", value).encode()

    for name, value in NUMBERS.items():
        yield ("number-" + name, *variant(numbers_in, value))
    for name, value in BAD_UTF8.items():
        yield ("utf8-" + name, *variant(text_in, value, as_bytes=True))
    for name, value in ESCAPES.items():
        yield ("escape-" + name, *variant(text_in, value))
    yield ("raw-nul-in-string", *variant(text_in, b"a\0b", as_bytes=True))
    for index, value in enumerate(TYPE_STRINGS):
        yield (f"type-string-{index}", *variant(type_in, '"' + value + '"'))
    yield ("type-unknown-value", *variant(type_in, "7"))
    if kind == "response":
        for name, value in {"65-bits": "1" * 65, "64-bits": "1" * 64, "leading-zeros": "0" * 70 + "1",
                            "not-binary": "102", "empty": ""}.items():
            yield ("standard-mark-" + name, *variant(mark_in, value))
    else:
        yield ("set-mark-out-of-range", *variant(mark_in, "[64,-1,63,0]"))
        yield ("group-name-33-bytes", "create_contact_group",
               replaced(sample("create_contact_group.request.json"), '"test0"', '"' + "g" * 33 + '"').encode())
        yield ("new-group-name-65-bytes", "update_contact_group",
               replaced(sample("update_contact_group.request.rename.json"), '"group_0002"', '"' + "n" * 65 + '"').encode())
        yield ("contact-items-empty", "create_contact_group",
               replaced(sample("create_contact_group.request.json"), '"ContactItem": [', '"ContactItem": [],"x":[').encode())
    yield ("duplicate-keys", *variant(duplicate, ""))
    yield ("array-of-20", *variant(array_in, "[" + ",".join(["1"] * 20) + "]"))
    yield ("array-nested-40", *variant(array_in, "[" * 40 + "]" * 40))
    yield ("unknown-key-holding-1e400-and-nesting", *variant(numbers_in, '0,"Extra":[1e400,' + "[" * 20 + "]" * 20 + "]"))


def generic_bodies():
    """Bodies that are hostile whatever type they are decoded as."""
    return {
        "empty": b"",
        "whitespace": b" \t\r\n ",
        "null": b"null",
        "array": b"[]",
        "number": b"12",
        "string": b'"x"',
        "empty-object": b"{}",
        "bom-empty-object": b"\xef\xbb\xbf{}",
        "nul-outside-string": b"{\0}",
        "nesting-bomb-arrays": b"[" * 3000,
        "nesting-bomb-objects": b'{"a":' * 600,
        "trailing-garbage": b'{"ActionStatus":"OK"} x',
    }


def body_seeds(kind, with_generic=True):
    """(name, command, body) for one direction: samples, BOM-prefixed and truncated samples, hostile bodies."""
    for file, command, sample_kind, text in samples():
        if sample_kind != kind:
            continue
        yield "sample-" + file, command, text
        body = text.rstrip()
        yield "truncated-half-" + file, command, body[: len(body) // 2]
        if with_generic:
            yield "truncated-last-byte-" + file, command, body[:-1]
        if file.endswith((".c2c.json", "newer.json")):
            yield "bom-" + file, command, b"\xef\xbb\xbf" + text
    for name, command, body in hostile(kind):
        yield f"{name}-{command}.{kind}", command, body
    if not with_generic:
        return
    first = next(iter(SELECTOR))
    for name, body in generic_bodies().items():
        yield f"{name}.{kind}", first, body


def selector_seeds(kinds, request_bit):
    """Seeds for the selector harnesses; with both directions the generic bodies and the second truncation of
    each sample are written once, keeping the corpus under 200 files."""
    for kind in kinds:
        for name, command, body in body_seeds(kind, with_generic=kind == kinds[-1] or len(kinds) == 1):
            selector = SELECTOR[command] | (request_bit if kind == "request" else 0)
            yield name, bytes([selector]) + body


def standard_mark_seeds():
    marks = {
        "empty": "", "zero": "0", "one": "1", "spec-11111110": "11111110", "spec-011111110": "011111110",
        "spec-111001": "111001", "live-35-chars": "1" + "0" * 34, "64-ones": "1" * 64, "bit-63": "1" + "0" * 63,
        "65-ones": "1" * 65, "zeros-then-64-ones": "0" * 100 + "1" * 64, "digit-two": "12", "space": " 1",
        "trailing-space": "1 ", "minus": "-1", "plus": "+1", "prefix": "0b1", "nul": "1\0",
    }
    return {"seed-" + name: text.encode() for name, text in marks.items()}


# docs/protocol.md §5.2: the public sample app's vectors, as UserSigs and as the JSON documents inside them.
USERSIGS = {
    "python-v1": "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__",
    "cpp-v1": "eAGrVgrxCdYrSy1SslIy0jNQ0gHzi1OyEwsKMlOUrAxNDKAAIpOZkppXkpmWCdZQkZmYn1WaB9VUkpmbCtRgjqohtaIgswgkbmpqagSUglqQmQ600KfM0TxF37PcPD24OK84uyysysklwN-Z2SWp1M*53MTdozzE2SAps0DbycRWqRYAcDcx8g__",
    "go-v1": "eAEBrABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNzAwMDAwMDAwLCJUTFMuc2lnIjoiTHZBN2QvSXc3Z1NzbnNrdlZ6QkRQT0NDRGJ1TkN3NEdId1RDMGJpcCtCND0ifQrfwzH8",
}


def usersig_document(identifier="xiaojun", time="1700000000", expire="15552000", sdkappid="1400000000",
                     sig="LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="):
    return (f'{{"TLS.ver":"2.0","TLS.sdkappid":{sdkappid},"TLS.identifier":"{identifier}","TLS.time":{time},'
            f'"TLS.expire":{expire},"TLS.sig":"{sig}"}}')


def usersig_seeds():
    seeds = {"seed-usersig-" + name: text.encode() for name, text in USERSIGS.items()}
    seeds["seed-usersig-truncated"] = USERSIGS["python-v1"][:60].encode()
    seeds["seed-usersig-bad-alphabet"] = b"eJy!!!!"
    seeds["seed-empty"] = b""
    documents = {
        "v1": usersig_document(),
        "admin": usersig_document("admin", "1600000000", "86400", sig="B0EiGEtv8jlwtFr54eCo5sR1MRR0HRBlR9ykTMYskM8="),
        "user_0001": usersig_document("user_0001", "1234567890", "604800",
                                      sig="BsqImiWSTlenujitQAfinSjSvM5kiDlzzzKZx5aF/gc="),
        "expiry-overflow": usersig_document(time="9223372036854775807", expire="9223372036854775807"),
        "negative-expire": usersig_document(expire="-1"),
        "sdkappid-over-uint32": usersig_document(sdkappid="4294967296"),
        "identifier-with-nul": usersig_document(identifier=r"xiao\u0000jun"),
        "sig-not-base64": usersig_document(sig="***"),
    }
    seeds.update({"seed-document-" + name: text.encode() for name, text in documents.items()})
    seeds["seed-document-bom"] = b"\xef\xbb\xbf" + documents["v1"].encode()
    return seeds


# url_query: the call header of fuzz/url_query.cpp (sdkappid and random little-endian, flags, the base URL's byte
# (% 11), two lengths).
CUSTOM_COMMAND = FIRST_FLAG  # the command is read from the input


def url_call(identifier, usersig, command=None, endpoint=0, base=0, sdkappid=1400000000, random=99999999):
    assert endpoint < FIRST_FLAG
    flags = endpoint | (CUSTOM_COMMAND if command is not None else 0)
    command = command or b""
    assert len(identifier) < 256 and len(command) < 256
    return (sdkappid.to_bytes(4, "little") + random.to_bytes(4, "little") +
            bytes([flags, base, len(identifier), len(command)]) + identifier + command + usersig)


def url_query_seeds():
    """Every endpoint with the protocol.md §1.1 example values and the §5.2 UserSigs, awkward bytes in every field, and
    request targets for parse_request_target and redact_usersig alone."""
    usersigs = [text.encode() for text in USERSIGS.values()]
    seeds = {}
    for command, endpoint in SELECTOR.items():
        seeds[f"seed-{command}"] = url_call(b"administrator", usersigs[endpoint % 3], endpoint=endpoint, base=endpoint)
    awkward = {
        "reserved-bytes": b"a&b=c?d#e/f%g+h i",
        "utf8": "管理员".encode(),
        "bad-utf8-and-nul": b"\xff\xc0\xaf\0x",
        "percent-escapes": b"%41%2",
        "usersig-key": b"&usersig=leak",
        "empty": b"",
    }
    for name, text in awkward.items():
        seeds[f"seed-identifier-{name}"] = url_call(text, usersigs[0], endpoint=1, base=8)
        seeds[f"seed-usersig-{name}"] = url_call(b"admin", text, endpoint=2, base=9)
        seeds[f"seed-command-{name}"] = url_call(b"admin", usersigs[1], command=text, base=10)
    seeds["seed-usersig-redacted"] = url_call(b"REDACTED", b"REDACTED", endpoint=3)
    seeds["seed-usersig-one-byte-in-domain"] = url_call(b"admin", b"m", endpoint=4)
    seeds["seed-numbers-max"] = url_call(b"admin", b"sig", endpoint=5, sdkappid=2**32 - 1, random=2**32 - 1)
    seeds["seed-numbers-zero"] = url_call(b"", b"", endpoint=6, sdkappid=0, random=0)
    targets = {
        "two-usersigs": "/v4/recentcontact/get_list?usersig=a&x=1&usersig=b",
        "usersig-not-a-key": "/v4/recentcontact/get_list?myusersig=a&xusersig=&usersig",
        "encoded-key": "/v4/recentcontact/get_list?user%73ig=secret",
        "bad-escape": "/v4/%zz?sdkappid=1",
        "cut-escape": "/v4/recentcontact/get_list?identifier=%4",
        "scheme-in-query": "/v4/recentcontact/get_list?next=https://host/x&usersig=s",
        "no-path": "https://console.tim.qq.com",
        "empty-pairs": "?&&=&a=&=b",
    }
    seeds.update({"seed-target-" + name: text.encode() for name, text in targets.items()})
    return seeds


# emulator_raw: calls separated as in fuzz/emulator_raw.cpp, each a flags byte (the endpoint; the first flag: a raw
# URL; the second: the second SDKAppID) and then the body, or the URL line and the body.
CALL_SEPARATOR = b"\n--\n"
RAW_URL = FIRST_FLAG
SECOND_APP = FIRST_FLAG << 1


def emulator_raw_seeds():
    """Each request sample as one call; a create, search, update, get, mark and delete sequence over one user;
    the same sequence in the second app; every URL-layer error (docs/protocol.md §1.6); hostile bodies."""
    seeds = {}
    for file, command, kind, text in samples():
        if kind == "request":
            seeds["seed-" + file] = bytes([SELECTOR[command]]) + text
    lifecycle = ["create_contact_group.request.json", "search_contact_group.request.json",
                 "update_contact_group.request.rename.json", "update_contact_group.request.conversations.json",
                 "get_contact_group.request.json", "mark_contact.request.json", "del_contact_group.request.json",
                 "get_list.request.json"]
    for name, app_bit in {"lifecycle": 0, "lifecycle-second-app": SECOND_APP}.items():
        calls = [bytes([SELECTOR[file.split(".")[0]] | app_bit]) + sample(file).encode() for file in lifecycle]
        seeds["seed-" + name] = CALL_SEPARATOR.join(calls)
    quota = [bytes([SELECTOR["create_contact_group"]]) +
             replaced(sample("create_contact_group.request.json"), '"test0"', f'"group{n}"').encode() for n in range(4)]
    seeds["seed-group-quota"] = CALL_SEPARATOR.join(quota)
    query = "sdkappid=1400000000&identifier=admin&usersig=sig&random=1&contenttype=json"
    urls = {
        "malformed-escape": "/v4/recentcontact/get_list?sdkappid=%zz",
        "unknown-service": "/v4/openim/sendmsg?" + query,
        "unknown-command": "/v4/recentcontact/get_lists?" + query,
        "no-sdkappid": "/v4/recentcontact/get_list?identifier=admin&usersig=sig",
        "sdkappid-over-uint32": "/v4/recentcontact/get_list?sdkappid=4294967296&identifier=admin&usersig=sig",
        "no-identifier": "/v4/recentcontact/get_list?sdkappid=1&usersig=sig",
        "empty-usersig": "/v4/recentcontact/get_list?sdkappid=1&identifier=admin&usersig=",
        "full-url-bad-random": "https://console.tim.qq.com/v4/recentcontact/delete?" + query.replace("random=1", "random=x"),
    }
    get_list = sample("get_list.request.json").encode()
    for name, url in urls.items():
        seeds["seed-url-" + name] = bytes([RAW_URL]) + url.encode() + b"\n" + get_list
    for name, body in generic_bodies().items():
        seeds["seed-body-" + name] = bytes([SELECTOR["mark_contact"]]) + body
    return seeds


def write_corpus(harness, seeds):
    directory = FUZZ_DIR / "corpus" / harness
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("seed-*"):
        stale.unlink()
    for name, data in seeds.items():
        assert len(data) <= MAX_SEED_BYTES, f"{harness}/{name} is {len(data)} bytes"
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name
        (directory / name).write_bytes(data)
    print(f"{harness}: {len(seeds)} seeds")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tcchat", required=True, help="the tcchat CLI of this tree (for `tcchat endpoints`)")
    SELECTOR.update(endpoint_selectors(parser.parse_args().tcchat))
    write_corpus("response_decode", {"seed-" + n: d for n, d in selector_seeds(["response"], 0)})
    write_corpus("request_roundtrip", {"seed-" + n: d for n, d in selector_seeds(["request"], 0)})
    write_corpus("dom_parse_limits", {"seed-" + n: d for n, d in selector_seeds(["request", "response"], REQUEST_BIT)})
    write_corpus("standard_mark", standard_mark_seeds())
    write_corpus("usersig_verify", usersig_seeds())
    write_corpus("url_query", url_query_seeds())
    write_corpus("emulator_raw", emulator_raw_seeds())


if __name__ == "__main__":
    main()
