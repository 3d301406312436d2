#pragma once
// tcchat's own timer thread: the default client_options::schedule of async_call. Each scheduled job runs on
// this one thread once its delay has passed, so a retry's backoff or a rate-limit wait never sleeps on the thread
// that completed the previous attempt (an event loop's thread, most often). Users with an event loop should
// give the client a scheduler of their own instead (tcchat/asio.hpp: asio_scheduler).

#include <tcchat/version.hpp>
#include <tcchat/cancellation.hpp>
#include <tcchat/detail/client/saturating_time.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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
            const std::lock_guard<std::mutex> lock(queue_->mutex);
            queue_->stopping = true;
        }
        queue_->wake.notify_one();
        worker_.join();
        const std::lock_guard<std::mutex> lock(queue_->mutex); // a cancellation may be dropping a job meanwhile
        for (auto& [due, job] : queue_->jobs) job.cancelled.forget(job.subscription);
    }

    /// Runs `job` on the timer thread once `delay` has passed. Jobs due at the same time run in the order given.
    void schedule(std::chrono::nanoseconds delay, std::function<void()> job) { schedule(delay, std::move(job), {}); }

    /// The same, but once `cancelled` is cancelled before the job has started, the job is dropped (destroyed on
    /// the cancelling thread) without running: what it holds is released at once, not when it would have been due.
    void schedule(std::chrono::nanoseconds delay, std::function<void()> job, const cancellation_token& cancelled) {
        key due;
        {
            const std::lock_guard<std::mutex> lock(queue_->mutex);
            due = key{detail::saturating_add(clock::now(), delay), ++queue_->last_sequence}; // max(): never
            queue_->jobs.emplace(due, pending{std::move(job), cancelled, 0});
        }
        queue_->wake.notify_one();
        if (!cancelled.can_be_cancelled()) return;
        // Subscribed once queued: a cancellation that is already there drops the job right here.
        const std::uint64_t subscription = cancelled.on_cancel([weak = std::weak_ptr<queue>(queue_), due] {
            if (auto jobs = weak.lock()) jobs->drop(due);
        });
        const std::lock_guard<std::mutex> lock(queue_->mutex);
        const auto found = queue_->jobs.find(due);
        if (found != queue_->jobs.end()) found->second.subscription = subscription;
        else cancelled.forget(subscription); // it has run (or been dropped) meanwhile
    }

    /// The process's shared timer thread, started on first use and never stopped: a job may be scheduled
    /// during static destruction, and the thread must not outlive its own state.
    static timer_thread& shared() {
        static timer_thread* const instance = new timer_thread; // intentionally never destroyed
        return *instance;
    }

private:
    /// Due time, then the order of scheduling: jobs due together run in the order given, and each has its own key.
    using key = std::pair<clock::time_point, std::uint64_t>;

    struct pending {
        std::function<void()> run;
        cancellation_token cancelled;
        std::uint64_t subscription; ///< its on_cancel, forgotten once it runs
    };

    /// The jobs, shared with the cancellation callbacks: one that comes after the timer thread is gone finds
    /// nothing to drop rather than a destroyed queue.
    struct queue {
        std::mutex mutex;
        std::condition_variable wake;
        std::map<key, pending> jobs;
        std::uint64_t last_sequence = 0;
        bool stopping = false;

        void drop(const key& due) {
            std::function<void()> dropped; // destroyed after the lock: it may own anything, even another job
            {
                const std::lock_guard<std::mutex> lock(mutex);
                const auto found = jobs.find(due);
                if (found == jobs.end()) return;
                dropped = std::move(found->second.run);
                jobs.erase(found);
            }
        }
    };

    static void thread_main(void* self) { static_cast<timer_thread*>(self)->run(); }

    void run() {
        queue& q = *queue_;
        std::unique_lock<std::mutex> lock(q.mutex);
        while (!q.stopping) {
            if (q.jobs.empty()) {
                q.wake.wait(lock);
                continue;
            }
            const auto due = q.jobs.begin()->first.first;
            if (clock::now() < due) {
                q.wake.wait_until(lock, due);
                continue;
            }
            pending job = std::move(q.jobs.begin()->second);
            q.jobs.erase(q.jobs.begin());
            lock.unlock();
            job.cancelled.forget(job.subscription);
            job.run(); // without the lock: a job may schedule the next one
            job.run = nullptr;
            lock.lock();
        }
    }

    std::shared_ptr<queue> queue_ = std::make_shared<queue>();
    std::thread worker_; // last: starts once the rest exists
};

TCCHAT_NAMESPACE_END
