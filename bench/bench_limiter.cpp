// The cost of one rate-limit permit: the per-process token bucket (the baseline) against tcchat::redis_limiter
// on loopback, one thread and four. It starts its own redis-server on a free port (bash tools/bench.sh installs
// it); the budget is far above what the loop can take, so every permit is granted at once and the loop measures
// the reservation itself. Median and p99 come from per-iteration timings; permits/s from Google Benchmark.
#include <tcchat/limiter/redis.hpp>

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

const tcchat::budget_key key{1400000000, "get_contact_group"};
constexpr tcchat::budget_rate unlimited{1e9, 1e9};

/// redis-server on a free loopback port for the length of the process.
class redis_process {
public:
    redis_process() {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        ::close(fd);
        port_ = ntohs(address.sin_port);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int quiet = ::open("/dev/null", O_WRONLY); // Google Benchmark's report owns stdout
            ::dup2(quiet, STDOUT_FILENO);
            ::dup2(quiet, STDERR_FILENO);
            const std::string port = std::to_string(port_);
            ::execl("/usr/bin/redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                    "no", "--loglevel", "warning", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        tcchat::redis_limiter probe(options());
        for (int i = 0; i < 200 && !probe.reserve(key, std::chrono::seconds(1)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ~redis_process() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }

    tcchat::redis_limiter_options options() const {
        tcchat::redis_limiter_options o;
        o.port = port_;
        o.budget.rate = unlimited;
        return o;
    }

private:
    unsigned short port_ = 0;
    pid_t pid_ = -1;
};

redis_process& redis() {
    static redis_process server;
    return server;
}

/// Runs one reservation per iteration, timing each; the first thread reports its median and p99 in µs.
void measure_permits(benchmark::State& state, tcchat::rate_limiter& limiter) {
    std::vector<double> timings;
    for (auto _ : state) {
        const auto started = std::chrono::steady_clock::now();
        auto permit = limiter.reserve(key, std::chrono::seconds(1));
        const auto took = std::chrono::steady_clock::now() - started;
        if (!permit || permit->count() != 0) state.SkipWithError("no immediate permit");
        benchmark::DoNotOptimize(permit);
        timings.push_back(std::chrono::duration<double, std::micro>(took).count());
    }
    if (state.thread_index() == 0 && !timings.empty()) {
        std::sort(timings.begin(), timings.end());
        state.counters["p50_us"] = timings[timings.size() / 2];
        state.counters["p99_us"] = timings[timings.size() * 99 / 100];
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_permit_local_bucket(benchmark::State& state) {
    static tcchat::token_bucket bucket(tcchat::budget_config{tcchat::budget_scope::app_and_command, unlimited, {}});
    measure_permits(state, bucket);
}

void BM_permit_redis_loopback(benchmark::State& state) {
    static tcchat::redis_limiter limiter(redis().options());
    measure_permits(state, limiter);
}

} // namespace

BENCHMARK(BM_permit_local_bucket)->UseRealTime();
BENCHMARK(BM_permit_local_bucket)->Threads(4)->UseRealTime();
BENCHMARK(BM_permit_redis_loopback)->UseRealTime();
BENCHMARK(BM_permit_redis_loopback)->Threads(4)->UseRealTime();
BENCHMARK_MAIN();
