#pragma once
// tcchat's own timer thread: the default client_options::schedule of async_call. Each scheduled job runs on
// this one thread once its delay has passed, so a retry's backoff or a rate-limit wait never sleeps on the thread
// that completed the previous attempt (an event loop's thread, most often). Users with an event loop should
// give the client a scheduler of their own instead (tcchat/asio.hpp: asio_scheduler).

#include <tcchat/version.hpp>
#include <tcchat/detail/saturating_time.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// A thread that runs scheduled jobs once their delay has passed; shared() is async_call's default scheduler.
class timer_thread {
public:
    /// The monotonic clock that due times are taken from, so a change of wall-clock time moves no job.
    using clock = std::chrono::steady_clock;

    // The thread runs a plain function on a void*: std::thread's state type is named after what it runs, and
    // libstdc++ exports its vtable whatever the visibility, so a lambda or a tcchat type there would put a
    // tcchat name in the dynamic symbols of an SDK built with -fvisibility=hidden.
    timer_thread() : worker_(&timer_thread::thread_main, static_cast<void*>(this)) {}
    timer_thread(const timer_thread&) = delete;
    timer_thread& operator=(const timer_thread&) = delete;

    /// Drops the jobs that have not run and joins the thread.
    ~timer_thread() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        worker_.join();
    }

    /// Runs `job` on the timer thread once `delay` has passed. Jobs due at the same time run in the order given.
    void schedule(std::chrono::nanoseconds delay, std::function<void()> job) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            jobs_.emplace(detail::saturating_add(clock::now(), delay), std::move(job)); // max(): never
        }
        wake_.notify_one();
    }

    /// The process's shared timer thread, started on first use and never stopped: a job may be scheduled
    /// during static destruction, and the thread must not outlive its own state.
    static timer_thread& shared() {
        static timer_thread* const instance = new timer_thread; // intentionally never destroyed
        return *instance;
    }

private:
    static void thread_main(void* self) { static_cast<timer_thread*>(self)->run(); }

    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stopping_) {
            if (jobs_.empty()) {
                wake_.wait(lock);
                continue;
            }
            const auto due = jobs_.begin()->first;
            if (clock::now() < due) {
                wake_.wait_until(lock, due);
                continue;
            }
            std::function<void()> job = std::move(jobs_.begin()->second);
            jobs_.erase(jobs_.begin());
            lock.unlock();
            job(); // without the lock: a job may schedule the next one
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::multimap<clock::time_point, std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread worker_; // last: starts once the rest exists
};

TCCHAT_NAMESPACE_END
