#pragma once
// Opt-in: one call budget shared by every process and machine, kept in Redis (link tcchat::redis, hiredis).
// The only tcchat header that includes hiredis.
//
// Each permit is one atomic Lua script (GCRA, the generic cell rate algorithm) run with EVALSHA, or EVAL when
// the server does not know the script (NOSCRIPT, after a restart). The clock is Redis's own TIME, so the clocks
// of the callers do not matter, and every key expires by itself once its budget is full again.
//
//   tcchat::redis_limiter_options redis;
//   redis.host = "10.0.0.5";
//   redis.budget.rate = {200, 200};
//   options.limiter = std::make_shared<tcchat::redis_limiter>(redis);
//
// When Redis cannot be reached, `when_down` decides: fail_closed (every call fails with 90009) or
// local_fallback (a per-process token bucket at fallback_share of the rate). The switch is reported once through
// on_state_change, and the limiter tries Redis again after reconnect_backoff (doubling up to its maximum).
// On a 60007 from the service, the shared state of that budget runs at half rate, with a burst of one, for
// `slowdown` (2 s by default), in every process.
//
// Redis is not trusted further than the script can answer: each exchange (connecting, sending, reading the whole
// reply) ends by command_timeout or the call's time left, whichever comes first; a reply longer than
// TCCHAT_REDIS_MAX_REPLY_BYTES, of the wrong shape, or with a wait outside [0, time left] counts as Redis being
// down; and the server's text reaches error messages without the password and cut to
// TCCHAT_REDIS_MAX_SERVER_TEXT bytes. Resolving a host name (getaddrinfo) is the one step without a bound: give
// an address, or a name the local resolver answers at once.

#include <tcchat/version.hpp>
#include <tcchat/error.hpp>
#include <tcchat/rate_limiter.hpp>
#include <tcchat/timer_thread.hpp>

#include <hiredis/hiredis.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#ifndef TCCHAT_REDIS_MAX_REPLY_BYTES
// The script answers two integers and SCRIPT LOAD a 40-character digest: a longer reply is refused unread.
#define TCCHAT_REDIS_MAX_REPLY_BYTES 4096
#endif

#ifndef TCCHAT_REDIS_MAX_SERVER_TEXT
// The most bytes of a Redis error's text that an error message quotes.
#define TCCHAT_REDIS_MAX_SERVER_TEXT 200
#endif

#if !defined(TCCHAT_ABI_TAG) && (TCCHAT_REDIS_MAX_REPLY_BYTES != 4096 || TCCHAT_REDIS_MAX_SERVER_TEXT != 200)
#error "tcchat: a TCCHAT_REDIS_MAX_* limit differs from its default: also define TCCHAT_ABI_TAG (docs/architecture.md, Two copies in one program)"
#endif

TCCHAT_NAMESPACE_BEGIN

enum class redis_down_policy : std::uint8_t {
    fail_closed,    ///< no permit without Redis: the call fails with code::limiter_unavailable
    local_fallback, ///< a per-process token bucket at fallback_share of the budget's rate
};

/// Where Redis is, the budgets kept there, and what happens while it cannot be reached.
struct redis_limiter_options {
    std::string host = "127.0.0.1"; ///< a name, an IPv4 address or an IPv6 one (without brackets)
    int port = 6379;
    std::string unix_socket; ///< used instead of host and port when set
    std::string user;        ///< an ACL user (Redis 6+): AUTH user password; empty: AUTH password
    std::string password;    ///< AUTH when set; a secret, never logged, removed from the server's text
    int database = 0;
    std::chrono::milliseconds connect_timeout{200}; ///< the connect alone; the exchange is bounded by command_timeout
    std::chrono::milliseconds command_timeout{200}; ///< one whole exchange, connecting included; also capped by each call's time left
    std::chrono::milliseconds reconnect_backoff{100};
    std::chrono::milliseconds max_reconnect_backoff{5000};
    std::size_t pool_size = 4; ///< connections kept for concurrent callers; more callers open more, briefly
    std::string key_prefix = "tcchat:budget:";
    budget_config budget;
    redis_down_policy when_down = redis_down_policy::fail_closed;
    double fallback_share = 0.25;                ///< e.g. 1 / the number of instances sharing the budget
    std::chrono::milliseconds slowdown{2000};    ///< half rate after a 60007
    /// Called once per switch: false with the reason when Redis is lost, true when it answers again.
    std::function<void(bool redis_available, const std::string& why)> on_state_change;
    /// Runs async_reserve's Redis exchange, which blocks for up to command_timeout: give it a job queue of your
    /// own (a thread pool's post). Empty: a worker thread of the limiter's own, started on first async_reserve
    /// and joined when the limiter is destroyed. Never an event loop's thread.
    std::function<void(std::function<void()> job)> run_blocking;

    /// "redis://[[user]:password@]host[:port][/db]" or "unix:///path/to.sock". An IPv6 host is written in
    /// brackets (redis://[::1]:6379); credentials without a colon are a password. A malformed URL is an error
    /// (90011 invalid_options) whose message says what is wrong without repeating the URL, which may hold the
    /// password.
    [[nodiscard]] static result<redis_limiter_options> from_url(std::string_view url) {
        const auto malformed = [](const char* why) {
            return make_error(code::invalid_options, error_origin::local, "", std::string("Redis URL: ") + why);
        };
        redis_limiter_options out;
        if (url.rfind("unix://", 0) == 0) {
            out.unix_socket = std::string(url.substr(7));
            if (out.unix_socket.empty()) return malformed("unix:// needs the socket's path, as unix:///run/redis.sock");
            return out;
        }
        if (url.rfind("redis://", 0) != 0) return malformed("it must start with redis:// or unix://");
        std::string_view rest = url.substr(8);
        if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
            const std::string_view credentials = rest.substr(0, at);
            const auto colon = credentials.find(':');
            if (colon != std::string_view::npos) out.user = std::string(credentials.substr(0, colon));
            out.password = std::string(colon == std::string_view::npos ? credentials : credentials.substr(colon + 1));
            rest = rest.substr(at + 1);
        }
        if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
            const std::string db(rest.substr(slash + 1));
            if (!db.empty()) {
                if (db.find_first_not_of("0123456789") != std::string::npos || db.size() > 4)
                    return malformed("the database after the host's '/' must be a number of at most 4 digits");
                out.database = std::stoi(db);
            }
            rest = rest.substr(0, slash);
        }
        // The port follows the host, and an IPv6 host's own colons are inside its brackets.
        std::string_view host = rest;
        std::optional<std::string_view> port;
        if (!rest.empty() && rest.front() == '[') {
            const auto close = rest.find(']');
            if (close == std::string_view::npos) return malformed("the '[' of an IPv6 host is not closed");
            host = rest.substr(1, close - 1);
            const std::string_view after = rest.substr(close + 1);
            if (!after.empty()) {
                if (after.front() != ':') return malformed("only :port may follow an IPv6 host in brackets");
                port = after.substr(1);
            }
        } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
            host = rest.substr(0, colon);
            port = rest.substr(colon + 1);
            if (host.find(':') != std::string_view::npos)
                return malformed("an IPv6 host must be written in brackets, as redis://[::1]:6379");
        }
        if (port) {
            if (port->empty() || port->size() > 5 || port->find_first_not_of("0123456789") != std::string_view::npos)
                return malformed("the port must be a number from 1 to 65535");
            out.port = std::stoi(std::string(*port));
            if (out.port < 1 || out.port > 65535) return malformed("the port must be a number from 1 to 65535");
        }
        if (host.empty()) return malformed("the host is missing");
        out.host = std::string(host);
        return out;
    }
};

namespace detail {

/// GCRA over one key, atomically. KEYS[1]: the budget's theoretical arrival time (TAT, microseconds of Redis
/// TIME); KEYS[2]: present while the budget is slowed down. ARGV: the emission interval and the burst (in
/// permits), the longest acceptable wait (microseconds), and 1 to record a 60007 for ARGV[4] ms instead of
/// taking a permit. Answers {1, wait} for a permit that may start after `wait` microseconds, {0, wait} when
/// that would be after the longest acceptable wait (nothing is reserved).
inline constexpr std::string_view gcra_script = R"lua(
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
if ARGV[4] ~= '0' then
  redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[4]))
  return {1, 0}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  interval = interval * 2
  burst = 1
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local start = tat + interval - burst * interval
if start < now then start = now end
local wait = start - now
if wait > tonumber(ARGV[3]) then return {0, wait} end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.floor((new_tat - now) / 1000) + 1000)
return {1, wait}
)lua";

struct redis_context_deleter {
    void operator()(redisContext* context) const noexcept { redisFree(context); }
};
using redis_connection = std::unique_ptr<redisContext, redis_context_deleter>;

struct redis_reply_deleter {
    void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};
using redis_reply = std::unique_ptr<redisReply, redis_reply_deleter>;

/// When one exchange with Redis must be over.
using redis_deadline = std::chrono::steady_clock::time_point;

/// No answer of ours holds more than two elements; hiredis allocates an array as soon as it reads its header, so
/// "*2000000000\r\n" (13 bytes, under any byte cap) would ask for 16 GB without this bound.
inline constexpr int max_reply_elements = 16;

/// hiredis's own reply builders, but an array longer than max_reply_elements is refused before it is allocated
/// (the reader then fails with REDIS_ERR_OOM, which exchange() reports as an oversized reply).
inline redisReplyObjectFunctions* bounded_reply_functions() {
    static const redisReplyObjectFunctions hiredis_functions = [] {
        redisReader* probe = redisReaderCreate(); // the only public way to reach hiredis's default builders
        if (probe == nullptr) boost::throw_exception(std::bad_alloc()); // as any allocation failing at static set-up
        const redisReplyObjectFunctions copy = *probe->fn;
        redisReaderFree(probe);
        return copy;
    }();
    static redisReplyObjectFunctions bounded = [] {
        redisReplyObjectFunctions functions = hiredis_functions;
        // The count is an int before hiredis 1.0 and a size_t since: the generic lambda converts to either.
        functions.createArray = [](const redisReadTask* task, auto elements) -> void* {
            return elements > static_cast<decltype(elements)>(max_reply_elements) ? nullptr : hiredis_functions.createArray(task, elements);
        };
        return functions;
    }();
    return &bounded;
}

/// Waits until `fd` is ready for `events`; false once `deadline` passes. An error or a hang-up counts as ready,
/// for the following read, write or SO_ERROR to report.
inline bool wait_until_ready(int fd, short events, redis_deadline deadline) {
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd watched{fd, events, 0};
        const int ready = ::poll(&watched, 1, static_cast<int>(std::min<std::chrono::milliseconds::rep>(left.count(), INT_MAX)));
        if (ready > 0) return true;
        if (ready < 0 && errno != EINTR) return false;
    }
}

inline std::string system_error_text(std::string_view what, int error_number) { return std::string(what) + ": " + std::strerror(error_number); }

/// A non-blocking connection to the Redis of `options`, established before `deadline`, or nullptr with `why`.
inline redis_connection connect(const redis_limiter_options& options, redis_deadline deadline, std::string& why) {
    redis_connection connection(options.unix_socket.empty() ? redisConnectNonBlock(options.host.c_str(), options.port)
                                                            : redisConnectUnixNonBlock(options.unix_socket.c_str()));
    if (!connection) {
        why = "cannot allocate a Redis context";
        return nullptr;
    }
    if (connection->err != 0) {
        why = connection->errstr;
        return nullptr;
    }
    if (!wait_until_ready(connection->fd, POLLOUT, deadline)) {
        why = "cannot connect to Redis: timed out";
        return nullptr;
    }
    int failure = 0;
    socklen_t size = sizeof failure;
    if (::getsockopt(connection->fd, SOL_SOCKET, SO_ERROR, &failure, &size) != 0) failure = errno;
    if (failure != 0) {
        why = system_error_text("cannot connect to Redis", failure);
        return nullptr;
    }
    connection->reader->fn = bounded_reply_functions();
    return connection;
}

/// Sends one command (its words binary-safe: a key or password may hold any byte) on a connection from
/// connect() and reads its complete reply, all before `deadline`: hiredis's own timeout applies to each read, so
/// a server that trickles one byte at a time would hold a blocking context for ever. A reply longer than
/// TCCHAT_REDIS_MAX_REPLY_BYTES is refused before the rest is read. nullptr with `why` on failure, after which
/// the connection may be in any state and is to be dropped.
inline redis_reply exchange(redisContext* context, const std::vector<std::string_view>& words, redis_deadline deadline, std::string& why) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string_view word : words) {
        argv.push_back(word.data());
        lengths.push_back(word.size());
    }
    char* formatted = nullptr;
    const int length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), argv.data(), lengths.data());
    const std::unique_ptr<char, void (*)(char*)> command(formatted, redisFreeCommand);
    if (length < 0) {
        why = "cannot format a Redis command";
        return nullptr;
    }
    for (std::size_t sent = 0; sent < static_cast<std::size_t>(length);) {
        if (!wait_until_ready(context->fd, POLLOUT, deadline)) {
            why = "Redis did not take the command in time";
            return nullptr;
        }
        const ssize_t written = ::send(context->fd, formatted + sent, static_cast<std::size_t>(length) - sent, MSG_NOSIGNAL);
        if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            why = system_error_text("cannot send to Redis", errno);
            return nullptr;
        }
        if (written > 0) sent += static_cast<std::size_t>(written);
    }
    const std::size_t oversized = TCCHAT_REDIS_MAX_REPLY_BYTES;
    const std::string too_long = "Redis sent a reply of more than " + std::to_string(oversized) + " bytes";
    for (std::size_t received = 0;;) {
        void* reply = nullptr;
        if (redisReaderGetReply(context->reader, &reply) != REDIS_OK) {
            why = context->reader->err == REDIS_ERR_OOM
                      ? "Redis sent a reply of more than " + std::to_string(max_reply_elements) + " elements (or memory ran out)"
                      : "Redis sent a malformed reply: " + std::string(context->reader->errstr);
            return nullptr;
        }
        if (reply != nullptr) return redis_reply(static_cast<redisReply*>(reply));
        if (!wait_until_ready(context->fd, POLLIN, deadline)) {
            why = "Redis did not answer in time";
            return nullptr;
        }
        char buffer[1024];
        const ssize_t got = ::recv(context->fd, buffer, std::min(sizeof buffer, oversized + 1 - received), 0);
        if (got == 0) {
            why = "Redis closed the connection";
            return nullptr;
        }
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            why = system_error_text("cannot read from Redis", errno);
            return nullptr;
        }
        received += static_cast<std::size_t>(got);
        if (received > oversized) { // refused before hiredis parses it: a reply one byte over the cap is not read
            why = too_long;
            return nullptr;
        }
        if (redisReaderFeed(context->reader, buffer, static_cast<std::size_t>(got)) != REDIS_OK) {
            why = "cannot buffer Redis's reply";
            return nullptr;
        }
    }
}

/// Text from the Redis server, fit for an error message: without `password` (an AUTH error may quote what it
/// was given) and at most TCCHAT_REDIS_MAX_SERVER_TEXT bytes, marked when cut (an error reply is as long as the
/// server likes). Cut on a UTF-8 character boundary.
inline std::string server_text(std::string_view text, std::string_view password) {
    std::string out(text);
    constexpr std::string_view hidden = "(password)";
    if (!password.empty())
        for (auto at = out.find(password); at != std::string::npos; at = out.find(password, at + hidden.size()))
            out.replace(at, password.size(), hidden);
    constexpr std::size_t longest = TCCHAT_REDIS_MAX_SERVER_TEXT;
    if (out.size() <= longest) return out;
    std::size_t cut = longest;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    return out + "... (cut at " + std::to_string(longest) + " bytes)";
}

/// An AUTH error as an error message may show it: its first word (WRONGPASS, ERR, NOPERM) only. Redis may quote
/// AUTH's arguments cut at some length ("unknown command 'AUTH', with args beginning with: ..."), and a cut password
/// is not found by server_text's redaction of the whole one.
inline std::string auth_error_text(std::string_view text) {
    const std::string_view first_word = text.substr(0, std::min<std::size_t>(text.find(' '), 32));
    return std::string(first_word) + " (the rest of Redis's answer is withheld: it may quote the password)";
}

} // namespace detail

/// A rate_limiter whose budgets live in Redis, shared by every process that uses the same keys.
class redis_limiter final : public rate_limiter {
public:
    /// Connects lazily, on first use; the local fallback runs at fallback_share of `options`' budget.
    explicit redis_limiter(redis_limiter_options options)
        : options_(with_bounded_times(std::move(options))), fallback_(scaled(options_.budget, options_.fallback_share)),
          backoff_(options_.reconnect_backoff) {}

    permit reserve(const budget_key& key, std::chrono::nanoseconds time_left) override {
        if (time_left <= std::chrono::nanoseconds(0)) return detail::permit_after_deadline(std::chrono::nanoseconds(0), time_left);
        const budget_rate rate = options_.budget.rate_of(key);
        const auto longest_wait = std::chrono::duration_cast<std::chrono::microseconds>(time_left);
        std::string why;
        const auto answer = run_script(key, {interval_argument(rate), burst_argument(rate), std::to_string(longest_wait.count()), "0"},
                                       longest_wait, time_left, why);
        if (!answer) return when_down(key, time_left, why);
        // A granted wait is at most longest_wait, which came from time_left, so it converts exactly; a refusal's
        // may be anything from Redis and is only reported, saturated.
        if (answer->granted) return std::chrono::nanoseconds(answer->wait);
        return detail::permit_after_deadline(
            detail::saturating_duration_cast<std::chrono::nanoseconds>(answer->wait), time_left);
    }

    /// Through options.run_blocking, or on the limiter's own worker thread, started on first use: a slow Redis
    /// (up to command_timeout per exchange) holds up neither the caller's thread, nor an event loop, nor tcchat's
    /// shared timer thread that resumes every async call's waits. The worker answers in the order asked.
    void async_reserve(const budget_key& key, std::chrono::nanoseconds time_left, permit_handler done) override {
        auto job = [this, sdkappid = key.sdkappid, command = std::string(key.command), time_left, asked = std::chrono::steady_clock::now(),
                    done = std::move(done)] {
            const auto spent = std::chrono::steady_clock::now() - asked;
            done(reserve({sdkappid, command}, time_left - spent));
        };
        if (options_.run_blocking) return options_.run_blocking(std::move(job));
        std::call_once(worker_started_, [this] { worker_ = std::make_unique<timer_thread>(); });
        worker_->schedule(std::chrono::nanoseconds(0), std::move(job));
    }

    void on_rate_limited(const budget_key& key) override {
        std::string why;
        (void)run_script(key, {"1", "1", "0", std::to_string(options_.slowdown.count())}, std::chrono::microseconds(0),
                         options_.command_timeout, why);
    }

    /// Whether the last exchange with Redis succeeded.
    bool redis_available() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return available_;
    }

    /// The key a budget lives under: key_prefix + budget_config::name_of.
    std::string redis_key(const budget_key& key) const { return options_.key_prefix + options_.budget.name_of(key); }

private:
    /// What the script answered, once checked.
    struct script_answer {
        bool granted;
        std::chrono::microseconds wait;
    };

    /// Times clamped to [1 ms, 1 day], so that no sum of a time point and one of them, and no doubling of the
    /// backoff, can overflow (milliseconds::max() means "no limit" to many callers).
    static redis_limiter_options with_bounded_times(redis_limiter_options options) {
        const auto bounded = [](std::chrono::milliseconds& time) {
            time = std::clamp<std::chrono::milliseconds>(time, std::chrono::milliseconds(1), std::chrono::hours(24));
        };
        for (auto* time : {&options.connect_timeout, &options.command_timeout, &options.reconnect_backoff, &options.max_reconnect_backoff,
                           &options.slowdown})
            bounded(*time);
        return options;
    }

    /// The script's emission interval, in whole microseconds from 1 (a million permits a second) to 10^12 (one
    /// in 11.6 days, also for a rate of 0, a negative one or NaN), so that the cast is defined.
    static std::string interval_argument(const budget_rate& rate) {
        const double per_second = rate.per_second >= 1e-6 ? std::min(rate.per_second, 1e6) : 1e-6;
        return std::to_string(static_cast<long long>(1e6 / per_second));
    }

    /// The burst, in whole permits from 1 to 10^9, whatever the configuration holds.
    static std::string burst_argument(const budget_rate& rate) {
        return std::to_string(static_cast<long long>(rate.burst >= 1 ? std::min(rate.burst, 1e9) : 1.0));
    }

    static budget_config scaled(budget_config budget, double share) {
        share = std::clamp(share, 0.0, 1.0);
        budget.rate.per_second *= share;
        budget.rate.burst = std::max(1.0, budget.rate.burst * share);
        for (auto& [command, rate] : budget.per_command) {
            rate.per_second *= share;
            rate.burst = std::max(1.0, rate.burst * share);
        }
        return budget;
    }

    permit when_down(const budget_key& key, std::chrono::nanoseconds time_left, const std::string& why) {
        if (options_.when_down == redis_down_policy::local_fallback) return fallback_.reserve(key, time_left);
        return make_error(code::limiter_unavailable, error_origin::local, "", "the call was not sent: the shared rate limit (Redis) cannot be used and the "
                          "policy is fail_closed; " + why);
    }

    std::string server_text(const redisReply& reply) const { return detail::server_text(std::string_view(reply.str, reply.len), options_.password); }

    /// Runs the script with `arguments` in one exchange that ends by command_timeout or `time_left`, whichever
    /// is first. The checked answer, or nullopt with `why` when Redis did not answer or answered what the script
    /// cannot (which counts as Redis being down, like no answer).
    std::optional<script_answer> run_script(const budget_key& key, const std::vector<std::string>& arguments, std::chrono::microseconds longest_wait,
                                            std::chrono::nanoseconds time_left, std::string& why) {
        const detail::redis_deadline deadline = std::chrono::steady_clock::now() + std::min<std::chrono::nanoseconds>(options_.command_timeout, time_left);
        auto connection = take_connection(deadline, why);
        if (!connection) return std::nullopt;
        const std::string tat_key = redis_key(key);
        const std::string slow_key = tat_key + ":slow";
        const auto evaluate = [&](std::string_view verb, std::string_view script_or_sha) {
            std::vector<std::string_view> words{verb, script_or_sha, "2", tat_key, slow_key};
            words.insert(words.end(), arguments.begin(), arguments.end());
            return detail::exchange(connection.get(), words, deadline, why);
        };
        const std::string sha = script_sha();
        detail::redis_reply reply = sha.empty() ? evaluate("EVAL", detail::gcra_script) : evaluate("EVALSHA", sha);
        // "NOSCRIPT No matching script. Please use EVAL.": the server lost its scripts (a restart, SCRIPT FLUSH).
        if (reply && reply->type == REDIS_REPLY_ERROR && std::string_view(reply->str, reply->len).rfind("NOSCRIPT", 0) == 0)
            reply = evaluate("EVAL", detail::gcra_script);
        std::optional<script_answer> answer = reply ? checked(*reply, longest_wait, why) : std::nullopt;
        if (!answer) {
            lost(why);
            return std::nullopt; // the connection is dropped: it may be in any state
        }
        give_back(std::move(connection));
        return answer;
    }

    /// The script's answer if `reply` can be one: two integers, the first 0 or 1, the second a wait of at least 0,
    /// and for a permit at most `longest_wait`. Anything else (a grant 27 hours away with 2 s left, a negative
    /// wait) must not reach the caller.
    std::optional<script_answer> checked(const redisReply& reply, std::chrono::microseconds longest_wait, std::string& why) const {
        if (reply.type == REDIS_REPLY_ERROR) {
            why = "the script failed: " + server_text(reply);
            return std::nullopt;
        }
        if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 || reply.element[0]->type != REDIS_REPLY_INTEGER ||
            reply.element[1]->type != REDIS_REPLY_INTEGER) {
            why = "Redis answered the script with something else than two integers";
            return std::nullopt;
        }
        const long long granted = reply.element[0]->integer, wait = reply.element[1]->integer;
        if (granted != 0 && granted != 1) {
            why = "Redis answered the script with a grant of " + std::to_string(granted) + ", neither 0 nor 1";
            return std::nullopt;
        }
        if (wait < 0) {
            why = "Redis answered a negative wait (" + std::to_string(wait) + " microseconds)";
            return std::nullopt;
        }
        if (granted == 1 && wait > longest_wait.count()) {
            why = "Redis granted a permit " + std::to_string(wait) + " microseconds away, with only " + std::to_string(longest_wait.count()) +
                  " microseconds left";
            return std::nullopt;
        }
        return script_answer{granted == 1, std::chrono::microseconds(wait)};
    }

    /// A pooled connection, or a new one (connected, authenticated, database selected, script loaded) before
    /// `deadline`, unless the reconnect backoff says to wait.
    detail::redis_connection take_connection(detail::redis_deadline deadline, std::string& why) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (!pool_.empty()) {
                detail::redis_connection connection = std::move(pool_.back());
                pool_.pop_back();
                return connection;
            }
            if (!available_ && std::chrono::steady_clock::now() < next_attempt_) {
                why = last_failure_ + " (not retried before the reconnect backoff ends)";
                return nullptr;
            }
        }
        detail::redis_connection connection = detail::connect(options_, std::min(deadline, std::chrono::steady_clock::now() + options_.connect_timeout), why);
        if (!connection) {
            lost(why);
            return nullptr;
        }
        // Each step's reply, or why there is none (the exchange's failure or the server's error text).
        const auto step = [&](std::string_view what, const std::vector<std::string_view>& words) {
            detail::redis_reply reply = detail::exchange(connection.get(), words, deadline, why);
            if (reply && reply->type == REDIS_REPLY_ERROR)
                why = what == "AUTH" ? detail::auth_error_text(server_text(*reply)) : server_text(*reply);
            if (!reply || reply->type == REDIS_REPLY_ERROR) {
                why = std::string(what) + " failed: " + why;
                lost(why);
                return detail::redis_reply();
            }
            return reply;
        };
        if (!options_.user.empty() && !step("AUTH", {"AUTH", options_.user, options_.password})) return nullptr;
        if (options_.user.empty() && !options_.password.empty() && !step("AUTH", {"AUTH", options_.password})) return nullptr;
        if (options_.database != 0 && !step("SELECT", {"SELECT", std::to_string(options_.database)})) return nullptr;
        const detail::redis_reply loaded = step("SCRIPT LOAD", {"SCRIPT", "LOAD", detail::gcra_script});
        if (!loaded) return nullptr;
        const std::string_view sha = loaded->type == REDIS_REPLY_STRING ? std::string_view(loaded->str, loaded->len) : std::string_view();
        if (sha.size() != 40 || sha.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
            why = "SCRIPT LOAD failed: Redis answered something else than a SHA-1 digest";
            lost(why);
            return nullptr;
        }
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            sha_ = std::string(sha);
        }
        back_again();
        return connection;
    }

    void give_back(detail::redis_connection connection) {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (pool_.size() < options_.pool_size) pool_.push_back(std::move(connection));
    }

    std::string script_sha() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return sha_;
    }

    /// Redis failed: drop the pool, back off, and report the switch once.
    void lost(const std::string& why) {
        bool report = false;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            pool_.clear();
            report = available_;
            available_ = false;
            last_failure_ = why;
            next_attempt_ = std::chrono::steady_clock::now() + backoff_;
            backoff_ = std::min(backoff_ * 2, options_.max_reconnect_backoff);
        }
        if (report && options_.on_state_change) options_.on_state_change(false, why);
    }

    void back_again() {
        bool report = false;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            report = !available_;
            available_ = true;
            backoff_ = options_.reconnect_backoff;
        }
        if (report && options_.on_state_change) options_.on_state_change(true, "Redis answers again");
    }

    const redis_limiter_options options_;
    token_bucket fallback_;
    mutable std::mutex mutex_;
    std::vector<detail::redis_connection> pool_;
    std::string sha_;
    bool available_ = true;
    std::string last_failure_;
    std::chrono::steady_clock::time_point next_attempt_{};
    std::chrono::milliseconds backoff_;
    std::once_flag worker_started_;
    /// async_reserve's thread. Last, so it is joined first: its jobs use the members above.
    std::unique_ptr<timer_thread> worker_;
};

TCCHAT_NAMESPACE_END
