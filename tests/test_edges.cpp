// Behaviour at the edges: time arithmetic at its limits (no deadline, endless waits, tiny and zero rates), the
// limiter's memory under many keys, the base URL's scheme, a transport that completes twice, a hook that throws,
// the paging cursors, the redaction's short-secret boundary and the timer thread's order. Each test asserts both
// sides of its boundary, so that a one-line slip on either side fails.
#include <tcchat/client.hpp>
#include <tcchat/emulator.hpp>
#include <tcchat/timer_thread.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "test_support.hpp"

using namespace tcchat;
using namespace std::chrono_literals;

namespace {

using tcchat::test::app;
constexpr auto no_deadline = std::chrono::nanoseconds::max();

/// Simulated time for a limiter: moves only when told to.
struct manual_clock {
    std::shared_ptr<std::chrono::steady_clock::time_point> now =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::time_point{} + 1h);
    token_bucket::clock_function function() const {
        return [now = now] { return *now; };
    }
    void advance(std::chrono::nanoseconds by) const { *now += by; }
};

client_options emulator_options_for_tests() {
    client_options o;
    o.base_url = "https://adminapisgp.im.qcloud.com";
    o.identity = {app, "admin"};
    o.usersig = fixed_usersig("secret-usersig-of-forty-bytes-0123456789");
    o.limiter = nullptr;
    o.sleep = [](std::chrono::milliseconds) {};
    return o;
}

/// Answers from a script and records each request body; completes inline.
struct scripted_transport {
    std::shared_ptr<std::deque<std::string>> answers = std::make_shared<std::deque<std::string>>();
    std::shared_ptr<std::vector<std::string>> bodies = std::make_shared<std::vector<std::string>>();
    result<http_response> send(const http_request& request) {
        bodies->push_back(request.body);
        if (answers->empty()) return make_error(code::transport_failed, error_origin::transport, "", "script exhausted");
        std::string next = std::move(answers->front());
        answers->pop_front();
        return http_response{200, std::move(next)};
    }
};

/// Runs a job on the shared timer thread and waits for a flag it sets, with a generous bound.
class completion_flag {
public:
    void set() {
        // Under the lock: the waiter may return and destroy the flag as soon as the lock is free.
        const std::lock_guard<std::mutex> lock(mutex_);
        set_ = true;
        changed_.notify_all();
    }
    bool wait_for(std::chrono::milliseconds bound) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, bound, [&] { return set_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool set_ = false;
};

} // namespace

// --- time arithmetic at its limits (issue: a "no deadline" of milliseconds::max() and endless waits) ----------

TEST_CASE("a deadline of milliseconds max is no deadline - sync and async calls go out and succeed", "[edges][client]") {
    emulation::emulator service;
    auto options = emulator_options_for_tests();
    options.deadline = std::chrono::milliseconds::max();
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), options);
    const auto listed = c.call(get_list_request{"u"});
    REQUIRE(listed.has_value());
    CHECK(service.calls().size() == 1);

    std::optional<result<get_list_response>> async_listed;
    c.async_call(get_list_request{"u"}, [&](result<get_list_response> r) { async_listed = std::move(r); });
    REQUIRE(async_listed.has_value());
    CHECK(async_listed->has_value());
    CHECK(service.calls().size() == 2);
}

TEST_CASE("saturating_add clamps at the clock's ends and adds exactly below them", "[edges]") {
    using clock = std::chrono::steady_clock;
    const clock::time_point start = clock::time_point{} + 5s;
    CHECK(detail::saturating_add(start, std::chrono::milliseconds::max()) == clock::time_point::max());
    CHECK(detail::saturating_add(start, std::chrono::hours::max()) == clock::time_point::max());
    CHECK(detail::saturating_add(start, std::chrono::nanoseconds::max()) == clock::time_point::max());
    CHECK(detail::saturating_add(clock::time_point{} - 5s, std::chrono::milliseconds::min()) == clock::time_point::min());
    CHECK(detail::saturating_add(start, 1500ms) == start + 1500ms);
    CHECK(detail::saturating_add(start, -2s) == start - 2s);
    // One step below the end is still an exact sum; one step past it is the end.
    const auto room = clock::time_point::max() - start;
    CHECK(detail::saturating_add(start, room) == clock::time_point::max());
    CHECK(detail::saturating_add(start, room - 1ns) == clock::time_point::max() - 1ns);
}

TEST_CASE("timer thread: a job due at the end of time never runs and holds no earlier job back", "[edges][timer]") {
    timer_thread timers;
    std::atomic<bool> endless_ran{false};
    completion_flag soon_ran;
    timers.schedule(std::chrono::nanoseconds::max(), [&] { endless_ran = true; });
    timers.schedule(5ms, [&] { soon_ran.set(); });
    REQUIRE(soon_ran.wait_for(5000ms));
    std::this_thread::sleep_for(50ms); // had max() wrapped to the past, it would have run before the 5 ms job
    CHECK_FALSE(endless_ran.load());
}

TEST_CASE("timer thread: a job whose token is cancelled is dropped at once and never runs", "[edges][timer][cancel][concurrency]") {
    timer_thread timers;
    cancellation_source stop;
    auto held = std::make_shared<int>(0);
    std::atomic<bool> cancelled_ran{false};
    timers.schedule(10s, [held, &cancelled_ran] { cancelled_ran = true; }, stop.token());
    CHECK(held.use_count() == 2);
    stop.cancel();
    CHECK(held.use_count() == 1); // released on the cancelling thread, not when it would have been due
    // A token cancelled before the job is scheduled drops it inside schedule().
    timers.schedule(10s, [held, &cancelled_ran] { cancelled_ran = true; }, stop.token());
    CHECK(held.use_count() == 1);
    // Jobs of other tokens, and jobs without one, still run; a cancellation after a job has run changes nothing.
    cancellation_source other;
    completion_flag ran_with_token, ran_without;
    timers.schedule(5ms, [&] { ran_with_token.set(); }, other.token());
    timers.schedule(5ms, [&] { ran_without.set(); });
    REQUIRE(ran_with_token.wait_for(5000ms));
    REQUIRE(ran_without.wait_for(5000ms));
    other.cancel();
    CHECK_FALSE(cancelled_ran.load());
}

TEST_CASE("timer thread: a cancellation after the timer thread is gone touches nothing", "[edges][timer][cancel]") {
    cancellation_source stop;
    auto held = std::make_shared<int>(0);
    {
        timer_thread timers;
        timers.schedule(1h, [held] {}, stop.token());
        CHECK(held.use_count() == 2);
    }
    CHECK(held.use_count() == 1); // the destructor dropped the job
    stop.cancel();                // its subscription was forgotten, or finds no queue (ASan would see a use after free)
    CHECK(stop.cancelled());
}

TEST_CASE("timer thread: jobs run in due order - an early job is not held behind a later one", "[edges][timer]") {
    timer_thread timers;
    std::mutex order_mutex;
    std::vector<int> order;
    std::atomic<bool> late_ran{false};
    completion_flag early_ran;
    timers.schedule(10s, [&] {
        late_ran = true;
        const std::lock_guard<std::mutex> lock(order_mutex);
        order.push_back(2);
    });
    timers.schedule(10ms, [&] {
        {
            const std::lock_guard<std::mutex> lock(order_mutex);
            order.push_back(1);
        }
        early_ran.set();
    });
    // The early job runs long before the late one is due; a queue in insertion order would hold it 10 s.
    REQUIRE(early_ran.wait_for(5000ms));
    CHECK_FALSE(late_ran.load());
    const std::lock_guard<std::mutex> lock(order_mutex);
    CHECK(order == std::vector<int>{1});
}

// --- rates at their limits ------------------------------------------------------------------------------------

TEST_CASE("token bucket: a tiny rate refuses the next permit instead of overflowing into an instant grant", "[edges][limiter]") {
    manual_clock clock;
    token_bucket bucket(1e-10, 1, clock.function()); // one permit per 317 years
    const budget_key key{app, "get_list"};
    REQUIRE(bucket.reserve(key, 30s).has_value());
    for (const std::chrono::nanoseconds time_left : {std::chrono::nanoseconds(30s), no_deadline}) {
        const permit next = bucket.reserve(key, time_left);
        REQUIRE_FALSE(next.has_value());
        CHECK(next.error().code == code::deadline_exceeded);
    }
    CHECK(bucket.granted() == 1);

    // A slow rate whose wait still fits in nanoseconds is granted with that wait, when the deadline allows it.
    token_bucket slow(1e-6, 1, clock.function()); // one permit per 11.6 days
    REQUIRE(slow.reserve(key, 30s).has_value());
    const permit far = slow.reserve(key, no_deadline);
    REQUIRE(far.has_value());
    CHECK(*far > 999'999s);
    CHECK(*far < 1'000'001s);
    CHECK_FALSE(slow.reserve(key, 999'000s).has_value());
}

TEST_CASE("token bucket: a rate of 0 grants its burst then refuses every permit for ever", "[edges][limiter]") {
    manual_clock clock;
    token_bucket bucket(0, 2, clock.function());
    const budget_key key{app, "delete"};
    CHECK(*bucket.reserve(key, 1s) == 0ns);
    CHECK(*bucket.reserve(key, 1s) == 0ns);
    for (int tries = 0; tries < 3; ++tries) {
        const permit refused = bucket.reserve(key, no_deadline);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == code::deadline_exceeded);
        CHECK(refused.error().message.find("no further permit") != std::string::npos);
        clock.advance(24h); // time refills nothing at 0 per second
    }
    CHECK(bucket.granted() == 2);
}

TEST_CASE("token bucket: refilled budgets are forgotten as the map grows - budgets in use are kept", "[edges][limiter]") {
    manual_clock clock;
    token_bucket bucket(100, 3, clock.function());
    const budget_key busy{app, "get_list"};
    for (int i = 0; i < 5; ++i) REQUIRE(bucket.reserve(busy, 1s).has_value()); // burst spent, two permits in debt

    // 3000 made-up commands of one moment: none has refilled, so none may be forgotten.
    std::vector<std::string> commands;
    for (int i = 0; i < 6000; ++i) commands.push_back("made-up-" + std::to_string(i));
    for (int i = 0; i < 3000; ++i) REQUIRE(bucket.reserve({app, commands[i]}, 1s).has_value());
    CHECK(bucket.budgets_held() == 3001);

    // 30 ms later the 3000 have refilled (3 permits at 100/s) and are forgotten once the map doubles; the busy
    // budget, 20 ms of debt then refilling, is not yet full and stays.
    clock.advance(30ms);
    REQUIRE(bucket.reserve(busy, 1s).has_value());
    for (int i = 3000; i < 6000; ++i) REQUIRE(bucket.reserve({app, commands[i]}, 1s).has_value());
    CHECK(bucket.budgets_held() == 3001);
    const permit busy_next = bucket.reserve(busy, 1s);
    REQUIRE(busy_next.has_value());
    CHECK(*busy_next > 0ns); // still in debt: the busy budget was kept, not reset to a full one

    // A forgotten budget starts as a new one does: a full burst.
    for (int i = 0; i < 3; ++i) CHECK(*bucket.reserve({app, commands[0]}, 1s) == 0ns);
    CHECK(*bucket.reserve({app, commands[0]}, 1s) > 0ns);
}

// --- the base URL ---------------------------------------------------------------------------------------------

TEST_CASE("split_http_url gives the host without brackets - the scheme's default port - the target with its query", "[edges][url]") {
    const auto parts_of = [](std::string_view url) { return std::get<http_url_parts>(split_http_url(url)); };
    const auto plain = parts_of("http://Example.com/v4/x?usersig=s");
    CHECK_FALSE(plain.https);
    CHECK(plain.host == "Example.com");
    CHECK(plain.port == 80);
    CHECK(plain.target == "/v4/x?usersig=s");
    const auto secure = parts_of("HTTPS://[::1]");
    CHECK(secure.https);
    CHECK(secure.host == "::1");
    CHECK(secure.port == 443);
    CHECK(secure.target == "/");
    const auto explicit_port = parts_of("https://h:8443/p");
    CHECK(explicit_port.port == 8443);
    CHECK(explicit_port.target == "/p");
    CHECK(std::get<std::string>(split_http_url("http://h?usersig=s")).find("path") != std::string::npos);
    CHECK(std::get<std::string>(split_http_url("http://h?usersig=s")).find("usersig") == std::string::npos);
}

TEST_CASE("only http and https base URLs with a host are called - others fail before anything is sent", "[edges][client][url]") {
    for (const char* usable : {"http://127.0.0.1:8080", "HTTPS://Console.tim.qq.com", "https://[::1]:65535/base", "http://h:1",
                               "https://adminapisgp.im.qcloud.com"}) {
        INFO(usable);
        CHECK_FALSE(base_url_problem(usable).has_value());
    }
    const std::pair<const char*, const char*> refused[] = {
        {"gopher://127.0.0.1:70/_x", "http:// or https://"},
        {"dict://127.0.0.1:2628", "http:// or https://"},
        {"file:///etc/passwd", "http:// or https://"},
        {"httpx://h", "http:// or https://"},
        {"127.0.0.1:8080", "http:// or https://"},
        {"https://alice:hunter2@host", "user-info"},
        {"http://", "no host"},
        {"http:///path", "no host"},
        {"http://[]:80", "no host"},
        {"http://h:0", "port"},
        {"http://h:65536", "port"},
        {"http://h:", "port"},
        {"http://h:8o", "port"},
    };
    emulation::emulator service;
    for (const auto& [url, reason] : refused) {
        INFO(url);
        auto options = emulator_options_for_tests();
        options.base_url = url;
        client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), options);
        const auto outcome = c.call(get_list_request{"u"});
        REQUIRE_FALSE(outcome.has_value());
        CHECK(outcome.error().code == code::invalid_options);
        CHECK(outcome.error().retry() == retry_class::never);
        CHECK(outcome.error().origin == error_origin::local);
        CHECK(outcome.error().message.find(reason) != std::string::npos);
        CHECK(outcome.error().message.find("hunter2") == std::string::npos);
        std::optional<result<get_list_response>> async_outcome;
        c.async_call(get_list_request{"u"}, [&](result<get_list_response> r) { async_outcome = std::move(r); });
        REQUIRE(async_outcome.has_value());
        CHECK(async_outcome->error().code == code::invalid_options);
    }
    CHECK(service.calls().empty());

    // Refused before a permit is asked for: a call that can never be sent takes nothing from the budget.
    auto options = emulator_options_for_tests();
    options.base_url = "gopher://127.0.0.1:70";
    auto bucket = std::make_shared<token_bucket>(1, 1);
    options.limiter = bucket;
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), options);
    CHECK_FALSE(c.call(get_list_request{"u"}).has_value());
    CHECK(bucket->granted() == 0);
}

// --- a transport that completes twice, a hook that throws -----------------------------------------------------

namespace {
/// Calls each completion handler twice, the second time with a different answer; or keeps the first attempt's
/// handler and calls it again after a later attempt has completed.
struct double_completing_transport {
    emulation::emulator* service;
    std::shared_ptr<int> sent = std::make_shared<int>(0);
    std::shared_ptr<completion_handler> kept = std::make_shared<completion_handler>();
    bool fail_first_then_replay = false;

    result<http_response> send(const http_request& request) { return service->handle(request.url, request.body); }
    void async_send(const http_request& request, completion_handler handler) {
        ++*sent;
        if (fail_first_then_replay) {
            if (*sent == 1) {
                *kept = handler;
                return handler(http_response{200, R"({"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"busy"})"});
            }
            handler(send(request));
            return (*kept)(http_response{200, R"({"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"late"})"});
        }
        handler(send(request));
        handler(http_response{200, R"({"ActionStatus":"FAIL","ErrorCode":70003,"ErrorInfo":"second"})"});
    }
};
} // namespace

TEST_CASE("a transport that completes twice reaches the caller's handler once - the second completion is reported", "[edges][client][async]") {
    emulation::emulator service;
    auto options = emulator_options_for_tests();
    std::vector<std::string> violations;
    options.on_contract_violation = [&](std::string_view what) { violations.emplace_back(what); };
    options.schedule = [](std::chrono::milliseconds, std::function<void()> resume) { resume(); };

    // Whatever the transport does wrong, the caller's handler runs once, with the first completion's answer of the
    // attempt that counts (not the second's 70003 or the late 60007), and the violation is reported once.
    for (const bool replay_after_retry : {false, true}) {
        INFO((replay_after_retry ? "an earlier attempt's handler called after a retry completed" : "the same attempt twice"));
        violations.clear();
        double_completing_transport transport{&service};
        transport.fail_first_then_replay = replay_after_retry;
        client<double_completing_transport> c(transport, options);
        int completions = 0;
        std::optional<result<get_list_response>> outcome;
        c.async_call(get_list_request{"u"}, [&](result<get_list_response> r) {
            ++completions;
            outcome = std::move(r);
        });
        CHECK(*transport.sent == (replay_after_retry ? 2 : 1));
        CHECK(completions == 1);
        REQUIRE(outcome.has_value());
        CHECK(outcome->has_value());
        REQUIRE(violations.size() == 1);
        CHECK(violations[0].find("completed attempt 1 of get_list again") != std::string::npos);
    }
}

TEST_CASE("an on_attempt hook that throws ends the call with hook_failed - also on the timer thread", "[edges][client]") {
    emulation::emulator service;
    auto options = emulator_options_for_tests();
    options.on_attempt = [](const attempt_record& record) {
        throw std::runtime_error("hook refused " + std::string(record.redacted_url.substr(0, 4)) + " secret-usersig-of-forty-bytes-0123456789");
    };
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), options);
    const auto outcome = c.call(get_list_request{"u"});
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().code == code::hook_failed);
    CHECK(outcome.error().origin == error_origin::local);
    CHECK(outcome.error().message == "the on_attempt hook threw: hook refused http REDACTED");
    CHECK(outcome.error().retry() == retry_class::never);
    CHECK(service.calls().size() == 1); // the attempt went out; the hook's failure is not retried

    // The same hook on tcchat's timer thread: the handler gets the error, and the process is not terminated.
    struct timer_thread_transport {
        emulation::emulator* service;
        result<http_response> send(const http_request& request) { return service->handle(request.url, request.body); }
        void async_send(const http_request& request, completion_handler handler) {
            timer_thread::shared().schedule(0ns, [this, request, handler = std::move(handler)] { handler(send(request)); });
        }
    };
    client<timer_thread_transport> async_client(timer_thread_transport{&service}, options);
    completion_flag done;
    std::optional<result<get_list_response>> async_outcome;
    async_client.async_call(get_list_request{"u"}, [&](result<get_list_response> r) {
        async_outcome = std::move(r);
        done.set();
    });
    REQUIRE(done.wait_for(5000ms));
    REQUIRE(async_outcome.has_value());
    CHECK(async_outcome->error().code == code::hook_failed);
}

// --- paging cursors -------------------------------------------------------------------------------------------

TEST_CASE("each later get_list page sends the four cursors of the answer before it", "[edges][client][paging]") {
    scripted_transport transport;
    const auto page = [](int complete, int base) {
        return R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","SessionItem":[],"CompleteFlag":)" + std::to_string(complete) +
               R"(,"TimeStamp":)" + std::to_string(base + 1) + R"(,"StartIndex":)" + std::to_string(base + 2) +
               R"(,"TopTimeStamp":)" + std::to_string(base + 3) + R"(,"TopStartIndex":)" + std::to_string(base + 4) + "}";
    };
    transport.answers->push_back(page(0, 10));
    transport.answers->push_back(page(0, 20));
    transport.answers->push_back(page(1, 30));
    client<scripted_transport> c(transport, emulator_options_for_tests());
    int pages = 0;
    for (const auto& result : c.pages(get_list_request{"u"})) {
        REQUIRE(result.has_value());
        ++pages;
    }
    CHECK(pages == 3);
    REQUIRE(transport.bodies->size() == 3);
    const std::int64_t expected[3][4] = {{0, 0, 0, 0}, {11, 12, 13, 14}, {21, 22, 23, 24}};
    for (std::size_t i = 0; i < 3; ++i) {
        INFO("request " << i);
        const auto sent = decode<get_list_request>((*transport.bodies)[i]);
        REQUIRE(sent.has_value());
        CHECK(sent->TimeStamp == expected[i][0]);
        CHECK(sent->StartIndex == expected[i][1]);
        CHECK(sent->TopTimeStamp == expected[i][2]);
        CHECK(sent->TopStartIndex == expected[i][3]);
    }
}

TEST_CASE("a get_contact_group page with CompleteFlag 0 and no NextStartIndex is the last - no error and no further request",
          "[edges][client][paging]") {
    scripted_transport transport;
    transport.answers->push_back(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[],"CompleteFlag":0,"NextStartIndex":7})");
    transport.answers->push_back(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[],"CompleteFlag":0})");
    client<scripted_transport> c(transport, emulator_options_for_tests());
    std::vector<bool> pages;
    for (const auto& result : c.pages(get_contact_group_request{"u", 0})) pages.push_back(result.has_value());
    CHECK(pages == std::vector<bool>{true, true});
    REQUIRE(transport.bodies->size() == 2);
    const auto second = decode<get_contact_group_request>((*transport.bodies)[1]);
    REQUIRE(second.has_value());
    CHECK(second->StartIndex == 7);
}

// --- redaction of short secrets -------------------------------------------------------------------------------

TEST_CASE("redact_secret: 16 bytes is the length from which a secret is redacted inside a word", "[edges][url][redact]") {
    const std::string sixteen = "abcdefghijklmnop";
    const std::string fifteen = sixteen.substr(0, 15);
    std::string glued_sixteen = "xx" + sixteen + "yy";
    redact_secret(glued_sixteen, sixteen);
    CHECK(glued_sixteen == "xxREDACTEDyy");
    std::string glued_fifteen = "xx" + fifteen + "yy";
    redact_secret(glued_fifteen, fifteen);
    CHECK(glued_fifteen == "xx" + fifteen + "yy");
    // Glued on one side only is still inside a word, on either side.
    std::string left = "x" + fifteen + " and " + fifteen + "y";
    redact_secret(left, fifteen);
    CHECK(left == "x" + fifteen + " and " + fifteen + "y");
    std::string alone = "(" + fifteen + ")";
    redact_secret(alone, fifteen);
    CHECK(alone == "(REDACTED)");
}

// --- the envelope of a failed answer --------------------------------------------------------------------------

TEST_CASE("a FAIL answer without ErrorInfo keeps the server's code - an OK envelope is never laundered", "[edges][client][envelope]") {
    const auto outcome_of = [](std::string answer) {
        scripted_transport transport;
        transport.answers->push_back(std::move(answer));
        auto options = emulator_options_for_tests();
        options.retry.max_attempts = 1;
        client<scripted_transport> c(transport, options);
        return c.call(del_contact_group_request{"u", {"g"}});
    };
    const auto no_info = outcome_of(R"({"ActionStatus":"FAIL","ErrorCode":51009})");
    REQUIRE_FALSE(no_info.has_value());
    CHECK(no_info.error().value() == 51009);
    CHECK(no_info.error().origin == error_origin::server);
    CHECK(no_info.error().message.empty());

    const auto info_not_text = outcome_of(R"({"ActionStatus":"FAIL","ErrorCode":50001,"ErrorInfo":5})");
    REQUIRE_FALSE(info_not_text.has_value());
    CHECK(info_not_text.error().value() == 50001);
    CHECK(info_not_text.error().origin == error_origin::server);

    // OK with a code, or FAIL without one, is an error whatever else the answer lacks.
    const auto ok_with_code = outcome_of(R"({"ActionStatus":"OK","ErrorCode":60004})");
    REQUIRE_FALSE(ok_with_code.has_value());
    CHECK(ok_with_code.error().value() == 60004);
    const auto fail_without_code = outcome_of(R"({"ActionStatus":"FAIL","ErrorCode":0})");
    REQUIRE_FALSE(fail_without_code.has_value());
    CHECK(fail_without_code.error().value() == 50004);

    // An OK envelope that does not decode stays a decode error: a malformed success is no success.
    const auto malformed_success = outcome_of(R"({"ActionStatus":"OK","ErrorCode":0})");
    REQUIRE_FALSE(malformed_success.has_value());
    CHECK(malformed_success.error().origin == error_origin::decode);
    CHECK(malformed_success.error().pointer == "/ErrorInfo");
    // Without even an ErrorCode there is no server code to keep.
    const auto no_code = outcome_of(R"({"ActionStatus":"FAIL"})");
    REQUIRE_FALSE(no_code.has_value());
    CHECK(no_code.error().origin == error_origin::decode);
}

TEST_CASE("a 70001 without ErrorInfo still renews the UserSig and retries", "[edges][client][envelope][usersig]") {
    scripted_transport transport;
    transport.answers->push_back(R"({"ActionStatus":"FAIL","ErrorCode":70001})");
    transport.answers->push_back(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})");
    auto options = emulator_options_for_tests();
    int issued = 0;
    options.usersig = [&issued]() -> result<signed_usersig> {
        ++issued;
        return signed_usersig{"signature-number-" + std::to_string(issued) + "-padded-to-length"};
    };
    client<scripted_transport> c(transport, options);
    const auto deleted = c.call(del_contact_group_request{"u", {"g"}});
    REQUIRE(deleted.has_value());
    CHECK(transport.bodies->size() == 2);
    CHECK(c.usersig_renewals() == 2);
}

// --- failover to the backup base URL --------------------------------------------------------------------------

namespace {
/// Fails every exchange whose URL starts with one of `unreachable` (no HTTP answer: 90001 and 90003 by turn,
/// starting with 90003 when `timeout_first`) and
/// answers the others from the emulator; records every URL it was given.
struct partly_unreachable_transport {
    emulation::emulator* service;
    std::vector<std::string> unreachable;
    bool timeout_first = false;
    int status_instead = 0; ///< not 0: the unreachable hosts answer this HTTP status instead (a gateway's 502)
    std::shared_ptr<std::vector<std::string>> urls = std::make_shared<std::vector<std::string>>();

    result<http_response> send(const http_request& request) {
        urls->push_back(request.url);
        for (const auto& prefix : unreachable)
            if (request.url.rfind(prefix, 0) == 0 && status_instead != 0) return http_response{status_instead, "<html>bad gateway</html>"};
            else if (request.url.rfind(prefix, 0) == 0)
                return make_error((urls->size() + timeout_first) % 2 ? code::transport_failed : code::timeout, error_origin::transport, "", "no route to host");
        const auto target = request.url.find("/v4/");
        return service->handle(request.url.substr(target), request.body);
    }
    void async_send(const http_request& request, completion_handler handler) { handler(send(request)); }
};

const std::string primary = "https://adminapisgp.im.qcloud.com";
const std::string backup = "https://adminapisgp.my-imcloud.com";

/// The base URL of every attempt of one call, sync or async, as on_attempt saw it.
template <class Request>
std::vector<std::string> bases_of_call(client_options options, partly_unreachable_transport transport, const Request& request,
                                       bool async, bool* succeeded = nullptr) {
    std::vector<std::string> bases;
    options.on_attempt = [&](const attempt_record& record) { bases.emplace_back(record.base_url); };
    options.schedule = [](std::chrono::milliseconds, std::function<void()> resume) { resume(); };
    client<partly_unreachable_transport> c(transport, options);
    bool ok = false;
    if (async)
        c.async_call(request, [&](result<response_of<Request>> r) { ok = r.has_value(); });
    else
        ok = c.call(request).has_value();
    if (succeeded) *succeeded = ok;
    return bases;
}
} // namespace

TEST_CASE("after an attempt with no answer the next goes to the backup base URL and the one after returns", "[edges][client][failover]") {
    emulation::emulator service;
    auto options = emulator_options_for_tests();
    options.base_url = primary; // a region's URL: its backup domain is the default backup
    for (const bool async : {false, true}) {
        INFO((async ? "async_call" : "call"));
        bool ok = false;
        // The primary is down: the second attempt succeeds on the backup.
        CHECK(bases_of_call(options, {&service, {primary}}, get_list_request{"u"}, async, &ok) == std::vector<std::string>{primary, backup});
        CHECK(ok);
        CHECK(bases_of_call(options, {&service, {primary}, true}, get_list_request{"u"}, async, &ok) == std::vector<std::string>{primary, backup});
        CHECK(ok); // a timeout moves the next attempt as a refused connection does
        // An answer, even an HTTP error, shows the primary is reachable: the retries stay there.
        CHECK(bases_of_call(options, {&service, {primary}, false, 502}, get_list_request{"u"}, async) == std::vector<std::string>(4, primary));
        // Both down: primary, backup, primary, backup (max_attempts 4), then the call fails.
        CHECK(bases_of_call(options, {&service, {primary, backup}}, get_list_request{"u"}, async, &ok) ==
              std::vector<std::string>{primary, backup, primary, backup});
        CHECK_FALSE(ok);
        // A write is not resent by failover unless writes may be retried.
        CHECK(bases_of_call(options, {&service, {primary}}, del_contact_group_request{"u", {"g"}}, async) == std::vector<std::string>{primary});
        auto writes = options;
        writes.retry.retry_writes = true;
        CHECK(bases_of_call(writes, {&service, {primary}}, del_contact_group_request{"u", {"g"}}, async) == std::vector<std::string>{primary, backup});
        // Switched off, or with a base URL that is no region's and no backup given: every attempt on the primary.
        auto off = options;
        off.failover = false;
        CHECK(bases_of_call(off, {&service, {primary}}, get_list_request{"u"}, async) == std::vector<std::string>(4, primary));
        auto custom = options;
        custom.base_url = "http://127.0.0.1:1";
        CHECK(bases_of_call(custom, {&service, {custom.base_url}}, get_list_request{"u"}, async) == std::vector<std::string>(4, custom.base_url));
        custom.backup_base_url = "http://127.0.0.1:2";
        CHECK(bases_of_call(custom, {&service, {custom.base_url}}, get_list_request{"u"}, async, &ok) ==
              std::vector<std::string>{custom.base_url, custom.backup_base_url});
        CHECK(ok);
    }
}

TEST_CASE("a call after a failover sends its URL to the primary again - the reused buffer is not mistaken for it", "[edges][client][failover]") {
    emulation::emulator service;
    auto options = emulator_options_for_tests();
    options.base_url = primary;
    partly_unreachable_transport transport{&service, {primary}};
    client<partly_unreachable_transport> c(transport, options);
    REQUIRE(c.call(get_list_request{"u"}).has_value());                   // primary fails, backup answers
    transport.unreachable.clear();
    c.transport().unreachable.clear();
    REQUIRE(c.call(get_list_request{"u"}).has_value());                   // the primary is back
    const auto& urls = *c.transport().urls;
    REQUIRE(urls.size() == 3);
    CHECK(urls[0].rfind(primary + "/v4/recentcontact/get_list?", 0) == 0);
    CHECK(urls[1].rfind(backup + "/v4/recentcontact/get_list?", 0) == 0);
    CHECK(urls[2].rfind(primary + "/v4/recentcontact/get_list?", 0) == 0);
    // A malformed backup is refused like a malformed base URL.
    auto bad = options;
    bad.backup_base_url = "ftp://backup";
    client<partly_unreachable_transport> refused(partly_unreachable_transport{&service, {}}, bad);
    const auto outcome = refused.call(get_list_request{"u"});
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("client_options::backup_base_url") != std::string::npos);
}
