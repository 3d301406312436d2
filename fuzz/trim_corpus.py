#!/usr/bin/env python3
"""Merges a campaign's inputs into fuzz/corpus/<target>/ within a file budget (default: 199 files).

    python3 fuzz/trim_corpus.py TARGET [CAMPAIGN_CORPUS] [--budget N]

libFuzzer's own -merge=1 keeps every input that adds a feature. For the selector harnesses that is
thousands of files, because Boost.JSON's parser is instantiated once per decoded type. This keeps every
seed-* file, then adds the input that reaches the most edges not yet reached, again and again, until the
budget is spent or no input adds an edge. The edges of each input come from libFuzzer itself: a
-set_cover_merge=1 -use_counters=0 run writes them into its control file. Run after `fuzz/run.sh TARGET N`
(which builds the fuzzer and leaves CAMPAIGN_CORPUS, by default build/fuzz-libfuzzer/campaigns/TARGET/corpus).
"""

import argparse
import hashlib
import heapq
import pathlib
import subprocess
import sys
import tempfile

FUZZ_DIR = pathlib.Path(__file__).resolve().parent
BUILD_DIR = FUZZ_DIR.parent / "build" / "fuzz-libfuzzer"


def edges_per_input(fuzzer, directories):
    """{path: set of features} for every non-empty file under `directories`, as libFuzzer measures them."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        (scratch / "out").mkdir()
        control = scratch / "control"
        subprocess.run(["nice", "-n", "19", str(fuzzer), "-set_cover_merge=1", "-use_counters=0",
                        f"-merge_control_file={control}", str(scratch / "out"), *map(str, directories)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lines = control.read_text().splitlines()
    count = int(lines[0])
    paths = [pathlib.Path(line) for line in lines[2:2 + count]]
    features = {}
    for line in lines[2 + count:]:
        if line.startswith("FT "):
            index, *found = line.split()[1:]
            features[paths[int(index)]] = set(map(int, found))
    return features


def greedy_pick(candidates, covered, budget):
    """Up to `budget` candidates, each time the one adding the most features (lazy greedy: gains only shrink)."""
    heap = [(-len(found - covered), len(path.read_bytes()), str(path), path) for path, found in candidates.items()]
    heapq.heapify(heap)
    picked = []
    while heap and len(picked) < budget:
        _, size, name, path = heapq.heappop(heap)
        gain = len(candidates[path] - covered)
        if gain == 0:
            continue  # adds nothing any more; others still may
        if heap and gain < -heap[0][0]:  # stale: someone else may add more now
            heapq.heappush(heap, (-gain, size, name, path))
            continue
        picked.append(path)
        covered |= candidates[path]
    return picked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("campaign", nargs="?", type=pathlib.Path)
    parser.add_argument("--budget", type=int, default=199, help="files in the corpus afterwards, seeds included")
    args = parser.parse_args()

    corpus = FUZZ_DIR / "corpus" / args.target
    campaign = args.campaign or BUILD_DIR / "campaigns" / args.target / "corpus"
    fuzzer = BUILD_DIR / "fuzz" / f"fuzz_{args.target}"
    for needed in (corpus, campaign, fuzzer):
        if not needed.exists():
            sys.exit(f"missing {needed}: run fuzz/run.sh {args.target} SECONDS first")

    features = edges_per_input(fuzzer, [corpus, campaign])
    seeds = sorted(corpus.glob("seed-*"))
    covered = set().union(*(features.get(seed, set()) for seed in seeds))
    seed_features = len(covered)

    # Identical inputs appear in both directories under different names: consider each content once.
    candidates, seen = {}, {hashlib.sha1(seed.read_bytes()).hexdigest() for seed in seeds}
    for path, found in sorted(features.items()):
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        if path.name.startswith("seed-") or digest in seen:
            continue
        seen.add(digest)
        candidates[path] = found
    picked = greedy_pick(candidates, covered, args.budget - len(seeds))

    # Read everything before deleting: picked inputs may live in the corpus directory itself.
    kept = {hashlib.sha1(path.read_bytes()).hexdigest(): path.read_bytes() for path in picked}
    for stale in corpus.iterdir():
        if not stale.name.startswith("seed-"):
            stale.unlink()
    for digest, data in kept.items():
        (corpus / digest).write_bytes(data)

    reachable = len(set().union(*features.values()))
    print(f"{args.target}: {len(seeds)} seeds + {len(kept)} merged files; features: seeds {seed_features}, "
          f"corpus {len(covered)}, all inputs {reachable}")


if __name__ == "__main__":
    main()
