#pragma once
// What async_call waits through (client_options::schedule): run `resume` once `delay` has passed, without
// blocking the caller. The wait is told the call's cancellation, so that a cancelled call does not leave a
// timer armed until its backoff or permit was due: on an io_context that would keep run() from returning.
//
// A scheduler may take the cancellation into account or ignore it. Once the token is cancelled, the call has
// already completed with code::cancelled, so `resume` has nothing left to do: the scheduler may run it early or
// drop it without running it, but must release it (it owns the call's state) either way.

#include <tcchat/version.hpp>
#include <tcchat/cancellation.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// A client_options::schedule: any callable `(milliseconds delay, std::function<void()> resume, const
/// cancellation_token& cancelled)`, or one without the token, which then simply waits the delay out.
class scheduler {
public:
    /// The form every scheduler is called with.
    using signature = void(std::chrono::milliseconds delay, std::function<void()> resume, const cancellation_token& cancelled);

    /// Empty: the client fills in tcchat's own timer thread (timer_thread::shared()).
    scheduler() noexcept = default;
    /// Empty, as the default.
    scheduler(std::nullptr_t) noexcept {} // NOLINT(google-explicit-constructor): options.schedule = nullptr

    /// Takes a callable that can stop a cancelled wait.
    template <class F, std::enable_if_t<std::is_invocable_v<F&, std::chrono::milliseconds, std::function<void()>, const cancellation_token&>, int> = 0>
    scheduler(F wait) { // NOLINT(google-explicit-constructor): options.schedule = [](...) {...}
        if (!is_empty(wait)) run_ = std::move(wait);
    }

    /// Takes a callable without the token: a cancelled wait then runs until due and finds nothing to do.
    template <class F,
              std::enable_if_t<!std::is_invocable_v<F&, std::chrono::milliseconds, std::function<void()>, const cancellation_token&> &&
                                   std::is_invocable_v<F&, std::chrono::milliseconds, std::function<void()>>,
                               int> = 0>
    scheduler(F wait) { // NOLINT(google-explicit-constructor)
        if (!is_empty(wait))
            run_ = [wait = std::move(wait)](std::chrono::milliseconds delay, std::function<void()> resume,
                                            const cancellation_token&) mutable { wait(delay, std::move(resume)); };
    }

    /// Whether it holds a callable.
    explicit operator bool() const noexcept { return static_cast<bool>(run_); }

    /// Runs `resume` after `delay`, or drops it once `cancelled` is cancelled, if the callable can.
    void operator()(std::chrono::milliseconds delay, std::function<void()> resume, const cancellation_token& cancelled) const {
        run_(delay, std::move(resume), cancelled);
    }

private:
    // An empty std::function or a null function pointer makes an empty scheduler, not one that throws when called.
    template <class F>
    static bool is_empty(const F& wait) noexcept {
        if constexpr (std::is_constructible_v<bool, const F&>) return !static_cast<bool>(wait);
        else return false;
    }

    std::function<signature> run_;
};

TCCHAT_NAMESPACE_END
