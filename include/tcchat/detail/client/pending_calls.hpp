#pragma once
// What a client shares with its async calls, which may outlive it: the calls still pending, so that the client's
// destructor can complete them with code::cancelled, and a gate that keeps a call's continuation out of the
// client once the destructor has begun (and the destructor waiting until the continuations inside have left).

#include <tcchat/version.hpp>
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

class pending_calls {
public:
    /// A continuation about to use the client: false once the client is going away (then it must not).
    bool enter() {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return false;
        inside_.push_back(std::this_thread::get_id());
        return true;
    }

    void leave() {
        // Notified under the lock: once it is released, the destructor may see the client empty and destroy
        // left_, so a notification after the unlock could touch a destroyed condition variable.
        const std::lock_guard<std::mutex> lock(mutex_);
        inside_.erase(std::find(inside_.begin(), inside_.end(), std::this_thread::get_id()));
        left_.notify_all();
    }

    /// Records a pending call with the function that cancels it; answers the id that remove() takes.
    std::uint64_t add(std::function<void()> cancel) {
        const std::lock_guard<std::mutex> lock(mutex_);
        calls_.emplace_back(++last_id_, std::move(cancel));
        return last_id_;
    }

    void remove(std::uint64_t id) {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto at = std::find_if(calls_.begin(), calls_.end(), [id](const auto& call) { return call.first == id; });
        if (at != calls_.end()) calls_.erase(at);
    }

    /// For the client's destructor: shuts the gate, waits until no other thread is inside the client (this
    /// thread may be, when a completion handler destroys the client), then cancels every pending call.
    void close() {
        std::vector<std::pair<std::uint64_t, std::function<void()>>> pending;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            closed_ = true;
            const auto self = std::this_thread::get_id();
            left_.wait(lock, [&] { return std::all_of(inside_.begin(), inside_.end(), [&](std::thread::id t) { return t == self; }); });
            pending.swap(calls_);
        }
        for (auto& [id, cancel] : pending) cancel();
    }

    std::size_t size() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return calls_.size();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable left_;
    std::vector<std::thread::id> inside_;
    std::vector<std::pair<std::uint64_t, std::function<void()>>> calls_;
    std::uint64_t last_id_ = 0;
    bool closed_ = false;
};

} // namespace detail
TCCHAT_NAMESPACE_END
