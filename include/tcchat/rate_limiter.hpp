#pragma once
// Rate limiting: every endpoint allows 200 calls per second (spec §1.5). The client asks its limiter for a
// permit before each attempt; plug in your own (for example one shared across processes) by deriving from
// rate_limiter.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace tcchat {

class rate_limiter {
public:
    virtual ~rate_limiter() = default;
    /// Blocks until one more call may start.
    virtual void acquire() = 0;
};

/// Thread-safe token bucket: `rate` permits per second, bursts up to `burst`. Time and sleeping are
/// injectable so tests count permits instead of measuring wall-clock time.
class token_bucket final : public rate_limiter {
public:
    using clock_function = std::function<std::chrono::steady_clock::time_point()>;
    using sleep_function = std::function<void(std::chrono::nanoseconds)>;

    static constexpr double documented_rate = 200; ///< calls per second (spec §1.5)

    explicit token_bucket(double rate = documented_rate, double burst = documented_rate, clock_function clock = {},
                          sleep_function sleep = {})
        : rate_(rate), burst_(std::max(1.0, burst)), tokens_(std::max(1.0, burst)),
          clock_(clock ? std::move(clock) : clock_function([] { return std::chrono::steady_clock::now(); })),
          sleep_(sleep ? std::move(sleep) : sleep_function([](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); })),
          last_(clock_()) {}

    void acquire() override {
        for (;;) {
            std::chrono::nanoseconds wait{};
            {
                std::lock_guard<std::mutex> lock(mutex_);
                refill();
                if (tokens_ >= 1) {
                    tokens_ -= 1;
                    ++granted_;
                    return;
                }
                wait = std::chrono::nanoseconds(static_cast<std::int64_t>((1 - tokens_) / rate_ * 1e9)) + std::chrono::nanoseconds(1);
            }
            sleep_(wait);
        }
    }

    std::uint64_t granted() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return granted_;
    }

private:
    void refill() {
        const auto now = clock_();
        if (now > last_) tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
        last_ = std::max(last_, now);
    }

    const double rate_;
    const double burst_;
    double tokens_;
    clock_function clock_;
    sleep_function sleep_;
    std::chrono::steady_clock::time_point last_;
    std::uint64_t granted_ = 0;
    mutable std::mutex mutex_;
};

} // namespace tcchat
