#!/usr/bin/env python3
"""End-to-end calls against wrk on the same server: writes bench/network_results.md and the network section of
bench/results.md.

Starts `tcchat serve` on loopback, then for each concurrency runs wrk (one thread, the Lua script
bench/wrk_get_contact_group.lua) and the matching bench_network.cpp benchmark, one after the other, against that
server and the same get_contact_group request. Reports calls/s, p50 and p99 latency, and the CPU seconds of the
client side (wrk, or the benchmark's timed part) and of the server (from /proc/PID/stat) for each run. All of it
twice: with client and server sharing the cores, and with each pinned to a core of its own (taskset).

usage: network_report.py --tcchat PATH --binary PATH [--seconds N] [--output FILE]
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
CONCURRENCY = [1, 16, 64]
SYNC_THREADS = 8


def process_cpu(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def microseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]


def run_wrk(wrk, url, connections, seconds, server_pid):
    server_before, client_before = process_cpu(server_pid), children_cpu()
    out = subprocess.run([*wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                          os.path.join(HERE, "wrk_get_contact_group.lua"), url], check=True, capture_output=True,
                         text=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return {"calls_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_us": microseconds(latency["50"]), "p99_us": microseconds(latency["99"]),
            "client_cpu": children_cpu() - client_before, "server_cpu": process_cpu(server_pid) - server_before,
            "errors": "Non-2xx" in out or "Socket errors" in out}


def run_benchmark(binary, name, base_url, seconds, server_pid):
    env = dict(os.environ, TCCHAT_BENCH_SERVE_URL=base_url, TCCHAT_BENCH_SECONDS=str(seconds))
    server_before = process_cpu(server_pid)
    out = subprocess.run([*binary, f"--benchmark_filter=^{name}$", "--benchmark_format=json"], check=True,
                         capture_output=True, text=True, env=env).stdout
    counters = json.loads(out)["benchmarks"][0]
    return {"calls_per_s": counters["calls_per_s"], "p50_us": counters["p50_us"], "p99_us": counters["p99_us"],
            "client_cpu": counters["cpu_s"], "server_cpu": process_cpu(server_pid) - server_before,
            "errors": counters["failures"] > 0}


def row(label, concurrency, ours, wrk):
    return (f"| {label} | {concurrency} | {ours['calls_per_s']:.0f} | {ours['p50_us']:.0f} | {ours['p99_us']:.0f} | "
            f"{ours['client_cpu']:.2f} | {ours['server_cpu']:.2f} | {wrk['calls_per_s']:.0f} | {wrk['p50_us']:.0f} | "
            f"{wrk['p99_us']:.0f} | {wrk['client_cpu']:.2f} | {wrk['server_cpu']:.2f} | "
            f"**{ours['calls_per_s'] / wrk['calls_per_s']:.2f}** | **{ours['p99_us'] / wrk['p99_us']:.2f}** |")


def measure(args, server_cpus, client_cpus):
    """The table rows of one placement: serve and the clients on the given CPU lists (None: anywhere)."""
    pin = lambda cpus: ["taskset", "-c", cpus] if cpus else []
    server = subprocess.Popen([*pin(server_cpus), args.tcchat, "serve", "--port", "0", "--quiet", "--threads", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base_url = server.stdout.readline().strip().removeprefix("listening on ")
        url = base_url + "/v4/recentcontact/get_contact_group?sdkappid=1400000000&identifier=admin&usersig=bench-usersig&random=1&contenttype=json"
        binary = [*pin(client_cpus), args.binary]
        rows, failed = [], []
        for concurrency in CONCURRENCY:
            wrk = run_wrk([*pin(client_cpus), "wrk"], url, concurrency, args.seconds, server.pid)
            ours = run_benchmark(binary, f"async_beast/{concurrency}/iterations:1/real_time", base_url, args.seconds, server.pid)
            rows.append(row("`async_call` over `beast_transport`, 1 io thread", concurrency, ours, wrk))
            failed += [name for name, run in (("wrk", wrk), ("async", ours)) if run["errors"]]
        wrk = run_wrk([*pin(client_cpus), "wrk"], url, SYNC_THREADS, args.seconds, server.pid)
        ours = run_benchmark(binary, f"sync_curl/{SYNC_THREADS}/iterations:1/real_time", base_url, args.seconds, server.pid)
        rows.append(row(f"`call` over pooled `curl_transport`, {SYNC_THREADS} threads", SYNC_THREADS, ours, wrk))
        failed += [name for name, run in (("wrk", wrk), ("sync", ours)) if run["errors"]]
        return rows, failed
    finally:
        server.terminate()
        server.wait()


HEADER = """| client | concurrency | calls/s | p50 µs | p99 µs | client CPU s | server CPU s | wrk calls/s | wrk p50 µs | wrk p99 µs | wrk CPU s | server CPU s (wrk) | calls/s ratio | p99 ratio |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""
BEGIN, END = "<!-- network results: bench/network_report.py -->", "<!-- end of network results -->"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tcchat", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--output", default=os.path.join(HERE, "network_results.md"))
    parser.add_argument("--results", default=os.path.join(HERE, "results.md"), help="also replaces its network section")
    args = parser.parse_args()

    shared_rows, shared_failed = measure(args, None, None)
    pinned_rows, pinned_failed = ([], []) if os.cpu_count() < 2 else measure(args, "0", "1")
    failed = shared_failed + pinned_failed
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    section = f"""## End to end over the network, against wrk

Generated by `bench/network_report.py` (run by `tools/bench.sh`) on {datetime.date.today()}: {platform.platform()},
{os.cpu_count()} CPUs, load average {load} (a shared machine: expect +-15 % between runs). Release build (-O2).

One `tcchat serve --threads 2 --quiet` on loopback answers every run. Each row runs wrk first (one thread,
`-c` = the concurrency, `bench/wrk_get_contact_group.lua`: the same get_contact_group POST with the same query),
then ours, for {args.seconds} s each. Ours is the whole client: validate, encode, URL with a fresh `random`,
the transport, decode and the envelope check; the rate limiter is off (`limiter = nullptr`). Latency is per call,
in µs. CPU is user + system seconds over the run: the client's (wrk's process, or the benchmark's timed part)
and the server's (from /proc). Ratios: ours / wrk; the target is calls/s >= 0.8 and p99 <= 1.5 at concurrency 64.
{"Failures during the runs: " + ", ".join(failed) if failed else "No call failed in any run."}

### Client and server sharing the cores

Every CPU second the client spends is taken from the server: this compares client CPU cost as much as the
network path.

{HEADER}""" + "\n".join(shared_rows) + f"""

### Server on CPU 0, client on CPU 1 (taskset)

Each side has a core of its own, as a client and a server on different machines would: this compares how well
each client drives the same server.

{HEADER}""" + "\n".join(pinned_rows) + "\n"
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("# End-to-end benchmark: a call's network path against wrk\n\n" + section.split("\n", 2)[2])
    with open(args.results, encoding="utf-8") as results:
        text = results.read()
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + text[text.index(END) + len(END):].lstrip("\n")
    with open(args.results, "w", encoding="utf-8") as results:
        results.write(text.rstrip("\n") + f"\n\n{BEGIN}\n{section}{END}\n")
    print(section)


if __name__ == "__main__":
    main()
