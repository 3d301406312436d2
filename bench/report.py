#!/usr/bin/env python3
"""Runs the codec benchmarks once and reports ratios against the baselines and the targets in TARGETS below.

    bench/report.py --binary build/bench/tcchat_bench            # runs it, prints, writes bench/results.md
    bench/report.py --json results.json                          # reports an earlier --benchmark_format=json run

Ratios use CPU time (the machines are shared; wall time wanders with the neighbours' load).
"""
import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys

TARGETS = {
    "decode_vs_floor": 2.5,     # decode time <= 2.5 x tokenize-only
    "dom_vs_decode": 1.5,       # decode >= 1.5 x faster than DOM parse + our DOM decoder
    "nlohmann_vs_decode": 5.0,  # decode >= 5 x faster than nlohmann parse + mapping
    "dom_build_vs_encode": 1.5, # encode >= 1.5 x faster than DOM build + serialize
    "validate_vs_encode": 0.25, # validation <= 25 % of encoding, and no allocation when valid
    "client_overhead": 0.30,    # a client call <= 30 % above encode + decode of the same messages
    "alloc_excess": 16,         # allocations per decode <= one per string/vector + this constant
    "peak_ratio": 1.5,          # peak heap decoding a page <= 1.5 x (result + input)
}
PAGE = "get_contact_group.response:page1000"
LIMITS = {
    "client overhead": "what a call adds is a fixed cost of roughly 50-120 ns: the canned transport's copy of the "
                       "answer (about 15 ns, the transport column), validation (7-28 ns), the URL's random digits, "
                       "a coarse clock read for the deadline and the per-thread buffer bookkeeping. It weighs most "
                       "against the smallest message (delete: encode + decode is about 175 ns). The ratio rose when "
                       "the buffered encoder halved encode's time (delete's call went from 296 to 240 ns, while "
                       "encode + decode went from 240 to 175 ns); what a call adds, in nanoseconds, is under "
                       "\"Anchors\".",
    "decode <=": "the floor allocates nothing, while a decode into std::string/std::vector must allocate and "
                 "free the result (the \"result copy\" column: about a quarter of the page's decode time); "
                 "against tokenize + result copy the decode stays under 2.5 x. The rest is per-event dispatch: "
                 "each token reaches its member through its type's table of function pointers (an indirect call "
                 "to look a key up, another to store a scalar, a few for an array), the price of one "
                 "basic_parser serving every message (docs/design-decisions.md, section 3).",
    "validate <=": "validation is allocation-free and scans each string once (NUL and UTF-8 together, eight "
                   "ASCII bytes at a time), but every rule is a call carrying its rule id, field name and pointer "
                   "path, a fixed cost compared with an encode of only 25-110 ns; the ratio is highest on the "
                   "smallest requests. It was at most 0.14 until the buffered encoder took encode's time down 2-3 x "
                   "(mark_contact.request: 174 to 61 ns) while validation stayed at 7-28 ns.",
    ">= 5 x faster": "on the smallest bodies nlohmann's parse of a tiny object is cheap and our fixed per-decode "
                     "cost (parser and handler set-up) weighs more; on pages the ratio is 6-7 x.",
    "peak heap": "a single-pass decoder does not know an array's length: the page's items grow in a scratch "
                 "vector before moving into the member.",
    "allocations <=": "the scratch vector of a long array grows O(log n) times once per decode.",
}

# The anchors: (method, label) of the decoders and encoders measured beside tcchat, into the same structs.
DECODE_ANCHORS = [
    ("anchor_simdjson", "simdjson On-Demand", "simdjson"),
    ("anchor_rapidjson", "RapidJSON SAX", "RapidJSON"),
    ("anchor_rapidjson_utf8", "RapidJSON SAX, UTF-8 checked", "RapidJSON UTF-8"),
    ("anchor_serde", "serde_json `from_str`", "serde_json"),
]
ENCODE_ANCHORS = [
    ("anchor_serde_encode", "serde_json `to_string`", "serde_json"),
    ("anchor_rapidjson_encode", "RapidJSON Writer", "RapidJSON"),
]
PAGES = ["get_contact_group.response:page1000", "get_list.response:page1000"]
ANCHOR_TARGET = 0.95  # tcchat time <= 0.95 x the anchor's
# tcchat's allocations per decode and per encode before the anchors were added (bench/results.md of 2026-11-25, commit
# bf89695): the optimisation must not raise them.
ALLOCATIONS_BEFORE = {
    "decode": {"create_contact_group.request": 2, "create_contact_group.response": 2, "del_contact_group.request": 1,
               "del_contact_group.request.newer": 1, "del_contact_group.response": 1,
               "del_contact_group.response.newer": 1, "delete.request.c2c": 0, "delete.request.group": 0,
               "delete.response": 0, "get_contact_group.request": 0, "get_contact_group.response": 3,
               "get_contact_group.response.live": 7, "get_list.request": 0, "get_list.request.newer": 0,
               "get_list.response": 2, "get_list.response.newer": 4, "mark_contact.request": 2,
               "mark_contact.response": 1, "search_contact_group.request": 1, "search_contact_group.response": 4,
               "update_contact_group.request.conversations": 1, "update_contact_group.request.rename": 0,
               "update_contact_group.response.conversations": 1, "update_contact_group.response.rename": 0,
               "get_contact_group.response:page1000": 1858, "get_list.response:page1000": 1002,
               "search_contact_group.response:page300": 574},
    "encode": {"create_contact_group.request": 1, "create_contact_group.response": 1, "del_contact_group.request": 1,
               "del_contact_group.request.newer": 1, "del_contact_group.response": 1,
               "del_contact_group.response.newer": 1, "delete.request.c2c": 1, "delete.request.group": 1,
               "delete.response": 1, "get_contact_group.request": 1, "get_contact_group.response": 2,
               "get_contact_group.response.live": 3, "get_list.request": 1, "get_list.request.newer": 1,
               "get_list.response": 2, "get_list.response.newer": 2, "mark_contact.request": 1,
               "mark_contact.response": 1, "search_contact_group.request": 1, "search_contact_group.response": 2,
               "update_contact_group.request.conversations": 2, "update_contact_group.request.rename": 1,
               "update_contact_group.response.conversations": 2, "update_contact_group.response.rename": 1,
               "get_contact_group.response:page1000": 11, "get_list.response:page1000": 10,
               "search_contact_group.response:page300": 9},
}
# What a client call added to encode + decode before the anchors were added (bench/results.md of 2026-11-27, commit
# 9c574fd: worst mark_contact, 624 - 532 ns); "stays where it is" allows the column's run-to-run noise.
CLIENT_ADDED_BEFORE_NS = 92
CLIENT_ADDED_NOISE_NS = 15


def run(binary, min_time, bench_filter, repetitions):
    # Medians of several repetitions, interleaved at random across benchmarks: the machines are shared, and
    # one slow stretch should neither decide a ratio nor fall on only one side of it.
    # Every repetition is kept (not only the aggregates): the anchors' ratios report their spread.
    command = [binary, "--benchmark_format=json", "--benchmark_min_time=%s" % min_time,
               "--benchmark_repetitions=%d" % repetitions, "--benchmark_enable_random_interleaving=true"]
    if bench_filter:
        command.append("--benchmark_filter=%s" % bench_filter)
    print("running:", " ".join(command), file=sys.stderr)
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE)
    return json.loads(done.stdout)


def split_name(b):
    """(input, method) of a benchmark entry: "decode/<input>[/iterations:N][/repeats:N]"."""
    run_name = b.get("run_name") or b["name"]
    if b.get("run_type") == "aggregate" and "run_name" not in b:
        run_name = run_name[: -len("_" + b["aggregate_name"])]
    method, _, name = run_name.partition("/")
    return name.split("/iterations:")[0].split("/repeats:")[0], method


def index(results):
    """{input: {method: entry}}: the median aggregate when there are repetitions, else the single run."""
    table, medians = {}, set()
    for b in results["benchmarks"]:
        name, method = split_name(b)
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                table.setdefault(name, {})[method] = b
                medians.add((name, method))
        elif (name, method) not in medians:
            table.setdefault(name, {})[method] = b
    return table


def repetitions(results):
    """{(input, method): [CPU time of each repetition, ns]} (empty for a run saved with aggregates only)."""
    times = {}
    for b in results["benchmarks"]:
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        times.setdefault(split_name(b), []).append(cpu(b))
    return times


def cpu(entry):
    if entry is None or entry.get("error_occurred"):
        return None
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[entry.get("time_unit", "ns")]
    return entry["cpu_time"] * scale


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt(value, digits=2):
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if abs(value) >= 100:
        return "%.0f" % value
    return ("%." + str(digits) + "f") % value


def fmt_time(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.1f us" % (ns / 1e3)
    return "%.0f ns" % ns


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok):
    return "**met**" if ok else "**not met**"

def quantile(values, q):
    """Linear interpolation between the closest ranks (numpy's default)."""
    values = sorted(values)
    if not values:
        return None
    position = (len(values) - 1) * q
    low = int(math.floor(position))
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def ratio_spread(reps, numerator, denominator):
    """(low, high): numerator / denominator when both times move within their interquartile ranges."""
    a, b = reps.get(numerator, []), reps.get(denominator, [])
    if len(a) < 2 or len(b) < 2:
        return None
    return quantile(a, 0.25) / quantile(b, 0.75), quantile(a, 0.75) / quantile(b, 0.25)


def fmt_ratio(value, spread):
    if value is None:
        return "n/a"
    return fmt(value) if spread is None else "%s (%s-%s)" % (fmt(value), fmt(spread[0]), fmt(spread[1]))


def client_costs(table):
    """Per command that has both: the client call's time and the time of its encode + decode alone."""
    return {n: (cpu(m["client_call"]), cpu(m["encode_decode"])) for n, m in table.items()
            if "client_call" in m and "encode_decode" in m}


def anchors_report(results, table, names):
    """The "Anchors" section: tcchat beside simdjson, RapidJSON and serde_json, and the anchor targets."""
    reps = repetitions(results)
    context = results.get("context", {})
    out = ["\n## Anchors\n"]
    present = [a for a in context.get("anchors_present", "").split(",") if a]
    absent = [a for a in context.get("anchors_absent", "").split(",") if a]
    if not present and not absent:  # a run without the context keys: tell from the benchmarks run
        methods = {m for n in names for m in table[n]}
        present = [a for a, method in (("simdjson", "anchor_simdjson"), ("rapidjson", "anchor_rapidjson"),
                                       ("serde_json", "anchor_serde")) if method in methods]
    out.append("The fastest decoders and encoders a user would compare tcchat with, each mapping into tcchat's own "
               "structs (bench/anchor_*.hpp, bench/serde_anchor), measured interleaved in the same run. Before "
               "anything is timed, every anchor's result is checked against tcchat's: the same checksum over every "
               "member (bench/anchor_checksum.hpp) and the same bytes once encoded; a mismatch stops the run.\n")
    descriptions = {
        "simdjson": "- simdjson %s On-Demand (kernel `%s`, its translation unit built `-march=native`): one reused "
                    "parser, the input padded once outside the timed loop, fields in any order, unknown keys skipped, "
                    "missing required keys an error, `standard_mark::parse` for marks." % (
                        context.get("simdjson_version", "?"), context.get("simdjson_kernel", "?")),
        "rapidjson": "- RapidJSON %s SAX: one reused `Reader`, in-situ parsing of a copy of the body (the copy is "
                     "timed), a generic handler over Boost.Describe. It does not validate UTF-8 unless asked; the "
                     "\"UTF-8 checked\" column (pages only) adds `kParseValidateEncodingFlag`, the check the other "
                     "three always make. Encode: one reused `Writer` into a fresh `StringBuffer` (no copy into a "
                     "`std::string`)." % context.get("rapidjson_version", "?"),
        "serde_json": "- serde_json %s (Rust, Debian's crates, release + LTO, linked in as a static library): "
                      "`std::str::from_utf8` of the body + `serde_json::from_str`; `serde_json::to_string`. Rust's "
                      "`String` has no small-string buffer, so every non-empty string is an allocation." %
                      context.get("serde_json_version", "?"),
    }
    out += [descriptions[a] for a in present if a in descriptions]
    if absent:
        out.append("\n**Absent from this run** (package or tool not found when building): %s." % ", ".join(absent))
    out.append("\nRatios are medians of the repetitions: anchor / tcchat is the anchor's time over tcchat's (below 1: "
               "the anchor is faster), with in brackets its range when both times move within their interquartile "
               "ranges; tcchat / anchor is its inverse, the number the anchor targets are stated in (target: at most "
               "%.2f). Allocations per operation: tcchat / each anchor in column order.\n" % ANCHOR_TARGET)

    def section(kind, tcchat_method, anchors):
        used = [(m, label, short) for m, label, short in anchors if any(m in table[n] for n in names)]
        header = ["input", "tcchat " + kind]
        for _, label, short in used:
            header += [label + " / tcchat", "tcchat / " + short]
        header.append("allocations")
        rows, inverse = [], {m: {} for m, _, _ in used}
        sample_ratios = {m: [] for m, _, _ in used}
        for n in names:
            m = table[n]
            t = cpu(m.get(tcchat_method))
            if t is None or not any(a in m for a, _, _ in used):
                continue
            row = [n, fmt_time(t)]
            allocs = [fmt(m[tcchat_method].get("allocs"), 0)]
            for a, _, _ in used:
                r = ratio(cpu(m.get(a)), t)
                inverse[a][n] = ratio(t, cpu(m.get(a)))
                if r is not None and ":page" not in n:
                    sample_ratios[a].append(r)
                row += [fmt_ratio(r, ratio_spread(reps, (n, a), (n, tcchat_method))), fmt(inverse[a][n])]
                allocs.append(fmt(m[a].get("allocs"), 0) if a in m else "-")
            row.append(" / ".join(allocs))
            rows.append(row)
        summary = ["**samples: geomean (lowest-highest)**", ""]
        for a, _, _ in used:
            values = sample_ratios[a]
            g = geomean(values)
            summary += ["%s (%s-%s)" % (fmt(g), fmt(min(values)), fmt(max(values))) if values else "n/a",
                        fmt(1 / g) if g else "n/a"]
        summary.append("")
        rows.append(summary)
        return header, rows, inverse

    decode_rows = encode_rows = None
    if any(a in table[n] for n in names for a, _, _ in DECODE_ANCHORS):
        header, decode_rows, decode_inverse = section("decode", "decode", DECODE_ANCHORS)
        out.append("### Decode\n")
        out.append(markdown_table(header, decode_rows))
    if any(a in table[n] for n in names for a, _, _ in ENCODE_ANCHORS):
        header, encode_rows, encode_inverse = section("encode", "encode", ENCODE_ANCHORS)
        out.append("\n### Encode\n")
        out.append(markdown_table(header, encode_rows))
    if decode_rows is None and encode_rows is None:
        out.append("No anchor was built (see bench/CMakeLists.txt).")
        return out

    # --- the anchor targets ---
    def against(inverse, anchor, label, what):
        values = inverse.get(anchor, {})
        pages = {p: values.get(p) for p in PAGES}
        samples = {n: v for n, v in values.items() if ":page" not in n and v is not None}
        if not samples and all(v is None for v in pages.values()):
            return [what, "anchor absent", "n/a"]
        g = geomean(samples.values())
        worst = max(samples, key=samples.get) if samples else None
        measured = "; ".join("%s %s" % (p.split(".")[0] + " page", fmt(v)) for p, v in pages.items())
        measured += "; samples geomean %s (worst %s on %s)" % (fmt(g), fmt(samples.get(worst)), worst)
        ok = all(v is not None and v <= ANCHOR_TARGET for v in pages.values()) and g is not None and g <= ANCHOR_TARGET
        return [what, measured, verdict(ok)]

    rows = []
    if decode_rows is not None:
        rows.append(against(decode_inverse, "anchor_simdjson", "simdjson",
                            "decode <= %.2f x simdjson On-Demand (tcchat / simdjson)" % ANCHOR_TARGET))
    if encode_rows is not None:
        rows.append(against(encode_inverse, "anchor_serde_encode", "serde_json",
                            "encode <= %.2f x serde_json `to_string` (tcchat / serde_json)" % ANCHOR_TARGET))
    over = []
    for kind in ("decode", "encode"):
        for n, before in ALLOCATIONS_BEFORE[kind].items():
            now = table.get(n, {}).get(kind, {}).get("allocs")
            if now is not None and round(now) > before:
                over.append("%s %s: %d > %d" % (kind, n, round(now), before))
    pages_now = ", ".join("%s %s" % (p.split(".")[0], fmt(table.get(p, {}).get("decode", {}).get("allocs"), 0))
                          for p in PAGES)
    rows.append(["allocations no more than before the anchors were added (decode and encode, every input)",
                 "decode on the pages: %s (were %s); %s" % (
                     pages_now, ", ".join(str(ALLOCATIONS_BEFORE["decode"][p]) for p in PAGES),
                     "; ".join(over) if over else "no input allocates more"), verdict(not over)])
    # What a call adds, in time: encode and decode themselves got faster, so a ratio over them would rise with
    # every gain in the codec although the client does no more work.
    added = {n: call - codec for n, (call, codec) in client_costs(table).items()
             if call is not None and codec is not None}
    if added:
        worst = max(added, key=added.get)
        rows.append(["no regression on the small documented messages (what a client call adds to encode + decode)",
                     "worst %s ns on %s (was %s ns on mark_contact; allowed noise %s ns)" % (
                         fmt(added[worst], 0), worst, fmt(CLIENT_ADDED_BEFORE_NS, 0), fmt(CLIENT_ADDED_NOISE_NS, 0)),
                     verdict(added[worst] <= CLIENT_ADDED_BEFORE_NS + CLIENT_ADDED_NOISE_NS)])
    out.append("\n### Issue 19's targets\n")
    out.append(markdown_table(["target", "measured", "verdict"], rows))
    out += decode_floor(table, names)
    return out


def decode_floor(table, names):
    """How close to simdjson a decoder on Boost.JSON's tokenizer can come: the tokenizer alone (a handler that does
    nothing), and for the pages the tokenizer plus building the result (its strings and vectors allocated, copied
    and freed), each over simdjson On-Demand's whole decode."""
    rows, samples = [], []
    for n in names:
        m = table[n]
        simdjson, tokenize = cpu(m.get("anchor_simdjson")), cpu(m.get("tokenize"))
        if simdjson is None or tokenize is None:
            continue
        copy = cpu(m.get("copy_result"))
        floor = ratio(tokenize + copy, simdjson) if copy is not None else None
        if ":page" in n:
            hand = cpu(m.get("hand_written"))
            rows.append([n, fmt(ratio(cpu(m.get("decode")), simdjson)),
                         fmt(ratio(hand, simdjson)) if hand is not None else "n/a", fmt(ratio(tokenize, simdjson)),
                         fmt(floor)])
        else:
            samples.append((ratio(cpu(m.get("decode")), simdjson), ratio(tokenize, simdjson), floor))
    if not rows and not samples:
        return []
    if samples:
        slower = sum(1 for _, alone, _ in samples if alone > 1)
        rows.append(["**samples: geomean** (the tokenizer alone is slower than simdjson's decode on %d of %d)" % (
                         slower, len(samples)),
                     fmt(geomean([d for d, _, _ in samples])), "", fmt(geomean([t for _, t, _ in samples])),
                     fmt(geomean([f for _, _, f in samples if f is not None]))])
    out = ["\n### What Boost.JSON's tokenizer leaves\n",
           "Each over simdjson On-Demand's time for the whole decode. hand-written: a `basic_parser` handler "
           "written for one message alone, get_contact_group or get_list (bench/hand_written_handler.hpp: "
           "every key and member known at compile time, the happy path only, no limits, required keys or error "
           "pointers), the fastest decode of that message Boost.JSON's tokenizer allows; it grows the result's "
           "vectors as it goes, as every decoder that cannot count ahead must. tokenize: `basic_parser` with a handler that "
           "does nothing (no decoder on this tokenizer can be faster); + result: plus `copy_result`, which "
           "allocates, copies and frees the same strings and vectors a decode produces, into vectors sized in "
           "advance. The decode target (%.2f) is out of reach wherever the tokenizer alone, or the hand-written "
           "handler, is above it.\n" % ANCHOR_TARGET]
    out.append(markdown_table(["input", "tcchat decode / simdjson", "hand-written handler / simdjson",
                               "tokenize / simdjson", "(tokenize + result) / simdjson"], rows))
    return out



def build_report(results):
    table = index(results)
    names = [n for n in table if "decode" in table[n]]
    names.sort(key=lambda n: (":page" in n, n))
    out = []
    context = results.get("context", {})
    out.append("# Codec benchmark results\n")
    load = context.get("load_avg")
    load = ", ".join("%.2f" % x for x in load) if isinstance(load, list) else "?"
    out.append("Generated by `bench/report.py` on %s: %s, %s CPUs at %s MHz, load average %s (a shared machine: "
               "expect +-15 %% between runs). The benchmark is built -O2 -DNDEBUG (libbenchmark reports itself as a "
               "`%s` build: that is Debian's package, outside the measured code). Times are CPU time per "
               "operation; ratios > 1 under \"x faster\" mean ours is faster.\n" % (
                   datetime.date.today().isoformat(), platform.platform(), context.get("num_cpus", "?"),
                   context.get("mhz_per_cpu", "?"), load, context.get("library_build_type", "?")))

    # --- decode ---
    rows = []
    floor_ratios, dom_ratios, nl_ratios, excesses, build_floor = {}, {}, {}, {}, {}
    for n in names:
        m = table[n]
        d = cpu(m.get("decode"))
        floor_ratios[n] = ratio(d, cpu(m.get("tokenize")))
        copy = cpu(m.get("copy_result"))
        build_floor[n] = ratio(d, cpu(m.get("tokenize")) + copy) if copy is not None and cpu(m.get("tokenize")) else None
        dom_ratios[n] = ratio(cpu(m.get("decode_dom")), d)
        nl_ratios[n] = ratio(cpu(m.get("nlohmann")), d)
        vt = m.get("value_to")
        if vt is None:
            value_to = "n/a (type)"
        elif vt.get("error_occurred"):
            value_to = "rejects body"
        else:
            value_to = fmt(ratio(cpu(vt), d))
        allocs = m["decode"].get("allocs")
        owned = m["decode"].get("heap_strings", 0) + m["decode"].get("vectors", 0)
        excesses[n] = allocs - owned if allocs is not None else None
        rows.append([n, "%d" % m["decode"].get("input_bytes", 0), fmt_time(cpu(m.get("tokenize"))), fmt_time(d),
                     fmt(floor_ratios[n]), fmt_time(copy), fmt(build_floor[n]), fmt(dom_ratios[n]), fmt(ratio(cpu(m.get("parse_arena")), d)),
                     fmt(nl_ratios[n]), value_to, fmt(allocs, 1), "%d" % owned, fmt(excesses[n], 1),
                     fmt(m.get("decode_dom", {}).get("allocs"), 1), fmt(m.get("nlohmann", {}).get("allocs"), 0)])
    out.append("## Decode\n")
    out.append("decode = `tcchat::decode` (SAX, the default); floor = `basic_parser` with a null handler (tokenizing "
               "only); result copy = copy-constructing and destroying the decoded value (its strings and vectors "
               "allocated and freed, what any decoder into these structs pays on top of tokenizing); DOM = `decode_dom` (Boost.JSON parse into a 4 KB-seeded monotonic arena + the DOM decoder); "
               "arena parse = `boost::json::parse` into the same arena, no mapping at all; nlohmann = "
               "`nlohmann::json::parse` + a hand-written mapping into the same structs; value_to = arena parse + "
               "Boost's `try_value_to<T>`. Allocations are per decode; owned = heap strings (longer than the "
               "small-string buffer) + non-empty vectors in the result, the allocations no decoder can avoid.\n")
    out.append(markdown_table(
        ["input", "bytes", "floor", "decode", "decode / floor", "result copy", "decode / (floor + copy)",
         "x faster than DOM", "x faster than arena parse only",
         "x faster than nlohmann", "x faster than value_to", "allocs", "owned", "allocs - owned", "DOM allocs",
         "nlohmann allocs"], rows))
    out.append("\nvalue_to: \"n/a (type)\" = Boost 1.81's conversion cannot compile for the type (described bases, "
               "i.e. every response; wire enums that are integers, not described strings; standard_mark); "
               "\"rejects body\" = it compiles but its strictness (every key present, no extra key) fails the "
               "sample.\n")

    # --- encode ---
    rows = []
    enc_ratios = {}
    for n in names:
        m = table[n]
        e = cpu(m.get("encode"))
        enc_ratios[n] = ratio(cpu(m.get("encode_dom")), e)
        rows.append([n, fmt_time(e), fmt(enc_ratios[n]), fmt(ratio(cpu(m.get("encode_dom_arena")), e)),
                     fmt(m["encode"].get("allocs"), 1), fmt(m.get("encode_dom", {}).get("allocs"), 1)])
    out.append("\n## Encode\n")
    out.append("encode = `tcchat::encode` (direct writer); DOM build = a `boost::json::value` built from the struct "
               "(default allocator, or a 4 KB-seeded monotonic arena) + `boost::json::serialize`.\n")
    out.append(markdown_table(["input", "encode", "x faster than DOM build + serialize", "x faster than arena DOM build",
                               "encode allocs", "DOM build allocs"], rows))

    # --- validate ---
    rows = []
    val_ratios, val_allocs = {}, {}
    for n in names:
        m = table[n]
        if "validate" not in m:
            continue
        val_ratios[n] = ratio(cpu(m["validate"]), cpu(m.get("encode")))
        val_allocs[n] = m["validate"].get("allocs")
        rows.append([n, "yes" if m["validate"].get("valid") else "no", fmt_time(cpu(m["validate"])),
                     fmt_time(cpu(m.get("encode"))), fmt(val_ratios[n]), fmt(val_allocs[n], 1)])
    out.append("\n## Validate (documented requests)\n")
    out.append(markdown_table(["input", "valid", "validate", "encode", "validate / encode", "validate allocs"], rows))

    # --- client ---
    rows = []
    client_overheads = {}
    for n, (call, baseline) in sorted(client_costs(table).items()):
        m = table[n]
        overhead = ratio(call, baseline)
        client_overheads[n] = None if overhead is None else overhead - 1
        transport = cpu(m["transport_send"]) if "transport_send" in m else None
        without_transport = ratio(call - transport, baseline) if None not in (call, transport) else None
        rows.append([n, fmt_time(call), fmt_time(baseline),
                     fmt(100 * client_overheads[n], 0) + " %" if overhead is not None else "n/a",
                     fmt_time(transport) if transport is not None else "n/a",
                     fmt(100 * (without_transport - 1), 0) + " %" if without_transport is not None else "n/a",
                     fmt(m["client_call"].get("allocs"), 1), fmt(m["encode_decode"].get("allocs"), 1)])
    if rows:
        out.append("\n## Client call over a canned in-memory transport\n")
        out.append("client call = `client.call(request)` (validate, encode, URL with usersig and random, transport, "
                   "decode, envelope check; no rate limiter) against `encode(request)` + `decode<Response>(answer)` "
                   "of the same documented samples. transport = the canned transport's own `send` (it copies the "
                   "answer into an `http_response`); the last overhead column leaves it out.\n")
        out.append(markdown_table(["command", "client call", "encode + decode", "overhead", "transport",
                                   "overhead without transport", "client allocs", "encode + decode allocs"], rows))

    # --- memory ---
    rows = []
    peaks = {}
    for n in names:
        for method in ("decode", "decode_dom", "nlohmann"):
            entry = table[n].get("memory_" + method)
            if entry is None:
                continue
            if method == "decode":
                peaks[n] = entry["peak_ratio"]
            rows.append([n, method, "%d" % entry["input_bytes"], "%d" % entry["result_bytes"],
                         "%d" % entry["peak_bytes"], fmt(entry["peak_ratio"])])
    out.append("\n## Peak heap while decoding a page\n")
    out.append("result = bytes the decoded value holds on the heap; peak = the heap's high-water mark during the "
               "decode, above what was live before (the result included); ratio = (input + peak) / (input + "
               "result).\n")
    out.append(markdown_table(["input", "decoder", "input bytes", "result bytes", "peak bytes", "ratio"], rows))

    out += anchors_report(results, table, names)

    # --- targets ---
    def worst(values, pick):
        values = {k: v for k, v in values.items() if v is not None}
        if not values:
            return None, None
        key = pick(values, key=values.get)
        return key, values[key]

    out.append("\n## Targets\n")
    rows = []
    k, v = worst(floor_ratios, max)
    rows.append(["decode <= 2.5 x tokenize-only", "%s (geomean %s; worst %s on %s); against tokenize + result "
                 "copy: %s on the page, worst %s" % (
        fmt(floor_ratios.get(PAGE)) + " on the 1,000-item page", fmt(geomean(floor_ratios.values())), fmt(v), k,
        fmt(build_floor.get(PAGE)), fmt(max([b for b in build_floor.values() if b] or [0]))),
                 verdict(v is not None and v <= TARGETS["decode_vs_floor"])])
    k, v = worst(dom_ratios, min)
    rows.append([">= 1.5 x faster than DOM parse + DOM decoder", "%s on the page (geomean %s; worst %s on %s)" % (
        fmt(dom_ratios.get(PAGE)), fmt(geomean(dom_ratios.values())), fmt(v), k),
                 verdict(v is not None and v >= TARGETS["dom_vs_decode"])])
    k, v = worst(nl_ratios, min)
    rows.append([">= 5 x faster than nlohmann + mapping", "%s on the page (geomean %s; worst %s on %s)" % (
        fmt(nl_ratios.get(PAGE)), fmt(geomean(nl_ratios.values())), fmt(v), k),
                 verdict(v is not None and v >= TARGETS["nlohmann_vs_decode"])])
    k, v = worst(enc_ratios, min)
    rows.append(["encode >= 1.5 x faster than DOM build + serialize", "%s on the page (geomean %s; worst %s on %s)" % (
        fmt(enc_ratios.get(PAGE)), fmt(geomean(enc_ratios.values())), fmt(v), k),
                 verdict(v is not None and v >= TARGETS["dom_build_vs_encode"])])
    k, v = worst(val_ratios, max)
    # Allocations per call are whole numbers; a run's average also counts the framework's own stray allocation
    # or two within millions of iterations (about 1e-7 per call with interleaved repetitions).
    valid_allocs = [round(a) for n, a in val_allocs.items() if table[n]["validate"].get("valid")]
    rows.append(["validate <= 25 % of encode, 0 allocations when valid",
                 "worst %s on %s; allocations when valid: max %s" % (fmt(v), k, fmt(max(valid_allocs or [0]), 1)),
                 verdict(v is not None and v <= TARGETS["validate_vs_encode"] and max(valid_allocs or [0]) == 0)])
    k, v = worst(excesses, max)
    rows.append(["allocations <= one per string/vector + constant",
                 "allocs - owned: %s on the page, worst %s on %s" % (fmt(excesses.get(PAGE), 1), fmt(v, 1), k),
                 verdict(v is not None and v <= TARGETS["alloc_excess"])])
    v = peaks.get(PAGE)
    rows.append(["peak heap decoding the 1,000-item page <= 1.5 x (result + input)",
                 "%s (other pages: %s)" % (fmt(v), ", ".join("%s %s" % (n, fmt(r)) for n, r in peaks.items() if n != PAGE)),
                 verdict(v is not None and v <= TARGETS["peak_ratio"])])
    k, v = worst(client_overheads, max)
    if k is not None:
        rows.append(["client overhead <= 30 % above encode + decode", "worst %s %% on %s" % (fmt(100 * v, 0), k),
                     verdict(v <= TARGETS["client_overhead"])])
    out.append(markdown_table(["target", "measured", "verdict"], rows))
    unmet = [r[0] for r in rows if "not met" in r[2]]
    if unmet:
        out.append("\n### What limits the targets not met\n")
        for target in unmet:
            for key, text in LIMITS.items():
                if target.startswith(key):
                    out.append("- " + target + ": " + text)
    return "\n".join(out) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", help="the tcchat_bench executable")
    parser.add_argument("--json", help="an earlier --benchmark_format=json output to report instead of running")
    parser.add_argument("--min-time", default="0.2", help="--benchmark_min_time (seconds)")
    parser.add_argument("--filter", help="--benchmark_filter regex")
    parser.add_argument("--repetitions", type=int, default=7, help="--benchmark_repetitions; the median is reported")
    parser.add_argument("--output", default=os.path.join(here, "results.md"))
    parser.add_argument("--save-json", help="also keep the raw benchmark JSON here")
    args = parser.parse_args()
    if args.json:
        with open(args.json) as f:
            results = json.load(f)
    elif args.binary:
        results = run(args.binary, args.min_time, args.filter, args.repetitions)
        if args.save_json:
            with open(args.save_json, "w") as f:
                json.dump(results, f, indent=1)
    else:
        parser.error("give --binary or --json")
    report = build_report(results)
    print(report)
    with open(args.output, "w") as f:
        f.write(report)
    print("written:", args.output, file=sys.stderr)


if __name__ == "__main__":
    main()
