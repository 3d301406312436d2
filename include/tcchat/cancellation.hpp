#pragma once
// Cancelling a call. The canceller holds a cancellation_source; the call watches its cancellation_token
// (call_options::cancellation). cancel() may come from any thread, at any time, any number of times: a call
// that is still running ends with code::cancelled, one that has already completed is not affected.
//
//   tcchat::cancellation_source stop;
//   tcchat::call_options per_call;
//   per_call.cancellation = stop.token();
//   std::thread watchdog([&] { std::this_thread::sleep_for(2s); stop.cancel(); });
//   auto groups = client.call(request, per_call); // code::cancelled if still waiting after 2 s
//
// Which steps a cancellation interrupts, and what it cannot undo, is in docs/client.md ("Cancelling a call").

#include <tcchat/version.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

namespace detail {

/// What a source and its tokens share: the flag, the callbacks waiting for it, and a wake-up for sleepers.
class cancellation_state {
public:
    bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }

    /// Sets the flag once and runs the callbacks registered until then, on this thread, without the lock.
    void cancel() {
        std::vector<std::pair<std::uint64_t, std::function<void()>>> callbacks;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (cancelled_.load(std::memory_order_relaxed)) return;
            cancelled_.store(true, std::memory_order_release);
            callbacks.swap(callbacks_);
        }
        wake_.notify_all();
        for (auto& [id, callback] : callbacks) callback();
    }

    /// Runs `callback` once when cancelled: at once, on this thread, if it already is (then the answer is 0).
    /// Otherwise answers an id for forget().
    std::uint64_t on_cancel(std::function<void()> callback) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (!cancelled_.load(std::memory_order_relaxed)) {
                callbacks_.emplace_back(++last_id_, std::move(callback));
                return last_id_;
            }
        }
        callback();
        return 0;
    }

    /// Drops a callback that has not run, so a long-lived source does not collect those of finished calls.
    void forget(std::uint64_t id) {
        const std::lock_guard<std::mutex> lock(mutex_);
        for (auto at = callbacks_.begin(); at != callbacks_.end(); ++at)
            if (at->first == id) {
                callbacks_.erase(at);
                return;
            }
    }

    /// Sleeps for `wait` or until cancelled, whichever comes first; answers whether cancelled.
    bool sleep_for(std::chrono::milliseconds wait) {
        std::unique_lock<std::mutex> lock(mutex_);
        return wake_.wait_for(lock, wait, [this] { return cancelled_.load(std::memory_order_relaxed); });
    }

private:
    std::atomic<bool> cancelled_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::pair<std::uint64_t, std::function<void()>>> callbacks_;
    std::uint64_t last_id_ = 0;
};

} // namespace detail

/// What a call watches. A default-constructed token is never cancelled.
class cancellation_token {
public:
    cancellation_token() = default;

    /// Whether the source has cancelled: the call stops at its next step.
    bool cancelled() const noexcept { return state_ && state_->cancelled(); }
    /// Whether a source can cancel it at all.
    bool can_be_cancelled() const noexcept { return state_ != nullptr; }

    /// For whoever waits on the call's behalf (the client, a transport that can abort an exchange): runs
    /// `callback` once on cancellation, on the cancelling thread, or at once if already cancelled (answer 0).
    /// Otherwise the answer is an id for forget(). A token that cannot be cancelled never runs it (answer 0).
    std::uint64_t on_cancel(std::function<void()> callback) const {
        return state_ ? state_->on_cancel(std::move(callback)) : 0;
    }
    /// Drops a callback registered by on_cancel that has not run.
    void forget(std::uint64_t id) const {
        if (state_ && id != 0) state_->forget(id);
    }
    /// Sleeps for `wait` or until cancelled; answers whether cancelled.
    bool sleep_for(std::chrono::milliseconds wait) const {
        if (state_) return state_->sleep_for(wait);
        std::this_thread::sleep_for(wait);
        return false;
    }

private:
    friend class cancellation_source;
    explicit cancellation_token(std::shared_ptr<detail::cancellation_state> state) : state_(std::move(state)) {}

    std::shared_ptr<detail::cancellation_state> state_;
};

/// What the canceller holds. Copies share one flag: cancelling one cancels them all, and every token they gave.
class cancellation_source {
public:
    cancellation_source() : state_(std::make_shared<detail::cancellation_state>()) {}

    /// Thread-safe; the second and later calls do nothing.
    void cancel() const { state_->cancel(); }
    /// Whether cancel() has been called.
    bool cancelled() const noexcept { return state_->cancelled(); }
    /// What a call watches (call_options::cancellation); any number of calls may watch tokens of one source.
    cancellation_token token() const { return cancellation_token(state_); }

private:
    std::shared_ptr<detail::cancellation_state> state_;
};

TCCHAT_NAMESPACE_END
