// The rate limiter's reservation interface: budgets per app and command, permits reserved ahead and never
// waited for inside the limiter, the deadline honoured at once, and async calls that never block their thread.
#include <tcchat/asio.hpp>
#include <tcchat/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace tcchat;
using namespace std::chrono_literals;

namespace {

using tcchat::test::app;

/// Simulated time for a limiter: moves only when told to.
struct manual_clock {
    std::shared_ptr<std::chrono::steady_clock::time_point> now = std::make_shared<std::chrono::steady_clock::time_point>();
    token_bucket::clock_function function() const {
        return [now = now] { return *now; };
    }
    void advance(std::chrono::nanoseconds by) const { *now += by; }
};

std::chrono::nanoseconds wait_of(const permit& p) {
    REQUIRE(p.has_value());
    return *p;
}

/// Counts the 60007 news the client passes on.
struct counting_limiter final : rate_limiter {
    std::atomic<int> reserved{0};
    std::atomic<int> rate_limited{0};
    std::string last_command;
    permit reserve(const budget_key& key, std::chrono::nanoseconds) override {
        ++reserved;
        last_command = std::string(key.command);
        return std::chrono::nanoseconds(0);
    }
    void on_rate_limited(const budget_key& key) override {
        ++rate_limited;
        CHECK(key.sdkappid == app);
    }
};

/// An exchange per call, completed inline, that answers from the emulator.
struct inline_async_transport {
    emulation::emulator* service;
    result<http_response> send(const http_request& request) { return service->handle(request.url, request.body); }
    void async_send(const http_request& request, completion_handler handler) { handler(send(request)); }
};

client_options plain_options() {
    client_options o;
    o.identity = {app, "admin"};
    o.usersig = fixed_usersig("s");
    return o;
}

} // namespace

TEST_CASE("token bucket: a burst then permits reserved one interval apart", "[limiter]") {
    manual_clock clock;
    token_bucket bucket(budget_config{budget_scope::app_and_command, {100, 3}, {}}, clock.function());
    const budget_key key{app, "get_list"};
    for (int i = 0; i < 3; ++i) CHECK(wait_of(bucket.reserve(key, 1s)) == 0ns);
    // Out of tokens: each further permit is reserved 10 ms after the one before, none of them waited for here.
    const auto fourth = wait_of(bucket.reserve(key, 1s));
    const auto fifth = wait_of(bucket.reserve(key, 1s));
    CHECK(fourth > 9ms);
    CHECK(fourth < 11ms);
    CHECK(fifth - fourth > 9ms);
    CHECK(fifth - fourth < 11ms);
    clock.advance(1s); // the debt of two is paid; the bucket refills to its burst, no further
    for (int i = 0; i < 3; ++i) CHECK(wait_of(bucket.reserve(key, 1s)) == 0ns);
    CHECK(wait_of(bucket.reserve(key, 1s)) > 0ns);
    CHECK(bucket.granted() == 9);
}

TEST_CASE("token bucket: a permit after the deadline is refused at once and reserves nothing", "[limiter]") {
    manual_clock clock;
    token_bucket bucket(10, 1, clock.function()); // one permit, then one every 100 ms
    const budget_key key{app, "delete"};
    CHECK(wait_of(bucket.reserve(key, 1s)) == 0ns);
    const permit refused = bucket.reserve(key, 50ms);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == code::deadline_exceeded);
    CHECK(refused.error().message.find("100 ms away") != std::string::npos);
    // Nothing was reserved by the refusal: the next permit is still 100 ms away, not 200.
    const auto wait = wait_of(bucket.reserve(key, 1s));
    CHECK(wait > 99ms);
    CHECK(wait < 101ms);
    CHECK(bucket.granted() == 2);
}

TEST_CASE("token bucket: budgets are per app and command or per app and rates are set per command", "[limiter]") {
    manual_clock clock;
    SECTION("per app and command") {
        budget_config config{budget_scope::app_and_command, {1, 1}, {{"get_list", {1, 2}}}};
        CHECK(config.name_of({app, "get_list"}) == "1400000000/get_list");
        token_bucket bucket(config, clock.function());
        CHECK(wait_of(bucket.reserve({app, "delete"}, 10s)) == 0ns);
        CHECK(wait_of(bucket.reserve({app, "delete"}, 10s)) > 0ns);       // delete's single permit is spent
        CHECK(wait_of(bucket.reserve({app, "get_list"}, 10s)) == 0ns);    // get_list has its own, with a burst of 2
        CHECK(wait_of(bucket.reserve({app, "get_list"}, 10s)) == 0ns);
        CHECK(wait_of(bucket.reserve({app + 1, "delete"}, 10s)) == 0ns); // another app, another budget
    }
    SECTION("per app") {
        budget_config config{budget_scope::app, {1, 1}, {}};
        CHECK(config.name_of({app, "get_list"}) == "1400000000");
        token_bucket bucket(config, clock.function());
        CHECK(wait_of(bucket.reserve({app, "delete"}, 10s)) == 0ns);
        CHECK(wait_of(bucket.reserve({app, "get_list"}, 10s)) > 0ns);
    }
}

TEST_CASE("token bucket: 4 threads never get more than rate times time plus burst", "[limiter][concurrency]") {
    manual_clock clock;
    token_bucket bucket(200, 200, clock.function());
    std::vector<std::vector<std::chrono::nanoseconds>> waits(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) waits[t].push_back(*bucket.reserve({app, "get_list"}, 60s));
        });
    for (auto& thread : threads) thread.join();
    // Each permit's start time, in simulated time that never moved: sorted, the n-th (from 0) is no earlier
    // than (n - burst + 1) / rate.
    std::vector<std::chrono::nanoseconds> starts;
    for (const auto& mine : waits) starts.insert(starts.end(), mine.begin(), mine.end());
    std::sort(starts.begin(), starts.end());
    REQUIRE(starts.size() == 1200);
    int too_early = 0;
    for (std::size_t n = 200; n < starts.size(); ++n)
        too_early += starts[n] < std::chrono::nanoseconds((static_cast<std::int64_t>(n) - 199) * 5000000);
    CHECK(too_early == 0);
    CHECK(starts.back() < 5001ms); // and not needlessly later: (1200 - 200) / 200 s
    CHECK(bucket.granted() == 1200);
}

TEST_CASE("client: a permit is waited for on the calling thread and never past the deadline", "[limiter][client]") {
    emulation::emulator service;
    std::vector<std::chrono::milliseconds> sleeps;
    auto time = std::make_shared<std::chrono::steady_clock::time_point>();
    client_options o = plain_options();
    o.clock = [time] { return *time; };
    o.sleep = [&](std::chrono::milliseconds d) {
        sleeps.push_back(d);
        *time += d;
    };
    manual_clock limiter_clock;
    o.limiter = std::make_shared<token_bucket>(budget_config{budget_scope::app_and_command, {2, 1}, {}}, limiter_clock.function());
    o.deadline = 400ms;
    client<emulation::in_memory_transport> chat(emulation::in_memory_transport(service), o);
    REQUIRE(chat.call(get_contact_group_request{"u", 0}).has_value());
    CHECK(sleeps.empty());
    // The next permit is 500 ms away and the deadline 400 ms: refused at once, nothing sent, no sleep.
    const auto refused = chat.call(get_contact_group_request{"u", 0});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == code::deadline_exceeded);
    CHECK(sleeps.empty());
    CHECK(service.calls().size() == 1);
    // Another command has a budget of its own.
    CHECK(chat.call(get_list_request{"u"}).has_value());
}

TEST_CASE("client: a 60007 from the service is reported to the limiter", "[limiter][client]") {
    emulation::emulator service;
    service.add_fault(emulation::fault{"get_contact_group", 1, 0, 60007});
    auto limiter = std::make_shared<counting_limiter>();
    client_options o = plain_options();
    o.limiter = limiter;
    o.sleep = [](std::chrono::milliseconds) {};
    client<emulation::in_memory_transport> chat(emulation::in_memory_transport(service), o);
    CHECK(chat.call(get_contact_group_request{"u", 0}).has_value()); // retried after the 60007
    CHECK(limiter->rate_limited == 1);
    CHECK(limiter->reserved == 2);
    CHECK(limiter->last_command == "get_contact_group");
}

TEST_CASE("async_call out of permits never blocks its io_context thread", "[limiter][async][concurrency]") {
    // 1,000 calls at 2,000 permits per second with a burst of 1: about half a second of permits, all reserved
    // at once from one handler. A timer on the same thread fires every 5 ms. Had anything waited on the thread
    // for a permit, the calls would complete inside that first handler and no tick could run between them.
    // Nothing here is timed: under a sanitizer on a loaded machine the ticks are late, but they still interleave.
    const auto run = [](bool asio_schedule) {
        boost::asio::io_context context;
        emulation::emulator service;
        client_options o = plain_options();
        std::atomic<int> sleeps{0};
        o.sleep = [&sleeps](std::chrono::milliseconds) { ++sleeps; };
        o.limiter = std::make_shared<token_bucket>(2000, 1);
        if (asio_schedule) o.schedule = asio_scheduler(context.get_executor());
        client<inline_async_transport> chat(inline_async_transport{&service}, o);
        constexpr int calls = 1000;
        std::atomic<int> completed{0}, failed{0};
        std::vector<int> handler_runs(calls, 0);
        std::mutex runs_mutex;
        boost::asio::post(context, [&] {
            for (int i = 0; i < calls; ++i)
                chat.async_call(get_contact_group_request{"u", 0}, [&, i](result<get_contact_group_response> r) {
                    {
                        const std::lock_guard<std::mutex> lock(runs_mutex);
                        ++handler_runs[static_cast<std::size_t>(i)];
                    }
                    failed += !r.has_value();
                    ++completed;
                });
        });
        boost::asio::steady_timer tick(context);
        int ticks_between_calls = 0; // ticks that ran after the first call completed and before the last
        std::function<void()> arm = [&] {
            tick.expires_after(5ms);
            tick.async_wait([&](boost::system::error_code) {
                const int done = completed.load();
                ticks_between_calls += done > 0 && done < calls;
                if (done < calls) arm();
            });
        };
        arm();
        const auto started = std::chrono::steady_clock::now();
        // With asio_scheduler the context runs out of work when the last call completes; with the timer thread
        // the handlers run there, and the tick keeps the context alive until they are all done.
        context.run();
        const auto took = std::chrono::steady_clock::now() - started;
        while (completed < calls && std::chrono::steady_clock::now() - started < 30s) std::this_thread::sleep_for(1ms);
        return std::make_tuple(completed.load(), failed.load(), handler_runs, sleeps.load(), ticks_between_calls, took);
    };
    for (const bool asio_schedule : {true, false}) {
        INFO((asio_schedule ? "asio_scheduler" : "the default timer thread"));
        const auto [completed, failed, handler_runs, sleeps, ticks_between_calls, took] = run(asio_schedule);
        CHECK(completed == 1000);
        CHECK(failed == 0);
        CHECK(std::all_of(handler_runs.begin(), handler_runs.end(), [](int runs) { return runs == 1; }));
        CHECK(sleeps == 0);                 // an async call never sleeps
        CHECK(ticks_between_calls > 0);     // the thread served its timer while the calls waited for permits
        CHECK(took > 400ms);                // the rate was kept
    }
}
