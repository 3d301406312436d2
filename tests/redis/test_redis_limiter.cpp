// tcchat::redis_limiter against a real redis-server that each test starts on 127.0.0.1 and a free port (never a
// shared or default instance), and `tcchat serve` for the end-to-end budget. Processes are forked children, each
// with its own limiter and connections, as separate instances of a service would be.

#include "../serve/serve_harness.hpp"

#include <tcchat/client.hpp>
#include <tcchat/limiter/redis.hpp>
#include <tcchat/transport/curl.hpp>

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <thread>

namespace {

using namespace tcchat::test;

unsigned short free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("no free port");
    ::close(fd);
    return ntohs(address.sin_port);
}

/// redis-server on 127.0.0.1 and a port of its own, without persistence; killed with the object.
class redis_server {
public:
    explicit redis_server(std::string password = "", unsigned short port = 0)
        : port_(port != 0 ? port : free_port()), password_(std::move(password)) {
        start();
    }

    void start() {
        std::vector<std::string> argv{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--enable-debug-command", "local"};
        if (!password_.empty()) argv.insert(argv.end(), {"--requirepass", password_});
        process_ = std::make_unique<child_process>(argv, std::vector<env_change>{}, log_.path());
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!answers_ping()) {
            if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("redis-server did not start: " + log_.contents());
            std::this_thread::sleep_for(20ms);
        }
    }

    void kill() { process_.reset(); }

    /// A command on a connection of the test's own, e.g. DEBUG SLEEP; answers the reply as text.
    std::string command(const std::vector<std::string>& words, std::chrono::milliseconds timeout = 5000ms) const {
        tcchat::detail::redis_connection connection(redisConnectWithTimeout("127.0.0.1", port_, tcchat::detail::to_timeval(timeout)));
        if (!connection || connection->err) return "connect failed";
        redisSetTimeout(connection.get(), tcchat::detail::to_timeval(timeout));
        if (!password_.empty()) tcchat::detail::run_command(connection.get(), {"AUTH", password_});
        const tcchat::detail::redis_reply reply = tcchat::detail::run_command(connection.get(), {words.begin(), words.end()});
        if (!reply) return "no reply";
        if (reply->type == REDIS_REPLY_INTEGER) return std::to_string(reply->integer);
        return reply->str ? std::string(reply->str, reply->len) : std::string();
    }

    unsigned short port() const noexcept { return port_; }

    tcchat::redis_limiter_options options(double per_second, double burst) const {
        tcchat::redis_limiter_options o;
        o.port = port_;
        o.password = password_;
        o.budget.rate = {per_second, burst};
        o.reconnect_backoff = 50ms;
        o.max_reconnect_backoff = 200ms;
        return o;
    }

private:
    bool answers_ping() const { return command({"PING"}, 200ms) == "PONG"; }

    unsigned short port_;
    std::string password_;
    scratch_file log_{"redis-log"};
    std::unique_ptr<child_process> process_;
};

const tcchat::budget_key key{1400000000, "get_contact_group"};

/// Runs `work` in `count` forked children; answers what each wrote back as a number.
template <class Work>
std::vector<long> in_processes(int count, Work work) {
    std::vector<std::pair<pid_t, int>> children;
    for (int i = 0; i < count; ++i) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(fds[0]);
            const std::string result = std::to_string(work(i));
            (void)!::write(fds[1], result.data(), result.size());
            ::_exit(0);
        }
        ::close(fds[1]);
        children.emplace_back(pid, fds[0]);
    }
    std::vector<long> results;
    for (const auto& [pid, fd] : children) {
        char buffer[64] = {};
        const ssize_t got = ::read(fd, buffer, sizeof buffer - 1);
        ::close(fd);
        int status = 0;
        ::waitpid(pid, &status, 0);
        results.push_back(got > 0 ? std::atol(buffer) : -1);
    }
    return results;
}

/// Permits taken by `threads` threads of one process until `window` ends, each waited for before it counts.
long take_permits(tcchat::rate_limiter& limiter, int threads, std::chrono::steady_clock::time_point end) {
    std::atomic<long> granted{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (;;) {
                const auto permit = limiter.reserve(key, 2s);
                if (!permit) continue;
                std::this_thread::sleep_for(*permit);
                if (std::chrono::steady_clock::now() >= end) return;
                ++granted;
            }
        });
    for (auto& worker : workers) worker.join();
    return granted;
}

} // namespace

TEST_CASE("redis limiter: 4 processes of 4 threads share one budget of 50 per second", "[redis]") {
    redis_server redis;
    constexpr double rate = 50, burst = 10;
    constexpr auto window = 4s;
    const auto end = std::chrono::steady_clock::now() + window;
    const auto per_process = in_processes(4, [&](int) {
        tcchat::redis_limiter limiter(redis.options(rate, burst));
        return take_permits(limiter, 4, end);
    });
    long total = 0;
    for (const long granted : per_process) {
        CHECK(granted >= 0);
        total += granted;
    }
    std::printf("redis limiter: 4 processes x 4 threads, %.0f/s burst %.0f for 4 s: %ld %ld %ld %ld = %ld grants (bound %.0f)\n", rate,
                burst, per_process[0], per_process[1], per_process[2], per_process[3], total, rate * 4 + burst);
    CHECK(total <= static_cast<long>(rate * 4 + burst));
    CHECK(total >= static_cast<long>(rate * 4 * 0.8)); // and the budget was used, not starved
}

#if TCCHAT_TEST_WITH_SERVE
TEST_CASE("redis limiter: tcchat serve --qps 50 sees no 60007 with the shared budget and some without", "[redis]") {
    redis_server redis;
    served_emulator server({"--qps", "50"});
    const auto run = [&](bool shared) {
        const auto end = std::chrono::steady_clock::now() + 3s;
        const auto limited = in_processes(3, [&](int) {
            tcchat::client_options options;
            options.base_url = "http://127.0.0.1:" + std::to_string(server.port());
            options.identity = {app, "admin"};
            options.usersig = tcchat::fixed_usersig("x");
            options.retry.max_attempts = 1; // every 60007 is seen
            // 40 per second with a burst of 20 fits the server's 50 with one second's burst.
            if (shared) options.limiter = std::make_shared<tcchat::redis_limiter>(redis.options(40, 20));
            else options.limiter = std::make_shared<tcchat::token_bucket>(40, 20);
            tcchat::client<tcchat::curl_transport> chat(tcchat::curl_transport{}, options);
            long rate_limited = 0;
            while (std::chrono::steady_clock::now() < end) {
                const auto answer = chat.call(tcchat::get_contact_group_request{"user0", 0});
                if (!answer && answer.error().code == tcchat::code::rest_rate_limited) ++rate_limited;
                else if (!answer) return -1L;
            }
            return rate_limited;
        });
        long total = 0;
        for (const long count : limited) {
            CHECK(count >= 0);
            total += count;
        }
        return total;
    };
    const long shared = run(true);
    std::this_thread::sleep_for(1100ms); // the server's bucket refills
    const long per_process = run(false);
    std::printf("serve --qps 50, 3 processes at 40/s for 3 s: %ld answers of 60007 with the Redis budget, %ld with per-process buckets\n",
                shared, per_process);
    CHECK(shared == 0);
    CHECK(per_process > 0);
    // The server's log counts them the same way.
    std::size_t logged = 0;
    const std::string log = server.log();
    for (auto at = log.find("ErrorCode 60007"); at != std::string::npos; at = log.find("ErrorCode 60007", at + 1)) ++logged;
    CHECK(static_cast<long>(logged) == per_process);
}
#endif

TEST_CASE("redis limiter: Redis killed and restarted follows the policy and returns", "[redis]") {
    redis_server redis;
    std::vector<std::pair<bool, std::string>> switches;
    std::mutex switches_mutex;
    auto options = redis.options(1000, 1000);
    options.on_state_change = [&](bool available, const std::string& why) {
        const std::lock_guard<std::mutex> lock(switches_mutex);
        switches.emplace_back(available, why);
    };
    SECTION("fail closed") {
        tcchat::redis_limiter limiter(options);
        REQUIRE(limiter.reserve(key, 1s).has_value());
        redis.kill();
        const auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < 20; ++i) {
            const auto refused = limiter.reserve(key, 1s);
            REQUIRE_FALSE(refused.has_value());
            CHECK(refused.error().code == tcchat::code::limiter_unavailable);
        }
        CHECK(std::chrono::steady_clock::now() - started < 1s); // no hang: refused at once, or within a connect timeout
        redis.start();
        const auto restarted = std::chrono::steady_clock::now();
        bool back = false;
        while (!back && std::chrono::steady_clock::now() - restarted < 5s) {
            back = limiter.reserve(key, 1s).has_value();
            std::this_thread::sleep_for(20ms);
        }
        CHECK(back);
        const std::lock_guard<std::mutex> lock(switches_mutex);
        REQUIRE(switches.size() == 2); // reported once each way, not once per call
        CHECK_FALSE(switches[0].first);
        CHECK(switches[1].first);
    }
    SECTION("local fallback") {
        options.when_down = tcchat::redis_down_policy::local_fallback;
        options.fallback_share = 0.01; // 10 per second, a burst of 10
        tcchat::redis_limiter limiter(options);
        redis.kill();
        int immediate = 0;
        for (int i = 0; i < 20; ++i) {
            const auto permit = limiter.reserve(key, 10s);
            REQUIRE(permit.has_value());
            immediate += permit->count() == 0;
        }
        CHECK(immediate == 10);
        CHECK_FALSE(limiter.redis_available());
    }
}

TEST_CASE("redis limiter: a slow Redis or a wrong password never blocks past the deadline", "[redis]") {
    SECTION("DEBUG SLEEP") {
        redis_server redis;
        tcchat::redis_limiter limiter(redis.options(100, 100));
        REQUIRE(limiter.reserve(key, 1s).has_value());
        std::thread sleeper([&] { redis.command({"DEBUG", "SLEEP", "2"}, 5000ms); });
        std::this_thread::sleep_for(100ms);
        const auto started = std::chrono::steady_clock::now();
        const auto answer = limiter.reserve(key, 300ms);
        const auto took = std::chrono::steady_clock::now() - started;
        sleeper.join();
        REQUIRE_FALSE(answer.has_value());
        CHECK(answer.error().code == tcchat::code::limiter_unavailable);
        CHECK(took < 500ms); // the command timeout (200 ms), not Redis's 2 s
    }
    SECTION("wrong password") {
        redis_server redis("right-password");
        auto options = redis.options(100, 100);
        options.password = "wrong-password";
        tcchat::redis_limiter limiter(options);
        const auto refused = limiter.reserve(key, 1s);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == tcchat::code::limiter_unavailable);
        CHECK(refused.error().message.find("AUTH failed") != std::string::npos);
        CHECK(refused.error().message.find("wrong-password") == std::string::npos);
    }
}

TEST_CASE("redis limiter: a 60007 slows every process sharing the budget", "[redis]") {
    redis_server redis;
    tcchat::redis_limiter first(redis.options(100, 5)), second(redis.options(100, 5));
    CHECK(redis.command({"PTTL", first.redis_key(key)}) == "-2"); // no key before the first permit
    REQUIRE(second.reserve(key, 1s).has_value());
    const auto ttl = std::stol(redis.command({"PTTL", first.redis_key(key)}));
    CHECK(ttl > 0); // the key expires by itself
    CHECK(ttl <= 1100);
    first.on_rate_limited(key);
    // The other instance now has no burst and half the rate: its next permits are 20 ms apart, not 0 and 10.
    const auto a = second.reserve(key, 1s), b = second.reserve(key, 1s);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(*b - *a >= 15ms);
}

TEST_CASE("redis limiter: redis:// URLs", "[redis]") {
    const auto full = tcchat::redis_limiter_options::from_url("redis://:pw@10.1.2.3:6380/2");
    REQUIRE(full);
    CHECK(full->host == "10.1.2.3");
    CHECK(full->port == 6380);
    CHECK(full->password == "pw");
    CHECK(full->database == 2);
    const auto unix_socket = tcchat::redis_limiter_options::from_url("unix:///run/redis.sock");
    REQUIRE(unix_socket);
    CHECK(unix_socket->unix_socket == "/run/redis.sock");
    CHECK_FALSE(tcchat::redis_limiter_options::from_url("http://x"));
    CHECK_FALSE(tcchat::redis_limiter_options::from_url("redis://host:99999"));
    CHECK_FALSE(tcchat::redis_limiter_options::from_url("redis://"));
}

#if TCCHAT_TEST_WITH_SERVE
TEST_CASE("redis limiter: tcchat call --redis --rate --max-attempts share one budget across processes", "[redis]") {
    redis_server redis;
    served_emulator server({"--fixed-time", "1700000000"});
    scratch_file body("call-body", R"({"From_Account":"user0","StartIndex":0})");
    const auto call = [&](std::vector<std::string> extra) {
        std::vector<std::string> argv{serve_binary(), "call", "get_contact_group", body.path(), "--sdkappid", "1400000000",
                                      "--identifier", "admin", "--endpoint", "http://127.0.0.1:" + std::to_string(server.port())};
        argv.insert(argv.end(), extra.begin(), extra.end());
        scratch_file errors("call-stderr");
        child_process process(argv, {{"TCCHAT_USERSIG", "x"}}, errors.path());
        return process.wait_exit(30s).value_or(-1);
    };
    const std::string redis_url = "redis://127.0.0.1:" + std::to_string(redis.port()) + "/0";
    // One permit per second for the app and command, kept in Redis: the second process waits for the first's
    // budget to refill although it has a bucket of its own.
    const auto started = std::chrono::steady_clock::now();
    CHECK(call({"--redis", redis_url, "--rate", "1"}) == 0);
    CHECK(call({"--redis", redis_url, "--rate", "1"}) == 0);
    CHECK(std::chrono::steady_clock::now() - started > 800ms);
    CHECK(redis.command({"EXISTS", "tcchat:budget:1400000000/get_contact_group"}) == "1");
    // --max-attempts 1: a 60007 comes back as it is (exit 3), after one request.
    served_emulator capped({"--qps", "1"});
    const auto call_capped = [&] {
        scratch_file errors("call-stderr");
        child_process process({serve_binary(), "call", "get_contact_group", body.path(), "--sdkappid", "1400000000", "--identifier",
                               "admin", "--endpoint", "http://127.0.0.1:" + std::to_string(capped.port()), "--max-attempts", "1"},
                              {{"TCCHAT_USERSIG", "x"}}, errors.path());
        return process.wait_exit(30s).value_or(-1);
    };
    CHECK(call_capped() == 0);
    CHECK(call_capped() == 3);
    std::size_t requests = 0;
    const std::string log = capped.log();
    for (auto at = log.find(" POST "); at != std::string::npos; at = log.find(" POST ", at + 1)) ++requests;
    CHECK(requests == 2);
    CHECK(log.find("ErrorCode 60007") != std::string::npos);
    // A malformed URL is a usage error.
    CHECK(call({"--redis", "http://not-redis"}) == 64);
}
#endif
