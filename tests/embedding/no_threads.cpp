// An embedder that brings its own scheduler never sees a tcchat thread (docs/architecture.md, "Threads and
// globals"): sync and async calls, retries, rate-limit waits and failures, with the thread count read from
// /proc/self/task all along. Then the positive control: the default scheduler starts exactly one thread.
#include <tcchat.hpp>
#include <tcchat/emulator.hpp>

#include <dirent.h>

#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>

namespace {

int threads_now() {
    int count = 0;
    if (DIR* tasks = ::opendir("/proc/self/task")) {
        while (const dirent* entry = ::readdir(tasks))
            if (entry->d_name[0] != '.') ++count;
        ::closedir(tasks);
    }
    return count;
}

int failures = 0;
void expect(bool ok, const char* what) {
    std::printf("%s: %s (threads now: %d)\n", ok ? "ok" : "FAILED", what, threads_now());
    if (!ok) ++failures;
}

} // namespace

int main() {
    const int before = threads_now(); // 1, or 2 under ThreadSanitizer, whose runtime has a thread of its own
    std::printf("threads at the start: %d\n", before);
    tcchat::emulation::emulator service;
    service.add_fault({"get_contact_group", 2, 0, 60007}); // two busy answers: two backoff waits per call
    std::deque<std::function<void()>> jobs;                // the embedder's own event loop
    tcchat::client_options options;
    options.identity = {1400000000, "admin"};
    options.usersig = tcchat::fixed_usersig("s");
    options.retry.initial_backoff = std::chrono::milliseconds(4);
    options.limiter = std::make_shared<tcchat::token_bucket>(1000.0, 1.0); // a permit wait for every call but the first
    options.schedule = [&jobs](std::chrono::milliseconds, std::function<void()> resume) { jobs.push_back(std::move(resume)); };
    int attempts = 0;
    options.on_attempt = [&attempts](const tcchat::attempt_record&) { ++attempts; };
    {
        tcchat::client<tcchat::emulation::in_memory_transport> chat(tcchat::emulation::in_memory_transport(service), options);
        expect(chat.call(tcchat::get_contact_group_request{"user0", 0}).has_value() && attempts == 3, "a sync call with retries and permit waits");
        service.add_fault({"get_contact_group", 2, 0, 60007});
        std::optional<bool> done;
        chat.async_call(tcchat::get_contact_group_request{"user0", 0},
                        [&](tcchat::result<tcchat::get_contact_group_response> r) { done = r.has_value(); });
        while (!jobs.empty()) {
            auto next = std::move(jobs.front());
            jobs.pop_front();
            next();
        }
        expect(done.value_or(false) && attempts == 6, "an async call with retries and permit waits on the embedder's scheduler");
        tcchat::mark_contact_request oversized{"user0", {}};
        for (int i = 0; i < 150; ++i) oversized.MarkItem.push_back(tcchat::mark_item::set(tcchat::contact_item::c2c("p" + std::to_string(i)), {tcchat::mark_bit::favorite}));
        expect(chat.call(oversized).has_value(), "a split batch");
        expect(!tcchat::decode<tcchat::get_list_response>("{").has_value(), "a decode error");
    }
    expect(threads_now() == before, "no tcchat thread was started");

    // The control: the default scheduler is tcchat's timer thread, started by the first wait.
    options.schedule = nullptr;
    options.limiter = nullptr;
    options.retry.initial_backoff = std::chrono::milliseconds(20); // a pause of 10 ms at least, so there is a wait
    attempts = 0;
    service.add_fault({"get_contact_group", 1, 0, 60007});
    tcchat::client<tcchat::emulation::in_memory_transport> defaults(tcchat::emulation::in_memory_transport(service), options);
    std::promise<bool> done;
    defaults.async_call(tcchat::get_contact_group_request{"user0", 0},
                        [&](tcchat::result<tcchat::get_contact_group_response> r) { done.set_value(r.has_value()); });
    expect(done.get_future().get() && attempts == 2, "an async call retried on the default scheduler");
    expect(threads_now() == before + 1, "the default scheduler started tcchat's one timer thread");
    return failures == 0 ? 0 : 1;
}
