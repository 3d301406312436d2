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

#include <tcchat/rate_limiter.hpp>
#include <tcchat/timer_thread.hpp>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcchat {

enum class redis_down_policy : std::uint8_t {
    fail_closed,    ///< no permit without Redis: the call fails with code::limiter_unavailable
    local_fallback, ///< a per-process token bucket at fallback_share of the budget's rate
};

/// Where Redis is, the budgets kept there, and what happens while it cannot be reached.
struct redis_limiter_options {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_socket; ///< used instead of host and port when set
    std::string password;    ///< AUTH when set; a secret, never logged
    int database = 0;
    std::chrono::milliseconds connect_timeout{200};
    std::chrono::milliseconds command_timeout{200}; ///< also capped by each call's time left
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

    /// "redis://[:password@]host[:port][/db]" or "unix:///path/to.sock"; nullopt when malformed.
    static std::optional<redis_limiter_options> from_url(std::string_view url) {
        redis_limiter_options out;
        if (url.rfind("unix://", 0) == 0) {
            out.unix_socket = std::string(url.substr(7));
            return out.unix_socket.empty() ? std::nullopt : std::optional<redis_limiter_options>(out);
        }
        if (url.rfind("redis://", 0) != 0) return std::nullopt;
        std::string_view rest = url.substr(8);
        if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
            std::string_view credentials = rest.substr(0, at);
            if (const auto colon = credentials.find(':'); colon != std::string_view::npos) credentials = credentials.substr(colon + 1);
            out.password = std::string(credentials);
            rest = rest.substr(at + 1);
        }
        if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
            const std::string db(rest.substr(slash + 1));
            if (!db.empty()) {
                if (db.find_first_not_of("0123456789") != std::string::npos || db.size() > 4) return std::nullopt;
                out.database = std::stoi(db);
            }
            rest = rest.substr(0, slash);
        }
        if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
            const std::string port(rest.substr(colon + 1));
            if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
            out.port = std::stoi(port);
            if (out.port < 1 || out.port > 65535) return std::nullopt;
            rest = rest.substr(0, colon);
        }
        if (rest.empty()) return std::nullopt;
        out.host = std::string(rest);
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

/// One command, its words sent as binary-safe arguments (a key or password may hold any byte).
inline redis_reply run_command(redisContext* context, const std::vector<std::string_view>& words) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string_view word : words) {
        argv.push_back(word.data());
        lengths.push_back(word.size());
    }
    return redis_reply(static_cast<redisReply*>(redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

inline timeval to_timeval(std::chrono::microseconds d) {
    d = std::max(d, std::chrono::microseconds(1000));
    return timeval{static_cast<decltype(timeval::tv_sec)>(d.count() / 1000000), static_cast<decltype(timeval::tv_usec)>(d.count() % 1000000)};
}

} // namespace detail

/// A rate_limiter whose budgets live in Redis, shared by every process that uses the same keys.
class redis_limiter final : public rate_limiter {
public:
    /// Connects lazily, on first use; the local fallback runs at fallback_share of `options`' budget.
    explicit redis_limiter(redis_limiter_options options)
        : options_(std::move(options)), fallback_(scaled(options_.budget, options_.fallback_share)),
          backoff_(options_.reconnect_backoff) {}

    permit reserve(const budget_key& key, std::chrono::nanoseconds time_left) override {
        if (time_left <= std::chrono::nanoseconds(0)) return detail::permit_after_deadline(std::chrono::nanoseconds(0), time_left);
        const budget_rate rate = options_.budget.rate_of(key);
        const auto interval_us = static_cast<long long>(1e6 / std::max(rate.per_second, 1e-6));
        const auto burst = static_cast<long long>(std::max(1.0, rate.burst));
        const auto max_wait_us = std::chrono::duration_cast<std::chrono::microseconds>(time_left).count();
        std::string why;
        auto answer = run_script(key, {std::to_string(interval_us), std::to_string(burst), std::to_string(max_wait_us), "0"},
                                 std::chrono::duration_cast<std::chrono::microseconds>(time_left), why);
        if (!answer) return when_down(key, time_left, why);
        const std::chrono::nanoseconds wait = std::chrono::microseconds(answer->second);
        if (!answer->first) return detail::permit_after_deadline(wait, time_left);
        return wait;
    }

    /// From tcchat's timer thread, so that a slow Redis never holds up the caller's thread.
    void async_reserve(const budget_key& key, std::chrono::nanoseconds time_left, permit_handler done) override {
        const auto asked = std::chrono::steady_clock::now();
        timer_thread& worker = timer_thread::shared();
        worker.schedule(std::chrono::nanoseconds(0), [this, sdkappid = key.sdkappid, command = std::string(key.command), time_left, asked,
                                                      done = std::move(done)] {
            const auto spent = std::chrono::steady_clock::now() - asked;
            done(reserve({sdkappid, command}, time_left - spent));
        });
    }

    void on_rate_limited(const budget_key& key) override {
        std::string why;
        (void)run_script(key, {"1", "1", "0", std::to_string(std::max<long long>(1, options_.slowdown.count()))}, options_.command_timeout, why);
    }

    /// Whether the last exchange with Redis succeeded.
    bool redis_available() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return available_;
    }

    /// The key a budget lives under: key_prefix + budget_config::name_of.
    std::string redis_key(const budget_key& key) const { return options_.key_prefix + options_.budget.name_of(key); }

private:
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
        return make_error(code::limiter_unavailable, error_origin::local, "", "the shared rate limit is unavailable: " + why);
    }

    /// The script's {granted, wait in µs}, or nullopt with `why` when Redis did not answer it.
    std::optional<std::pair<bool, long long>> run_script(const budget_key& key, const std::vector<std::string>& arguments,
                                                         std::chrono::microseconds time_left, std::string& why) {
        auto connection = take_connection(time_left, why);
        if (!connection) return std::nullopt;
        const std::string tat_key = redis_key(key);
        const std::string slow_key = tat_key + ":slow";
        redisSetTimeout(connection.get(), detail::to_timeval(std::min<std::chrono::microseconds>(options_.command_timeout, time_left)));
        std::string sha = script_sha();
        detail::redis_reply reply = evaluate(connection.get(), sha.empty() ? "EVAL" : "EVALSHA", sha.empty() ? detail::gcra_script : std::string_view(sha),
                                             tat_key, slow_key, arguments);
        if (reply && reply->type == REDIS_REPLY_ERROR && std::string_view(reply->str, reply->len).rfind("NOSCRIPT", 0) == 0)
            reply = evaluate(connection.get(), "EVAL", detail::gcra_script, tat_key, slow_key, arguments);
        if (!reply || connection->err) {
            why = connection->err ? std::string(connection->errstr) : "no reply";
            lost(why);
            return std::nullopt; // the connection is dropped: it may be in any state
        }
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 || reply->element[0]->type != REDIS_REPLY_INTEGER ||
            reply->element[1]->type != REDIS_REPLY_INTEGER) {
            why = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : "unexpected reply to the script";
            lost(why);
            return std::nullopt;
        }
        const std::pair<bool, long long> out{reply->element[0]->integer == 1, reply->element[1]->integer};
        give_back(std::move(connection));
        return out;
    }

    static detail::redis_reply evaluate(redisContext* context, std::string_view verb, std::string_view script_or_sha, std::string_view tat_key,
                                        std::string_view slow_key, const std::vector<std::string>& arguments) {
        std::vector<std::string_view> words{verb, script_or_sha, "2", tat_key, slow_key};
        words.insert(words.end(), arguments.begin(), arguments.end());
        return detail::run_command(context, words);
    }

    /// A pooled connection, or a new one (connected, authenticated, database selected, script loaded) unless the
    /// reconnect backoff says to wait.
    detail::redis_connection take_connection(std::chrono::microseconds time_left, std::string& why) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (!pool_.empty()) {
                detail::redis_connection connection = std::move(pool_.back());
                pool_.pop_back();
                return connection;
            }
            if (!available_ && std::chrono::steady_clock::now() < next_attempt_) {
                why = last_failure_ + " (retrying later)";
                return nullptr;
            }
        }
        const timeval timeout = detail::to_timeval(std::min<std::chrono::microseconds>(options_.connect_timeout, time_left));
        detail::redis_connection connection(options_.unix_socket.empty()
                                                ? redisConnectWithTimeout(options_.host.c_str(), options_.port, timeout)
                                                : redisConnectUnixWithTimeout(options_.unix_socket.c_str(), timeout));
        if (!connection || connection->err) {
            why = connection ? std::string(connection->errstr) : "cannot allocate a Redis context";
            lost(why);
            return nullptr;
        }
        redisSetTimeout(connection.get(), timeout);
        const auto command = [&](const std::vector<std::string_view>& words) { return detail::run_command(connection.get(), words); };
        const auto refused = [&](const detail::redis_reply& reply, std::string_view what) {
            if (reply && reply->type != REDIS_REPLY_ERROR) return false;
            // The server's text, never the password.
            why = std::string(what) + ": " + (reply ? std::string(reply->str, reply->len) : std::string(connection->errstr));
            lost(why);
            return true;
        };
        if (!options_.password.empty() && refused(command({"AUTH", options_.password}), "AUTH failed")) return nullptr;
        if (options_.database != 0 && refused(command({"SELECT", std::to_string(options_.database)}), "SELECT failed")) return nullptr;
        const detail::redis_reply loaded = command({"SCRIPT", "LOAD", detail::gcra_script});
        if (refused(loaded, "SCRIPT LOAD failed")) return nullptr;
        if (loaded->type == REDIS_REPLY_STRING) {
            const std::lock_guard<std::mutex> lock(mutex_);
            sha_.assign(loaded->str, loaded->len);
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
};

} // namespace tcchat
