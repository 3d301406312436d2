// End-to-end calls over the network: get_contact_group through client::async_call over beast_transport (one io
// thread, concurrency 1, 16, 64), and through the pooled sync curl_transport from 8 threads, against the
// `tcchat serve` at $TCCHAT_BENCH_SERVE_URL. bench/network_report.py starts serve, runs wrk against the same
// server and request at the same concurrency, and writes bench/network_results.md.
//
// Each benchmark runs for $TCCHAT_BENCH_SECONDS (default 5) and reports calls/s, p50 and p99 latency in µs, and
// the CPU seconds this process used (user + system), as counters.
#include <tcchat/tcchat.hpp>
#include <tcchat/transport/beast.hpp>
#include <tcchat/transport/curl.hpp>

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

std::string serve_url() {
    const char* url = std::getenv("TCCHAT_BENCH_SERVE_URL");
    if (url == nullptr || *url == '\0') throw std::runtime_error("set TCCHAT_BENCH_SERVE_URL (bench/network_report.py does)");
    return url;
}

clock_type::duration run_time() {
    const char* seconds = std::getenv("TCCHAT_BENCH_SECONDS");
    return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds != nullptr ? std::atof(seconds) : 5.0));
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

tcchat::client_options options_for(const std::string& base_url) {
    tcchat::client_options options;
    options.base_url = base_url;
    options.identity = {1400000000, "admin"};
    options.usersig = tcchat::fixed_usersig("bench-usersig");
    options.limiter = nullptr; // the service's 200 calls/s would be the only thing measured
    return options;
}

/// Latencies of completed calls, and the counters every benchmark reports.
struct measurement {
    std::vector<double> latencies_us;
    std::uint64_t failures = 0;

    void report(benchmark::State& state, std::chrono::duration<double> took, double cpu) {
        std::sort(latencies_us.begin(), latencies_us.end());
        const auto at = [&](double q) {
            return latencies_us.empty() ? 0.0 : latencies_us[static_cast<std::size_t>(q * static_cast<double>(latencies_us.size() - 1))];
        };
        state.counters["calls_per_s"] = static_cast<double>(latencies_us.size()) / took.count();
        state.counters["p50_us"] = at(0.50);
        state.counters["p99_us"] = at(0.99);
        state.counters["cpu_s"] = cpu;
        state.counters["failures"] = static_cast<double>(failures);
    }
};

/// `concurrency` calls in flight at all times on one io thread, for run_time().
void async_beast(benchmark::State& state) {
    const auto concurrency = static_cast<int>(state.range(0));
    for (auto _ : state) {
        boost::asio::io_context io;
        tcchat::beast_options pool;
        pool.max_connections_per_host = static_cast<std::size_t>(concurrency);
        tcchat::client<tcchat::beast_transport> client(tcchat::beast_transport(io, pool), options_for(serve_url()));
        measurement result;
        const auto began = clock_type::now(), stop_at = began + run_time();
        const double cpu_before = cpu_seconds();
        std::function<void()> start_one = [&] {
            const auto sent = clock_type::now();
            if (sent >= stop_at) return;
            client.async_call(tcchat::get_contact_group_request{"user0", 0}, [&, sent](auto outcome) {
                if (outcome) result.latencies_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - sent).count());
                else ++result.failures;
                start_one();
            });
        };
        for (int i = 0; i < concurrency; ++i) start_one();
        io.run();
        result.report(state, std::chrono::duration<double>(clock_type::now() - began), cpu_seconds() - cpu_before);
    }
}

/// `threads` threads of blocking calls through one shared client over the pooled curl_transport.
void sync_curl(benchmark::State& state) {
    const auto threads = static_cast<int>(state.range(0));
    for (auto _ : state) {
        tcchat::curl_options http;
        http.max_connections = static_cast<std::size_t>(threads);
        tcchat::client<tcchat::curl_transport> client(tcchat::curl_transport(http), options_for(serve_url()));
        measurement result;
        std::mutex merge;
        const auto began = clock_type::now(), stop_at = began + run_time();
        const double cpu_before = cpu_seconds();
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&] {
                measurement own;
                for (auto sent = clock_type::now(); sent < stop_at; sent = clock_type::now()) {
                    if (client.call(tcchat::get_contact_group_request{"user0", 0}))
                        own.latencies_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - sent).count());
                    else ++own.failures;
                }
                const std::lock_guard<std::mutex> lock(merge);
                result.latencies_us.insert(result.latencies_us.end(), own.latencies_us.begin(), own.latencies_us.end());
                result.failures += own.failures;
            });
        for (auto& worker : workers) worker.join();
        result.report(state, std::chrono::duration<double>(clock_type::now() - began), cpu_seconds() - cpu_before);
    }
}

} // namespace

BENCHMARK(async_beast)->Arg(1)->Arg(16)->Arg(64)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(sync_curl)->Arg(8)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
