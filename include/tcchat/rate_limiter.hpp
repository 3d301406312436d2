#pragma once
// Rate limiting: each endpoint page states 200 calls per second, counted by the service per app (SDKAppID) across
// every caller (docs/protocol.md §1.5). Before each attempt the client asks its limiter for a permit
// under a budget key, the app and the command. A limiter answers how long the call must wait, or an error. It
// never sleeps itself: the synchronous client sleeps on its own calling thread, and the asynchronous client
// schedules the start through client_options::schedule, so no thread of an event loop sleeps in tcchat.
//
// token_bucket is per process. tcchat/limiter/redis.hpp shares one budget across processes and machines.

#include <tcchat/version.hpp>
#include <tcchat/detail/client/saturating_time.hpp>
#include <tcchat/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

/// What a permit is counted against: the app and the command of one call.
struct budget_key {
    std::uint32_t sdkappid = 0;
    std::string_view command;
};

/// Whether each command has a budget of its own (as each endpoint page states its own limit) or all commands
/// of an app share one.
enum class budget_scope : std::uint8_t { app_and_command, app };

/// Permits per second and how many may be taken at once.
struct budget_rate {
    double per_second = 200;
    double burst = 200;
};

/// Names a budget key and gives its rate: `rate` unless `per_command` names the command.
struct budget_config {
    budget_scope scope = budget_scope::app_and_command;
    budget_rate rate;
    std::vector<std::pair<std::string, budget_rate>> per_command; ///< only with budget_scope::app_and_command

    /// "1400000000/get_list", or "1400000000" for one budget per app.
    std::string name_of(const budget_key& key) const {
        std::string name = std::to_string(key.sdkappid);
        if (scope == budget_scope::app_and_command) name.append("/").append(key.command);
        return name;
    }

    /// The rate of `key`'s budget: its per_command entry (app_and_command scope only), otherwise `rate`.
    budget_rate rate_of(const budget_key& key) const {
        if (scope == budget_scope::app_and_command)
            for (const auto& [command, special] : per_command)
                if (command == key.command) return special;
        return rate;
    }
};

/// A permit answer: how long to wait before the call may start (zero: now), or why there is none.
using permit = result<std::chrono::nanoseconds>;
using permit_handler = std::function<void(permit)>;

/// What the client asks for a permit before every attempt: token_bucket in process, redis_limiter shared.
class rate_limiter {
public:
    virtual ~rate_limiter() = default;

    /// Reserves a permit under `key` for a call that may start no later than `time_left` from now. A permit that
    /// would come later is refused at once with code::deadline_exceeded, and nothing is reserved. Never sleeps.
    virtual permit reserve(const budget_key& key, std::chrono::nanoseconds time_left) = 0;

    /// The completion form: calls `done` exactly once, on this thread or another. The default answers inline;
    /// a limiter that waits for the network (Redis) answers from a thread of its own.
    virtual void async_reserve(const budget_key& key, std::chrono::nanoseconds time_left, permit_handler done) {
        done(reserve(key, time_left));
    }

    /// The service answered 60007 under `key`: the budget let through more than the service allows.
    virtual void on_rate_limited(const budget_key& key) { (void)key; }
};

namespace detail {
inline error no_permit_at_rate(double per_second) {
    return make_error(code::deadline_exceeded, error_origin::local, "",
                      "the rate limit allows " + std::to_string(per_second) + " calls per second: no further permit is ever granted");
}

inline error permit_after_deadline(std::chrono::nanoseconds wait, std::chrono::nanoseconds time_left) {
    using ms = std::chrono::milliseconds;
    return make_error(code::deadline_exceeded, error_origin::local, "",
                      "the rate limit's next permit is " + std::to_string(std::chrono::duration_cast<ms>(wait).count()) +
                          " ms away, after the deadline (" + std::to_string(std::chrono::duration_cast<ms>(time_left).count()) +
                          " ms left)");
}
} // namespace detail

/// A token bucket per budget key, in this process only: `rate.per_second` permits per second, bursts up to
/// `rate.burst`. A permit that is not available now is reserved ahead (the bucket goes into debt), so callers
/// waiting together are given successive start times rather than racing. Thread-safe; the clock is injectable
/// so tests count permits in simulated time.
class token_bucket final : public rate_limiter {
public:
    /// Answers the bucket's now; given empty to the constructor, steady_clock::now is used.
    using clock_function = std::function<std::chrono::steady_clock::time_point()>;

    static constexpr double documented_rate = 200; ///< calls per second (docs/protocol.md §1.5)

    /// Budgets as `budget` says (200/s, burst 200, per app and command by default); `clock` empty: steady_clock.
    explicit token_bucket(budget_config budget = {}, clock_function clock = {})
        : budget_(std::move(budget)), clock_(clock ? std::move(clock) : clock_function([] { return std::chrono::steady_clock::now(); })) {}

    /// One budget for every key at `per_second` with `burst`.
    token_bucket(double per_second, double burst, clock_function clock = {})
        : token_bucket(budget_config{budget_scope::app_and_command, {per_second, burst}, {}}, std::move(clock)) {}

    permit reserve(const budget_key& key, std::chrono::nanoseconds time_left) override {
        const budget_rate rate = budget_.rate_of(key);
        const double burst = std::max(1.0, rate.burst);
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto now = clock_();
        if (buckets_.size() >= next_sweep_) forget_full_buckets(now);
        // Looked up by views, so a call whose bucket exists allocates nothing.
        const std::string_view command = budget_.scope == budget_scope::app ? std::string_view() : key.command;
        auto entry = buckets_.find(std::make_pair(key.sdkappid, command));
        const bool added = entry == buckets_.end();
        if (added) entry = buckets_.emplace(std::make_pair(key.sdkappid, std::string(command)), bucket{burst, now}).first;
        bucket& b = entry->second;
        if (!added) b.tokens = refilled(b, now, rate.per_second, burst);
        b.last = std::max(b.last, now);
        std::chrono::nanoseconds wait{0};
        if (b.tokens < 1) {
            if (!(rate.per_second > 0)) return detail::no_permit_at_rate(rate.per_second); // 0, negative or NaN
            // In double until it is known to fit: a tiny rate's wait overflows any integer count of nanoseconds.
            const double wait_ns = (1 - b.tokens) / rate.per_second * 1e9;
            if (!(wait_ns < static_cast<double>(time_left.count())))
                return detail::permit_after_deadline(detail::saturating_duration_cast<std::chrono::nanoseconds>(
                                                         std::chrono::duration<double, std::nano>(wait_ns)),
                                                     time_left);
            wait = std::chrono::nanoseconds(static_cast<std::int64_t>(wait_ns) + 1);
            if (wait > time_left) return detail::permit_after_deadline(wait, time_left);
        }
        b.tokens -= 1;
        ++granted_;
        return wait;
    }

    /// How many budgets the bucket holds now. A budget that has refilled to its burst is the same as a new one,
    /// so it is forgotten once the map grows (made-up commands and app ids would otherwise grow it for ever).
    std::size_t budgets_held() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return buckets_.size();
    }

    /// Permits granted so far, over all keys.
    std::uint64_t granted() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return granted_;
    }

private:
    struct bucket {
        double tokens;
        std::chrono::steady_clock::time_point last;
    };

    /// Orders (app, command) keys whether the command is held as a string or viewed.
    struct key_order {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const noexcept {
            return a.first != b.first ? a.first < b.first : std::string_view(a.second) < std::string_view(b.second);
        }
    };

    /// Below this many budgets no sweep runs; above, a sweep runs each time the map doubles since the last one,
    /// so sweeping costs O(1) per permit, amortised.
    static constexpr std::size_t first_sweep = 1024;

    static double refilled(const bucket& b, std::chrono::steady_clock::time_point now, double per_second, double burst) {
        if (!(now > b.last)) return b.tokens;
        return std::min(burst, b.tokens + std::chrono::duration<double>(now - b.last).count() * per_second);
    }

    void forget_full_buckets(std::chrono::steady_clock::time_point now) {
        for (auto entry = buckets_.begin(); entry != buckets_.end();) {
            const budget_rate rate = budget_.rate_of({entry->first.first, entry->first.second});
            const double burst = std::max(1.0, rate.burst);
            if (refilled(entry->second, now, rate.per_second, burst) >= burst)
                entry = buckets_.erase(entry);
            else
                ++entry;
        }
        next_sweep_ = std::max(first_sweep, 2 * buckets_.size());
    }

    const budget_config budget_;
    clock_function clock_;
    std::size_t next_sweep_ = first_sweep;
    std::map<std::pair<std::uint32_t, std::string>, bucket, key_order> buckets_; ///< command "" for one budget per app
    std::uint64_t granted_ = 0;
    mutable std::mutex mutex_;
};

TCCHAT_NAMESPACE_END
