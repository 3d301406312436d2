// tcchat::redis_limiter against a real redis-server that each test starts on 127.0.0.1 and a free port (never a
// shared or default instance), and `tcchat serve` for the end-to-end budget. Processes are forked children, each
// with its own limiter and connections, as separate instances of a service would be. Replies that a real Redis
// never sends (a trickle, a 10 MB bulk, a 27-hour wait) come from scripted_redis, a loopback peer of the test's.

#include "../serve/serve_harness.hpp"

#include <tcchat/asio.hpp>
#include <tcchat/client.hpp>
#include <tcchat/emulator.hpp>
#include <tcchat/limiter/redis.hpp>
#include <tcchat/timer_thread.hpp>
#include <tcchat/transport/curl.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <future>
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

bool has_ipv6_loopback() {
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (fd >= 0) ::close(fd);
    return bound;
}

/// redis-server on 127.0.0.1 (or `address`) and a port of its own, without persistence; killed with the object.
class redis_server {
public:
    explicit redis_server(std::string password = "", std::string address = "127.0.0.1", std::vector<std::string> more_arguments = {})
        : port_(free_port()), password_(std::move(password)), address_(std::move(address)), more_arguments_(std::move(more_arguments)) {
        start();
    }

    void start() {
        std::vector<std::string> argv{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", address_, "--save", "",
                                      "--appendonly", "no", "--enable-debug-command", "local"};
        if (!password_.empty()) argv.insert(argv.end(), {"--requirepass", password_});
        argv.insert(argv.end(), more_arguments_.begin(), more_arguments_.end());
        process_ = std::make_unique<child_process>(argv, std::vector<env_change>{}, log_.path());
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!answers_ping()) {
            if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("redis-server did not start: " + log_.contents());
            std::this_thread::sleep_for(20ms);
        }
    }

    void kill() { process_.reset(); }

    /// A command on a blocking hiredis connection of the test's own, e.g. DEBUG SLEEP; answers the reply as text
    /// (an array's elements separated by spaces).
    std::string command(const std::vector<std::string>& words, std::chrono::milliseconds timeout = 5000ms) const {
        const timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        tcchat::detail::redis_connection connection(redisConnectWithTimeout(address_.c_str(), port_, limit));
        if (!connection || connection->err) return "connect failed";
        redisSetTimeout(connection.get(), limit);
        const auto run = [&](const std::vector<std::string>& command_words) {
            std::vector<const char*> argv;
            std::vector<std::size_t> lengths;
            for (const auto& word : command_words) {
                argv.push_back(word.data());
                lengths.push_back(word.size());
            }
            return tcchat::detail::redis_reply(
                static_cast<redisReply*>(redisCommandArgv(connection.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        };
        if (!password_.empty()) run({"AUTH", password_});
        const tcchat::detail::redis_reply reply = run(words);
        if (!reply) return "no reply";
        return text_of(*reply);
    }

    unsigned short port() const noexcept { return port_; }

    tcchat::redis_limiter_options options(double per_second, double burst) const {
        tcchat::redis_limiter_options o;
        o.host = address_;
        o.port = port_;
        o.password = password_;
        o.budget.rate = {per_second, burst};
        o.reconnect_backoff = 50ms;
        o.max_reconnect_backoff = 200ms;
        return o;
    }

private:
    bool answers_ping() const { return command({"PING"}, 200ms) == "PONG"; }

    static std::string text_of(const redisReply& reply) {
        if (reply.type == REDIS_REPLY_INTEGER) return std::to_string(reply.integer);
        if (reply.type != REDIS_REPLY_ARRAY) return reply.str ? std::string(reply.str, reply.len) : std::string();
        std::string out;
        for (std::size_t i = 0; i < reply.elements; ++i) out += (i == 0 ? "" : " ") + text_of(*reply.element[i]);
        return out;
    }

    unsigned short port_;
    std::string password_;
    std::string address_;
    std::vector<std::string> more_arguments_;
    scratch_file log_{"redis-log"};
    std::unique_ptr<child_process> process_;
};

/// What scripted_redis sends for one command.
struct scripted_reply {
    std::string bytes;                     ///< sent at once
    std::chrono::milliseconds trickle{0};  ///< when set, one more byte per period afterwards, until the client hangs up
                                           ///< or 15 s pass (so that a client without a deadline ends too)
};

/// A protocol peer on 127.0.0.1 for the replies a real Redis never sends: it reads each RESP command and sends
/// what `answer` says, one connection at a time. Everything stops with the object.
class scripted_redis {
public:
    using answer_function = std::function<scripted_reply(const std::vector<std::string>& words)>;

    explicit scripted_redis(answer_function answer) : answer_(std::move(answer)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("scripted_redis cannot listen");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }

    /// Answers SCRIPT LOAD with a digest and AUTH and SELECT with OK, as a healthy server would, and the script
    /// (EVALSHA or EVAL) with `script_reply`.
    static answer_function script_answered_with(scripted_reply script_reply) {
        return [script_reply](const std::vector<std::string>& words) {
            const std::string verb = words.empty() ? "" : words[0];
            if (verb == "SCRIPT") return scripted_reply{"$40\r\n0123456789abcdef0123456789abcdef01234567\r\n"};
            if (verb == "EVALSHA" || verb == "EVAL") return script_reply;
            return scripted_reply{"+OK\r\n"};
        };
    }

    scripted_redis(const scripted_redis&) = delete;
    scripted_redis& operator=(const scripted_redis&) = delete;

    ~scripted_redis() {
        stopping_ = true;
        if (const int client = client_.load(); client >= 0) ::shutdown(client, SHUT_RDWR); // unblocks a send
        thread_.join();
        ::close(listener_);
    }

    unsigned short port() const noexcept { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

    /// Commands read so far, by their first word.
    std::vector<std::string> verbs() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return verbs_;
    }

private:
    void serve() {
        while (!stopping_) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 20) <= 0) continue;
            const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            client_ = client;
            talk(client);
            client_ = -1;
            ::close(client);
        }
    }

    void talk(int client) {
        std::string pending;
        while (!stopping_) {
            while (const auto words = take_command(pending)) {
                {
                    const std::lock_guard<std::mutex> lock(mutex_);
                    verbs_.push_back(words->empty() ? "" : (*words)[0]);
                }
                const scripted_reply reply = answer_(*words);
                if (!send_all(client, reply.bytes)) return;
                const auto trickle_end = std::chrono::steady_clock::now() + 15s;
                while (reply.trickle.count() > 0 && !stopping_) {
                    std::this_thread::sleep_for(reply.trickle);
                    if (std::chrono::steady_clock::now() > trickle_end || !send_all(client, "7")) return;
                }
            }
            pollfd readable{client, POLLIN, 0};
            if (::poll(&readable, 1, 20) <= 0) continue;
            char chunk[4096];
            const ssize_t got = ::recv(client, chunk, sizeof chunk, 0);
            if (got <= 0) return;
            pending.append(chunk, static_cast<std::size_t>(got));
        }
    }

    bool send_all(int client, std::string_view bytes) const {
        while (!bytes.empty() && !stopping_) {
            const ssize_t sent = ::send(client, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(sent));
        }
        return bytes.empty();
    }

    /// One complete RESP command ("*N" then N "$len" strings) from the front of `pending`, removed from it.
    static std::optional<std::vector<std::string>> take_command(std::string& pending) {
        std::size_t at = 0;
        const auto number_after = [&](char marker) -> std::optional<long> {
            const auto end = pending.find("\r\n", at);
            if (at >= pending.size() || pending[at] != marker || end == std::string::npos) return std::nullopt;
            const long value = std::stol(pending.substr(at + 1, end - at - 1));
            at = end + 2;
            return value;
        };
        const auto count = number_after('*');
        if (!count) return std::nullopt;
        std::vector<std::string> words;
        for (long i = 0; i < *count; ++i) {
            const auto length = number_after('$');
            if (!length || pending.size() < at + static_cast<std::size_t>(*length) + 2) return std::nullopt;
            words.push_back(pending.substr(at, static_cast<std::size_t>(*length)));
            at += static_cast<std::size_t>(*length) + 2;
        }
        pending.erase(0, at);
        return words;
    }

    answer_function answer_;
    int listener_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> client_{-1};
    mutable std::mutex mutex_;
    std::vector<std::string> verbs_;
    std::thread thread_;
};

/// Options for a limiter of scripted_redis, failing closed.
tcchat::redis_limiter_options scripted_options(const scripted_redis& peer) {
    auto options = *tcchat::redis_limiter_options::from_url(peer.url());
    options.reconnect_backoff = 10ms;
    options.max_reconnect_backoff = 10ms;
    return options;
}

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

/// The limiter's state switches (available or not, and why), recorded from whichever thread reports them.
class recorded_switches {
public:
    void attach(tcchat::redis_limiter_options& options) {
        options.on_state_change = [this](bool available, const std::string& why) {
            const std::lock_guard<std::mutex> lock(mutex_);
            switches_.emplace_back(available, why);
        };
    }
    std::vector<std::pair<bool, std::string>> seen() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return switches_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::pair<bool, std::string>> switches_;
};

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
    recorded_switches recorded;
    auto options = redis.options(1000, 1000);
    recorded.attach(options);
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
        const auto switches = recorded.seen();
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
    SECTION("local fallback scales a per-command rate by the share too") {
        options.budget.per_command = {{std::string(key.command), {100, 100}}};
        options.when_down = tcchat::redis_down_policy::local_fallback;
        options.fallback_share = 0.1; // 10 per second, a burst of 10, for this command (the default rate is 1000)
        tcchat::redis_limiter limiter(options);
        redis.kill();
        int immediate = 0;
        for (int i = 0; i < 10; ++i) {
            const auto permit = limiter.reserve(key, 10s);
            REQUIRE(permit.has_value());
            immediate += permit->count() == 0;
        }
        const auto eleventh = limiter.reserve(key, 10s);
        REQUIRE(eleventh.has_value());
        CHECK(immediate == 10);
        CHECK(*eleventh > 80ms); // one permit per 100 ms; the unscaled rate would give 10 ms
        CHECK(*eleventh <= 100ms);
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
    REQUIRE(full.has_value());
    CHECK(full->host == "10.1.2.3");
    CHECK(full->port == 6380);
    CHECK(full->password == "pw");
    CHECK(full->database == 2);
    const auto unix_socket = tcchat::redis_limiter_options::from_url("unix:///run/redis.sock");
    REQUIRE(unix_socket.has_value());
    CHECK(unix_socket->unix_socket == "/run/redis.sock");
    CHECK_FALSE(tcchat::redis_limiter_options::from_url("http://x").has_value());
    CHECK_FALSE(tcchat::redis_limiter_options::from_url("redis://host:99999").has_value());
    CHECK_FALSE(tcchat::redis_limiter_options::from_url("redis://").has_value());
    const auto with_user = tcchat::redis_limiter_options::from_url("redis://alice:p:w@host");
    REQUIRE(with_user.has_value());
    CHECK(with_user->user == "alice");
    CHECK(with_user->password == "p:w");
    const auto password_only = tcchat::redis_limiter_options::from_url("redis://pw@host"); // as before: no colon, a password
    REQUIRE(password_only.has_value());
    CHECK(password_only->user.empty());
    CHECK(password_only->password == "pw");
    const auto ipv6 = tcchat::redis_limiter_options::from_url("redis://alice:pw@[::1]:6380/3");
    REQUIRE(ipv6.has_value());
    CHECK(ipv6->host == "::1");
    CHECK(ipv6->port == 6380);
    CHECK(ipv6->database == 3);
    const auto ipv6_default_port = tcchat::redis_limiter_options::from_url("redis://[fe80::1%lo]");
    REQUIRE(ipv6_default_port.has_value());
    CHECK(ipv6_default_port->host == "fe80::1%lo");
    CHECK(ipv6_default_port->port == 6379);
    for (const char* malformed : {"redis://[::1", "redis://[]:6379", "redis://[::1]6379", "redis://[::1]:", "redis://::1", "redis://::1:6379"}) {
        INFO(malformed);
        CHECK_FALSE(tcchat::redis_limiter_options::from_url(malformed).has_value());
    }
}

TEST_CASE("redis limiter: a malformed URL is an error that says what is wrong and never repeats the password", "[redis]") {
    const std::pair<const char*, const char*> cases[] = {
        {"http://s3cret@x", "Redis URL: it must start with redis:// or unix://"},
        {"unix://", "Redis URL: unix:// needs the socket's path, as unix:///run/redis.sock"},
        {"redis://:s3cret@host:99999", "Redis URL: the port must be a number from 1 to 65535"},
        {"redis://:s3cret@host:6x79", "Redis URL: the port must be a number from 1 to 65535"},
        {"redis://:s3cret@host/db", "Redis URL: the database after the host's '/' must be a number of at most 4 digits"},
        {"redis://:s3cret@[::1", "Redis URL: the '[' of an IPv6 host is not closed"},
        {"redis://[::1]6379", "Redis URL: only :port may follow an IPv6 host in brackets"},
        {"redis://:s3cret@::1:6379", "Redis URL: an IPv6 host must be written in brackets, as redis://[::1]:6379"},
        {"redis://:s3cret@", "Redis URL: the host is missing"},
    };
    for (const auto& [url, why] : cases) {
        INFO(url);
        const auto parsed = tcchat::redis_limiter_options::from_url(url);
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().code == tcchat::code::invalid_options);
        CHECK(parsed.error().message == why);
        CHECK(tcchat::to_string(parsed.error()).find("s3cret") == std::string::npos);
    }
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

namespace {

/// The limiter's answer for `time_left` when the script is answered with `reply_bytes`.
tcchat::permit reserve_against(const std::string& reply_bytes, std::chrono::nanoseconds time_left) {
    scripted_redis peer(scripted_redis::script_answered_with({reply_bytes}));
    tcchat::redis_limiter limiter(scripted_options(peer));
    return limiter.reserve(key, time_left);
}

std::string message_of(const tcchat::permit& answer) { return answer ? std::string("a permit") : answer.error().message; }

} // namespace

TEST_CASE("redis limiter: a reply that trickles in ends by the command timeout and frees the timer thread", "[redis]") {
    // A bulk string announced at 10 MB, then one byte every 100 ms: each read ends well within any per-read
    // timeout, so only a bound on the whole exchange stops it.
    auto peer = std::make_unique<scripted_redis>(scripted_redis::script_answered_with({"*2\r\n:1\r\n$10000000\r\n", 100ms}));
    auto options = scripted_options(*peer);
    options.command_timeout = 300ms;
    tcchat::redis_limiter limiter(options);
    SECTION("reserve") {
        const auto started = std::chrono::steady_clock::now();
        const auto refused = limiter.reserve(key, 30s);
        const auto took = std::chrono::steady_clock::now() - started;
        std::printf("trickling reply: reserve answered after %lld ms (command timeout 300 ms, 30 s left)\n",
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == tcchat::code::limiter_unavailable);
        CHECK(refused.error().message.find("in time") != std::string::npos);
        CHECK(took < 1s);
    }
    SECTION("async_reserve beside a 50 ms job of the shared timer thread") {
        // Shared with the jobs, which may outlive a failed check: nothing they touch lives on this stack.
        const auto answered = std::make_shared<std::promise<tcchat::permit>>();
        const auto job_ran = std::make_shared<std::promise<std::chrono::steady_clock::time_point>>();
        auto answer = answered->get_future();
        auto job = job_ran->get_future();
        const auto started = std::chrono::steady_clock::now();
        limiter.async_reserve(key, 30s, [answered](tcchat::permit permit) { answered->set_value(std::move(permit)); });
        tcchat::timer_thread::shared().schedule(50ms, [job_ran] { job_ran->set_value(std::chrono::steady_clock::now()); });
        const bool job_on_time = job.wait_for(5s) == std::future_status::ready;
        const bool answered_on_time = answer.wait_for(5s) == std::future_status::ready;
        peer.reset(); // ends a trickle that is still running, so that the limiter is idle before it is destroyed
        answer.wait();
        const auto late = job_on_time ? job.get() - started - 50ms : std::chrono::steady_clock::duration(5s);
        std::printf("trickling reply: a 50 ms job of the timer thread ran %lld ms late\n",
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(late).count()));
        CHECK(job_on_time);
        CHECK(answered_on_time);
        CHECK(late < 1s);
        const auto permit = answer.get();
        REQUIRE_FALSE(permit.has_value());
        CHECK(permit.error().code == tcchat::code::limiter_unavailable);
    }
}

TEST_CASE("redis limiter: a reply larger than the cap is refused before it is read to the end", "[redis]") {
    // With a command timeout of 5 s, only the cap refuses these at once.
    const auto refused_in = [](scripted_reply reply) {
        scripted_redis peer(scripted_redis::script_answered_with(std::move(reply)));
        auto options = scripted_options(peer);
        options.command_timeout = 5s;
        tcchat::redis_limiter limiter(options);
        const auto started = std::chrono::steady_clock::now();
        const auto answer = limiter.reserve(key, 30s);
        const auto took = std::chrono::steady_clock::now() - started;
        CHECK(took < 2s);
        return answer;
    };
    SECTION("a 10 MB bulk string") {
        const auto refused = refused_in({"$10000000\r\n" + std::string(64 * 1024, 'x'), 100ms});
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == tcchat::code::limiter_unavailable);
        CHECK(refused.error().message.find("more than 4096 bytes") != std::string::npos);
    }
    SECTION("a reply of exactly the cap is read and one byte more is refused") {
        // An error reply padded to the size wanted: read whole, it is quoted (cut at 200 bytes); past the cap it
        // is refused unread.
        const auto padded_error = [](std::size_t size) { return "-ERR " + std::string(size - 7, 'e') + "\r\n"; };
        REQUIRE(padded_error(4096).size() == 4096);
        const auto at_cap = refused_in({padded_error(4096), 0ms});
        REQUIRE_FALSE(at_cap.has_value());
        CHECK(at_cap.error().message.find("the script failed: ERR eee") != std::string::npos);
        CHECK(at_cap.error().message.find("more than 4096 bytes") == std::string::npos);
        const auto over_cap = refused_in({padded_error(4097), 0ms});
        REQUIRE_FALSE(over_cap.has_value());
        CHECK(over_cap.error().message.find("more than 4096 bytes") != std::string::npos);
    }
    SECTION("an array of 100 million elements, announced in 12 bytes") {
        const auto refused = refused_in({"*100000000\r\n", 100ms});
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().message.find("more than 16 elements") != std::string::npos);
    }
}

TEST_CASE("redis limiter: a script answer outside 0 to time left or of the wrong shape counts as Redis being down", "[redis]") {
    struct bad_answer {
        const char* reply;
        const char* why;
    };
    const bad_answer bad_answers[] = {
        {"*2\r\n:1\r\n:100000000000\r\n", "permit 100000000000 microseconds away, with only 2000000 microseconds left"}, // 27.7 hours
        {"*2\r\n:1\r\n:9223372036854775807\r\n", "permit 9223372036854775807 microseconds away"},            // * 1000 overflows
        {"*2\r\n:1\r\n:2000001\r\n", "permit 2000001 microseconds away"},
        {"*2\r\n:1\r\n:-5\r\n", "negative wait"},
        {"*2\r\n:0\r\n:-9223372036854775808\r\n", "negative wait"},
        {"*2\r\n:2\r\n:0\r\n", "a grant of 2, neither 0 nor 1"},
        {"*3\r\n:1\r\n:0\r\n:0\r\n", "two integers"},
        {"*2\r\n:1\r\n$1\r\n0\r\n", "two integers"},
        {"+OK\r\n", "two integers"},
    };
    for (const bad_answer& bad : bad_answers) {
        INFO(bad.reply);
        const auto answer = reserve_against(bad.reply, 2s);
        INFO(message_of(answer));
        CHECK_FALSE(answer.has_value());
        if (answer) continue;
        CHECK(answer.error().code == tcchat::code::limiter_unavailable); // as for any answer Redis should not give
        CHECK(answer.error().message.find(bad.why) != std::string::npos);
    }
    // The edges are answers the script can give.
    const auto at_the_deadline = reserve_against("*2\r\n:1\r\n:2000000\r\n", 2s);
    REQUIRE(at_the_deadline.has_value());
    CHECK(*at_the_deadline == 2s);
    const auto far_refusal = reserve_against("*2\r\n:0\r\n:9223372036854775807\r\n", 2s); // saturated, not overflowed
    REQUIRE_FALSE(far_refusal.has_value());
    CHECK(far_refusal.error().code == tcchat::code::deadline_exceeded);
    CHECK(far_refusal.error().message.find("9223372036854 ms away") != std::string::npos);
}

TEST_CASE("redis limiter: a rate or burst beyond what the script can count is clamped not cast out of range", "[redis]") {
    redis_server redis;
    SECTION("a burst of 1e300 is a burst of 10^9") {
        tcchat::redis_limiter limiter(redis.options(1, 1e300));
        for (int i = 0; i < 100; ++i) {
            const auto permit = limiter.reserve(key, 1s);
            INFO(message_of(permit));
            REQUIRE(permit.has_value());
            REQUIRE(*permit == 0ns);
        }
    }
    SECTION("a rate of NaN is the slowest rate, one permit in 11.6 days") {
        tcchat::redis_limiter limiter(redis.options(std::nan(""), 1));
        REQUIRE(limiter.reserve(key, 1s).has_value());
        const auto second = limiter.reserve(key, 1s);
        REQUIRE_FALSE(second.has_value());
        CHECK(second.error().code == tcchat::code::deadline_exceeded);
    }
}

TEST_CASE("redis limiter: the server's text reaches errors without the password and cut to 200 bytes", "[redis]") {
    const auto refused_when = [](std::string_view verb, std::string error_reply) {
        scripted_redis peer([verb, error_reply, healthy = scripted_redis::script_answered_with({"*2\r\n:1\r\n:0\r\n"})](const std::vector<std::string>& words) {
            return !words.empty() && words[0] == verb ? scripted_reply{error_reply} : healthy(words);
        });
        auto options = scripted_options(peer);
        options.password = "S3cret";
        tcchat::redis_limiter limiter(options);
        const auto answer = limiter.reserve(key, 2s);
        REQUIRE_FALSE(answer.has_value());
        CHECK(answer.error().code == tcchat::code::limiter_unavailable);
        CHECK(answer.error().message.find("S3cret") == std::string::npos);
        return answer.error().message;
    };
    // An AUTH error shows its first word only: Redis may quote the password cut short, where no redaction of the
    // whole password finds it.
    SECTION("an AUTH error that quotes the password") {
        const std::string message = refused_when("AUTH", "-ERR invalid password 'S3cret'\r\n");
        CHECK(message.find("AUTH failed: ERR (the rest of Redis's answer is withheld") != std::string::npos);
        CHECK(message.find("invalid password") == std::string::npos);
    }
    SECTION("an AUTH error that quotes the password cut short") {
        const std::string message =
            refused_when("AUTH", "-ERR unknown command 'AUTH', with args beginning with: 'default' 'S3cr'\r\n");
        CHECK(message.find("S3cr") == std::string::npos);
        CHECK(message.find("AUTH failed: ERR (") != std::string::npos);
    }
    SECTION("a long AUTH error") {
        const std::string message = refused_when("AUTH", "-ERR S3cret " + std::string(3000, 'e') + " S3cret\r\n");
        CHECK(message.find("eee") == std::string::npos);
        CHECK(message.size() < 400);
    }
    SECTION("a 5 MB AUTH error") {
        const std::string message = refused_when("AUTH", "-ERR " + std::string(5 * 1024 * 1024, 'e') + "\r\n");
        CHECK(message.find("more than 4096 bytes") != std::string::npos);
        CHECK(message.size() < 400);
    }
    SECTION("a long error from the script") {
        const std::string message = refused_when("EVALSHA", "-ERR S3cret " + std::string(3000, 'e') + "\r\n");
        CHECK(message.find("the script failed: ERR (password) eee") != std::string::npos);
        CHECK(message.find("... (cut at 200 bytes)") != std::string::npos);
        CHECK(message.size() < 400);
    }
}

TEST_CASE("redis limiter: an ACL user from the URL authenticates as that user", "[redis]") {
    redis_server redis;
    REQUIRE(redis.command({"ACL", "SETUSER", "alice", "on", ">pw", "~*", "&*", "+@all"}) == "OK");
    const std::string address = "127.0.0.1:" + std::to_string(redis.port());
    auto alice = *tcchat::redis_limiter_options::from_url("redis://alice:pw@" + address);
    tcchat::redis_limiter limiter(alice);
    const auto permit = limiter.reserve(key, 1s);
    INFO(message_of(permit));
    CHECK(permit.has_value());
    CHECK(redis.command({"ACL", "LOG"}).find("alice") == std::string::npos); // no failed attempt as alice
    // Her name with another password is refused, so the name was sent.
    tcchat::redis_limiter impostor(*tcchat::redis_limiter_options::from_url("redis://alice:not-hers@" + address));
    const auto refused = impostor.reserve(key, 1s);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("AUTH failed: WRONGPASS") != std::string::npos);
    CHECK(redis.command({"ACL", "LOG"}).find("alice") != std::string::npos);
}

TEST_CASE("redis limiter: a Redis on the IPv6 loopback from a URL with the address in brackets", "[redis]") {
    if (!has_ipv6_loopback()) {
        if (std::getenv("CI") != nullptr) FAIL("no IPv6 loopback (::1) on this machine");
        WARN("no IPv6 loopback (::1): only the URL parse is tested (see the redis:// URLs test)");
        return;
    }
    redis_server redis("", "::1");
    const auto options = tcchat::redis_limiter_options::from_url("redis://[::1]:" + std::to_string(redis.port()) + "/0");
    REQUIRE(options.has_value());
    tcchat::redis_limiter limiter(*options);
    const auto permit = limiter.reserve(key, 1s);
    INFO(message_of(permit));
    CHECK(permit.has_value());
    CHECK(redis.command({"EXISTS", limiter.redis_key(key)}) == "1");
}

TEST_CASE("redis limiter: a Redis on a Unix socket from a unix:// URL", "[redis]") {
    const std::string socket_path = std::filesystem::temp_directory_path().string() + "/tcchat-redis-" + std::to_string(::getpid()) + ".sock";
    redis_server redis("", "127.0.0.1", {"--unixsocket", socket_path, "--unixsocketperm", "700"});
    const auto options = tcchat::redis_limiter_options::from_url("unix://" + socket_path);
    REQUIRE(options.has_value());
    tcchat::redis_limiter limiter(*options);
    const auto permit = limiter.reserve(key, 1s);
    INFO(message_of(permit));
    CHECK(permit.has_value());
    CHECK(redis.command({"EXISTS", limiter.redis_key(key)}) == "1");
    redis.kill();
    ::unlink(socket_path.c_str());
    tcchat::redis_limiter no_server(*options); // the path is gone: refused at once, with the system's reason
    const auto refused = no_server.reserve(key, 1s);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == tcchat::code::limiter_unavailable);
    CHECK(refused.error().message.find("No such file or directory") != std::string::npos);
}

TEST_CASE("redis limiter: after SCRIPT FLUSH the next permit comes through EVAL with Redis still up", "[redis]") {
    redis_server redis;
    recorded_switches recorded;
    auto options = redis.options(1000, 1000);
    recorded.attach(options);
    tcchat::redis_limiter limiter(options);
    REQUIRE(limiter.reserve(key, 1s).has_value());
    const std::string sha = redis.command({"SCRIPT", "LOAD", std::string(tcchat::detail::gcra_script)}); // the limiter's digest
    REQUIRE(redis.command({"SCRIPT", "FLUSH"}) == "OK");
    REQUIRE(redis.command({"SCRIPT", "EXISTS", sha}) == "0");
    // Redis answers "NOSCRIPT No matching script. Please use EVAL."
    const auto permit = limiter.reserve(key, 1s);
    INFO(message_of(permit));
    CHECK(permit.has_value());
    CHECK(limiter.redis_available());
    CHECK(redis.command({"SCRIPT", "EXISTS", sha}) == "1"); // EVAL cached the script again
    CHECK(recorded.seen().empty());
}

#if TCCHAT_TEST_WITH_SERVE
TEST_CASE("redis limiter: tcchat call takes the Redis URL from TCCHAT_REDIS_URL out of sight of ps", "[redis]") {
    redis_server redis("s3cret");
    served_emulator server({"--fixed-time", "1700000000"});
    scratch_file body("call-body", R"({"From_Account":"user0","StartIndex":0})");
    scratch_file errors("call-stderr");
    const auto call = [&](const std::string& redis_url) {
        child_process process({serve_binary(), "call", "get_contact_group", body.path(), "--sdkappid", "1400000000", "--identifier", "admin",
                               "--endpoint", "http://127.0.0.1:" + std::to_string(server.port()), "--rate", "1"},
                              {{"TCCHAT_USERSIG", "x"}, {"TCCHAT_REDIS_URL", redis_url}}, errors.path());
        return process.wait_exit(30s).value_or(-1);
    };
    CHECK(call("redis://:s3cret@127.0.0.1:" + std::to_string(redis.port()) + "/0") == 0);
    CHECK(redis.command({"EXISTS", "tcchat:budget:1400000000/get_contact_group"}) == "1");
    // A malformed URL is a usage error that names the variable and does not repeat the URL.
    CHECK(call("http://:s3cret@127.0.0.1") == 64);
    CHECK(errors.contents().find("TCCHAT_REDIS_URL") != std::string::npos);
    CHECK(errors.contents().find("s3cret") == std::string::npos);
}

TEST_CASE("redis limiter: tcchat call against a Redis that trickles its reply ends by the command timeout", "[redis]") {
    scripted_redis peer(scripted_redis::script_answered_with({"*2\r\n:1\r\n$10000000\r\n", 100ms}));
    scratch_file body("call-body", R"({"From_Account":"user0","StartIndex":0})");
    scratch_file errors("call-stderr");
    const auto started = std::chrono::steady_clock::now();
    // The limiter refuses before any request, so the endpoint is never reached.
    child_process process({serve_binary(), "call", "get_contact_group", body.path(), "--sdkappid", "1400000000", "--identifier", "admin",
                           "--endpoint", "http://127.0.0.1:9", "--redis", peer.url()},
                          {{"TCCHAT_USERSIG", "x"}}, errors.path());
    const auto status = process.wait_exit(20s);
    const auto took = std::chrono::steady_clock::now() - started;
    std::printf("trickling reply: tcchat call exited %d after %lld ms\n", status.value_or(-1),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    CHECK(status == 4); // a transport failure: 90009, the shared rate limit is unavailable
    CHECK(took < 5s);
}
#endif

namespace {
/// A job every 5 ms that records how late it ran, until `until`: on an io_context, or on tcchat's timer thread.
struct tick_log {
    std::mutex mutex;
    std::chrono::steady_clock::duration latest{};
    int ticks = 0;
    void record(std::chrono::steady_clock::time_point due) {
        const std::lock_guard<std::mutex> lock(mutex);
        latest = std::max(latest, std::chrono::steady_clock::now() - due);
        ++ticks;
    }
    int count() {
        const std::lock_guard<std::mutex> lock(mutex);
        return ticks;
    }
    long long latest_ms() {
        const std::lock_guard<std::mutex> lock(mutex);
        return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(latest).count());
    }
};

void tick_on_timer_thread(std::shared_ptr<tick_log> log, std::chrono::steady_clock::time_point until) {
    const auto due = std::chrono::steady_clock::now() + 5ms;
    tcchat::timer_thread::shared().schedule(5ms, [log, until, due] {
        log->record(due);
        if (std::chrono::steady_clock::now() < until) tick_on_timer_thread(log, until);
    });
}

void tick_on_context(boost::asio::io_context& context, std::shared_ptr<tick_log> log, std::chrono::steady_clock::time_point until) {
    const auto due = std::chrono::steady_clock::now() + 5ms;
    auto timer = std::make_shared<boost::asio::steady_timer>(context, due);
    timer->async_wait([&context, log, until, due, timer](const boost::system::error_code&) {
        log->record(due);
        if (std::chrono::steady_clock::now() < until) tick_on_context(context, log, until);
    });
}
} // namespace

TEST_CASE("redis limiter: 100 async calls waiting on a Redis in DEBUG SLEEP hold up neither an io_context nor the timer thread", "[redis]") {
    redis_server redis;
    auto limiter_options = redis.options(1000, 1000);
    limiter_options.when_down = tcchat::redis_down_policy::local_fallback; // permits from the local share meanwhile
    auto limiter = std::make_shared<tcchat::redis_limiter>(limiter_options);
    REQUIRE(limiter->reserve(key, 1s).has_value()); // connected and the script loaded
    std::thread sleeper([&] { redis.command({"DEBUG", "SLEEP", "1"}, 5000ms); });
    std::this_thread::sleep_for(50ms);

    boost::asio::io_context context;
    tcchat::emulation::emulator service;
    tcchat::client_options options;
    options.base_url = "http://127.0.0.1:9";
    options.identity = {1400000000, "admin"};
    options.usersig = tcchat::fixed_usersig("s");
    options.limiter = limiter;
    options.deadline = 3s;
    options.schedule = tcchat::asio_scheduler(context.get_executor());
    tcchat::client<tcchat::emulation::in_memory_transport> chat(tcchat::emulation::in_memory_transport(service), options);

    const auto started = std::chrono::steady_clock::now();
    const auto until = started + 1500ms;
    auto context_ticks = std::make_shared<tick_log>();
    auto timer_ticks = std::make_shared<tick_log>();
    tick_on_context(context, context_ticks, until);
    tick_on_timer_thread(timer_ticks, until);
    struct answer {
        std::chrono::steady_clock::duration after;
        std::optional<tcchat::error> failure;
    };
    auto answers = std::make_shared<std::vector<answer>>();
    for (int i = 0; i < 100; ++i)
        tcchat::async_call(chat, tcchat::get_contact_group_request{"u", 0},
                           boost::asio::bind_executor(context, [answers, started](tcchat::result<tcchat::get_contact_group_response> r) {
                               answers->push_back({std::chrono::steady_clock::now() - started,
                                                   r ? std::nullopt : std::optional<tcchat::error>(r.error())});
                           }));
    context.run(); // until the ticks have stopped and every call has completed
    sleeper.join();
    while (timer_ticks->count() == 0 || std::chrono::steady_clock::now() < until + 50ms) std::this_thread::sleep_for(10ms);

    std::printf("DEBUG SLEEP 1 with 100 async calls: io_context tick at most %lld ms late over %d ticks, timer thread %lld ms over %d\n",
                context_ticks->latest_ms(), context_ticks->count(), timer_ticks->latest_ms(), timer_ticks->count());
    CHECK(context_ticks->latest_ms() <= 50);
    CHECK(timer_ticks->latest_ms() <= 50);
    REQUIRE(answers->size() == 100);
    int granted = 0;
    for (const auto& a : *answers) {
        CHECK(a.after <= options.deadline + 100ms);
        if (!a.failure) ++granted;
        else CHECK((a.failure->code == tcchat::code::limiter_unavailable || a.failure->code == tcchat::code::deadline_exceeded));
    }
    std::printf("  %d of 100 calls got a permit; the others a clear error within their deadline\n", granted);
}

TEST_CASE("redis limiter: run_blocking takes async_reserve's exchange instead of a thread of the limiter's own", "[redis]") {
    redis_server redis;
    auto options = redis.options(100, 100);
    std::vector<std::function<void()>> jobs; // the embedder's own job queue
    options.run_blocking = [&jobs](std::function<void()> job) { jobs.push_back(std::move(job)); };
    tcchat::redis_limiter limiter(options);
    std::optional<tcchat::permit> answer;
    limiter.async_reserve(key, 1s, [&answer](tcchat::permit permit) { answer = std::move(permit); });
    CHECK_FALSE(answer.has_value()); // nothing ran: the exchange waits in the embedder's queue
    REQUIRE(jobs.size() == 1);
    jobs.front()();
    REQUIRE(answer.has_value());
    CHECK(answer->has_value());
}
