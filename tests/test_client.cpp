// The client (README "Errors and retries"): retries by class, UserSig renewal, deadline, statuses, rate limiting,
// pagination, batch splitting, URLs. Fake transports are scripted; time is simulated, never measured.
#include <tcchat/client.hpp>
#include <tcchat/item_results.hpp>
#include <tcchat/emulator.hpp>

#include "call_modes.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

using namespace tcchat;
using namespace std::chrono_literals;
using tcchat::test::call_in;
using tcchat::test::call_mode;

namespace {

using tcchat::test::app;

/// Answers from a script, records what was sent.
struct scripted_transport {
    std::shared_ptr<std::deque<result<http_response>>> script = std::make_shared<std::deque<result<http_response>>>();
    std::shared_ptr<std::vector<http_request>> sent = std::make_shared<std::vector<http_request>>();

    result<http_response> send(const http_request& request) {
        sent->push_back(request);
        REQUIRE_FALSE(script->empty());
        auto next = script->front();
        script->pop_front();
        return next;
    }
    void async_send(const http_request& request, completion_handler done) { done(send(request)); }
    void answer(int status, std::string body) { script->push_back(http_response{status, std::move(body)}); }
    void fail_with(code c, std::string message = "scripted transport failure") {
        script->push_back(make_error(c, error_origin::transport, "", std::move(message)));
    }
    void envelope(int error_code) {
        answer(200, encode(response_envelope{error_code == 0 ? "OK" : "FAIL", error_code, error_code == 0 ? "" : "scripted"}));
    }
};

/// Simulated time: sleeping advances the clock.
struct fake_time {
    std::shared_ptr<std::chrono::steady_clock::time_point> now = std::make_shared<std::chrono::steady_clock::time_point>();
    std::shared_ptr<std::vector<std::chrono::milliseconds>> sleeps = std::make_shared<std::vector<std::chrono::milliseconds>>();
    void install(client_options& o) const {
        o.clock = [now = now] { return *now; };
        o.sleep = [now = now, sleeps = sleeps](std::chrono::milliseconds d) {
            sleeps->push_back(d);
            *now += d;
        };
        o.schedule = [now = now, sleeps = sleeps](std::chrono::milliseconds d, std::function<void()> resume) {
            sleeps->push_back(d); // async_call's waits, recorded with call()'s: both modes must wait alike
            *now += d;
            resume();
        };
    }
};

client_options test_options(const fake_time& time) {
    client_options o;
    o.base_url = "https://adminapisgp.im.qcloud.com";
    o.identity = {app, "admin"};
    o.usersig = fixed_usersig("secret-usersig");
    o.limiter = nullptr;
    time.install(o);
    return o;
}

const get_contact_group_request read_request{"u", 0};
const mark_contact_request write_request{"u", {{mark_operation::standard, {conversation_type::c2c, "p"}, std::vector<std::int64_t>{1}}}};

} // namespace

TEST_CASE("transport concept checks", "[client]") {
    STATIC_REQUIRE(is_transport_v<emulation::in_memory_transport>);
    STATIC_REQUIRE(is_async_transport_v<emulation::in_memory_transport>);
    STATIC_REQUIRE(is_transport_v<scripted_transport>);
    STATIC_REQUIRE_FALSE(is_transport_v<int>);
    STATIC_REQUIRE_FALSE(is_transport_v<std::string>);
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L // as transport.hpp decides
    STATIC_REQUIRE(transport<emulation::in_memory_transport>);
    STATIC_REQUIRE(async_transport<emulation::in_memory_transport>);
    STATIC_REQUIRE_FALSE(transport<int>);
#endif
}

TEST_CASE("reads retry transient codes with growing capped jittered backoff - random is kept", "[client][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    t.envelope(60007);
    t.fail_with(code::timeout);
    t.answer(503, "busy");
    t.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CompleteFlag":1})");
    auto options = test_options(time);
    std::vector<attempt_record> attempts;
    std::vector<std::string> urls;
    options.on_attempt = [&](const attempt_record& a) {
        attempts.push_back(a);
        urls.emplace_back(a.redacted_url);
    };
    client<scripted_transport> c(t, options);
    auto r = call_in(mode, c, read_request, {12345});
    REQUIRE(r.has_value());
    REQUIRE(t.sent->size() == 4);
    for (const auto& request : *t.sent) {
        CHECK(request.url.find("random=12345&") != std::string::npos); // the same across the retries of one call
        CHECK(request.url.find("usersig=secret-usersig") != std::string::npos);
        CHECK(request.timeout <= 10s);
    }
    REQUIRE(time.sleeps->size() == 3);
    CHECK(time.sleeps->at(0) >= 50ms);
    CHECK(time.sleeps->at(0) <= 100ms);
    CHECK(time.sleeps->at(1) >= 100ms);
    CHECK(time.sleeps->at(1) <= 200ms);
    CHECK(time.sleeps->at(2) >= 200ms);
    CHECK(time.sleeps->at(2) <= 400ms);
    REQUIRE(attempts.size() == 4);
    CHECK(attempts[0].error_code == 60007);
    CHECK(attempts[1].error_code == static_cast<int>(code::timeout));
    CHECK(attempts[2].http_status == 503);
    CHECK(attempts[3].error_code == 0);
    CHECK(attempts[3].attempt == 4);
    CHECK(attempts[3].command == "get_contact_group");
    for (const auto& url : urls) {
        CHECK(url.find("secret-usersig") == std::string::npos);
        CHECK(url.find("usersig=REDACTED") != std::string::npos);
    }
}

namespace {
/// The pauses of one read that fails `failures` times with 60007 (retried with backoff), then succeeds. The
/// call's `random` is fixed, so every draw of options.random is the backoff's jitter.
std::vector<std::chrono::milliseconds> backoff_pauses(const fake_time& time, client_options options, int failures) {
    scripted_transport t;
    for (int i = 0; i < failures; ++i) t.envelope(60007);
    t.envelope(0);
    options.retry.max_attempts = failures + 1;
    options.deadline = 24h;
    client<scripted_transport> c(t, options);
    const auto slept_before = time.sleeps->size();
    REQUIRE(c.call(read_request, {1}).has_value());
    REQUIRE(t.sent->size() == static_cast<std::size_t>(failures + 1));
    return {time.sleeps->begin() + static_cast<std::ptrdiff_t>(slept_before), time.sleeps->end()};
}
} // namespace

TEST_CASE("backoff doubles from initial_backoff and stops growing at max_backoff", "[client][retry]") {
    fake_time time;
    auto options = test_options(time);
    options.retry.initial_backoff = 100ms;
    options.retry.max_backoff = 1000ms;
    options.random = [] { return std::uint32_t{0}; }; // no jitter: each pause is the lower bound, half a step
    // Steps 100 200 400 800 then the cap 1000 (uncapped they would go on: 1600 3200 ...).
    const std::vector<std::chrono::milliseconds> halves{50ms, 100ms, 200ms, 400ms, 500ms, 500ms, 500ms, 500ms};
    CHECK(backoff_pauses(time, options, 8) == halves);
}

TEST_CASE("backoff jitter stays between half a step and a whole step over many draws", "[client][retry]") {
    fake_time time;
    auto options = test_options(time);
    options.retry.initial_backoff = 100ms;
    options.retry.max_backoff = 1000ms;
    std::mt19937 generator(2024); // a seeded source: the same draws on every run
    options.random = [&generator] { return static_cast<std::uint32_t>(generator()); };
    const std::vector<std::int64_t> steps{100, 200, 400, 800, 1000, 1000};
    std::vector<std::int64_t> lowest(steps.size(), INT64_MAX), highest(steps.size(), 0);
    for (int call = 0; call < 300; ++call) {
        const auto pauses = backoff_pauses(time, options, static_cast<int>(steps.size()));
        REQUIRE(pauses.size() == steps.size());
        for (std::size_t i = 0; i < steps.size(); ++i) {
            INFO("call " << call << " pause " << i << ": " << pauses[i].count() << " ms");
            CHECK(pauses[i].count() >= steps[i] / 2);
            CHECK(pauses[i].count() <= steps[i]);
            lowest[i] = std::min<std::int64_t>(lowest[i], pauses[i].count());
            highest[i] = std::max<std::int64_t>(highest[i], pauses[i].count());
        }
    }
    // The draws are used, not ignored: 300 uniform draws reach within a tenth of either bound.
    for (std::size_t i = 0; i < steps.size(); ++i) {
        INFO("pause " << i << " ranged over " << lowest[i] << ".." << highest[i] << " ms");
        CHECK(lowest[i] <= steps[i] / 2 + steps[i] / 20);
        CHECK(highest[i] >= steps[i] - steps[i] / 20);
    }
}

TEST_CASE("async retries wait for the scheduler - nothing is resent before its callback runs", "[client][retry][async]") {
    fake_time time;
    emulation::emulator service;
    service.add_fault({"get_contact_group", 2, 0, 60007});
    auto options = test_options(time);
    options.random = [] { return std::uint32_t{0}; }; // pauses at their lower bound: half of 100 then of 200
    std::vector<std::chrono::milliseconds> delays;
    std::vector<std::function<void()>> pending;
    options.schedule = [&](std::chrono::milliseconds delay, std::function<void()> resume) {
        delays.push_back(delay);
        pending.push_back(std::move(resume));
    };
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), options);
    std::optional<result<get_contact_group_response>> outcome;
    c.async_call(read_request, {9}, [&](result<get_contact_group_response> r) { outcome = std::move(r); });

    for (std::size_t retry = 1; retry <= 2; ++retry) {
        INFO("retry " << retry);
        CHECK(service.calls().size() == retry); // the failed attempts so far, and no more
        REQUIRE(pending.size() == retry);
        CHECK_FALSE(outcome.has_value());
        auto fire = std::move(pending.back()); // moved out: firing schedules the next retry into `pending`
        fire();                                // the scheduler's timer fires
    }
    CHECK(service.calls().size() == 3);
    CHECK(delays == std::vector<std::chrono::milliseconds>{50ms, 100ms});
    CHECK(time.sleeps->empty()); // the async path never blocks in options.sleep
    REQUIRE(outcome.has_value());
    CHECK(outcome->has_value());
}

TEST_CASE("writes are not retried unless the caller opts in", "[client][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    t.envelope(70169);
    client<scripted_transport> c(t, test_options(time));
    auto r = call_in(mode, c, write_request);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().value() == 70169);
    CHECK(r.error().origin == error_origin::server);
    CHECK(r.error().message == "scripted");
    CHECK(t.sent->size() == 1);

    scripted_transport opted;
    opted.envelope(70169);
    opted.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[]})");
    auto options = test_options(time);
    options.retry.retry_writes = true;
    client<scripted_transport> retrying(opted, options);
    CHECK(call_in(mode, retrying, write_request).has_value());
    CHECK(opted.sent->size() == 2);
}

TEST_CASE("permanent errors are returned at once - attempts are capped", "[client][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    t.envelope(51013);
    client<scripted_transport> c(t, test_options(time));
    CHECK(call_in(mode, c, read_request).error().value() == 51013);
    CHECK(t.sent->size() == 1);

    scripted_transport always_busy;
    for (int i = 0; i < 4; ++i) always_busy.envelope(60018);
    client<scripted_transport> busy(always_busy, test_options(time));
    CHECK(call_in(mode, busy, read_request).error().value() == 60018);
    CHECK(always_busy.sent->size() == 4);
}

TEST_CASE("codes of retry class once are retried a single time", "[client][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    for (int i = 0; i < 3; ++i) t.envelope(51007); // group_operation_failed: retry once (docs/protocol.md §1.7)
    t.envelope(0);
    client<scripted_transport> c(t, test_options(time));
    auto r = call_in(mode, c, read_request);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().value() == 51007);
    CHECK(t.sent->size() == 2); // the first attempt and its one retry, although max_attempts is 4
}

TEST_CASE("a call whose deadline has already passed sends nothing", "[client][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    auto options = test_options(time);
    options.deadline = 0ms;
    client<scripted_transport> c(t, options);
    auto r = call_in(mode, c, read_request);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code::deadline_exceeded);
    CHECK(r.error().message == "deadline passed after 0 attempts");
    CHECK(t.sent->empty());
}

TEST_CASE("a transport error that echoes the URL reaches the caller with the usersig redacted", "[client][redact]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    const std::string url = build_url("https://adminapisgp.im.qcloud.com", "mark_contact", {app, "admin", "secret-usersig", 5});
    t.fail_with(code::transport_failed, "cannot reach " + url);
    client<scripted_transport> c(t, test_options(time));
    auto r = call_in(mode, c, write_request, {5}); // a write: not retried
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().value() == 90001);
    CHECK(r.error().origin == error_origin::transport);
    CHECK(r.error().message.find("secret-usersig") == std::string::npos);
    CHECK(r.error().message.find("cannot reach https://adminapisgp.im.qcloud.com/v4/recentcontact/mark_contact?") == 0);
    CHECK(r.error().message.find("usersig=REDACTED&random=5") != std::string::npos);
}

TEST_CASE("an idle token bucket saves up no more than its burst", "[client][limiter]") {
    std::chrono::steady_clock::time_point now{};
    token_bucket bucket(1, 5, [&] { return now; });
    const budget_key key{app, "get_list"};
    const auto immediate = [&] { return *bucket.reserve(key, 10s) == std::chrono::nanoseconds(0); };
    for (int i = 0; i < 5; ++i) CHECK(immediate()); // the initial burst
    now += 100s; // a hundred seconds idle at 1 permit per second: still only 5 saved
    for (int i = 0; i < 5; ++i) CHECK(immediate());
    CHECK_FALSE(immediate());
    CHECK(bucket.granted() == 11);
}

TEST_CASE("70001 renews the UserSig once and retries for writes too", "[client][usersig]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    t.envelope(70001);
    t.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})");
    auto options = test_options(time);
    int generated = 0;
    options.usersig = [&]() -> result<signed_usersig> { return signed_usersig{"sig" + std::to_string(++generated)}; };
    client<scripted_transport> c(t, options);
    REQUIRE(call_in(mode, c, delete_request{"u", conversation_type::c2c, "p"}).has_value());
    REQUIRE(t.sent->size() == 2);
    CHECK(t.sent->at(0).url.find("usersig=sig1&") != std::string::npos);
    CHECK(t.sent->at(1).url.find("usersig=sig2&") != std::string::npos);
    t.envelope(0);
    REQUIRE(call_in(mode, c, delete_request{"u", conversation_type::c2c, "p"}).has_value()); // the renewed signature is kept
    CHECK(t.sent->at(2).url.find("usersig=sig2&") != std::string::npos);
    CHECK(generated == 2);

    scripted_transport twice;
    twice.envelope(70052);
    twice.envelope(70052);
    client<scripted_transport> stubborn(twice, options);
    CHECK(call_in(mode, stubborn, read_request).error().value() == 70052); // renewed once, not forever
    CHECK(twice.sent->size() == 2);
}

TEST_CASE("the UserSig is cached and renewed before it expires", "[client][usersig]") {
    int generated = 0;
    const auto start = std::chrono::system_clock::now();
    usersig_cache cache([&]() -> result<signed_usersig> {
        ++generated;
        return signed_usersig{"s" + std::to_string(generated), start + std::chrono::hours(generated)};
    }, std::chrono::seconds(300));
    CHECK(cache.fresh_generation(start) == 0); // nothing cached yet
    CHECK(cache.get(start).value() == "s1");
    CHECK(cache.fresh_generation(start) == 1);
    CHECK(cache.get(start + std::chrono::minutes(54)).value() == "s1");
    CHECK(cache.fresh_generation(start + std::chrono::minutes(54)) == 1);
    CHECK(cache.fresh_generation(start + std::chrono::minutes(56)) == 0); // inside the 5-minute margin
    CHECK(cache.get(start + std::chrono::minutes(56)).value() == "s2");
    CHECK(generated == 2);
    CHECK(cache.fresh_generation(start + std::chrono::minutes(56)) == 2);
    cache.invalidate();
    CHECK(cache.fresh_generation(start) == 0);
    CHECK(cache.get(start).value() == "s3");
    CHECK(cache.fresh_generation(start) == 3);
    usersig_cache empty(fixed_usersig(""), std::chrono::seconds(0));
    CHECK(empty.get().error().code == code::usersig_unavailable);
}

TEST_CASE("the overall deadline stops retries", "[client][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    for (int i = 0; i < 10; ++i) t.envelope(60007);
    auto options = test_options(time);
    options.deadline = 250ms;
    options.retry.max_attempts = 10;
    client<scripted_transport> c(t, options);
    auto r = call_in(mode, c, read_request);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code::deadline_exceeded);
    CHECK(r.error().message.find("last error") != std::string::npos);
    CHECK(t.sent->size() < 5);
}

TEST_CASE("HTTP statuses truncated bodies and FAIL envelopes become typed errors", "[client]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    t.answer(404, "not here");
    t.answer(200, R"({"ActionStatus":"OK","ErrorCo)");
    t.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[{"Type":"x"}]})");
    t.answer(200, R"({"ActionStatus":"FAIL","ErrorCode":51013,"ErrorInfo":"edition too low"})");
    client<scripted_transport> c(t, test_options(time));
    auto not_found = call_in(mode, c, read_request);
    CHECK(not_found.error().code == code::http_status);
    CHECK(not_found.error().http_status == 404);
    auto truncated = call_in(mode, c, read_request);
    CHECK(truncated.error().value() == 60003);
    auto malformed = call_in(mode, c, read_request);
    CHECK(malformed.error().value() == 50002);
    CHECK(malformed.error().pointer == "/ContactItem/0/Type");
    auto failed = call_in(mode, c, read_request);
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().value() == 51013);
    CHECK(failed.error().origin == error_origin::server);
    CHECK(failed.error().message == "edition too low");
    CHECK(t.sent->size() == 4); // none of these is retried
}

TEST_CASE("invalid requests are rejected before anything is sent", "[client]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    client<scripted_transport> c(t, test_options(time));
    auto r = call_in(mode, c, get_contact_group_request{"", -1});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().origin == error_origin::validation);
    CHECK(r.error().pointer == "/From_Account");
    CHECK(r.error().message == "From_Account must not be empty (and 1 more violation)");
    CHECK(t.sent->empty());
}

TEST_CASE("random is drawn per call unless the caller sets it", "[client]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    emulation::emulator service;
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), test_options(time));
    std::set<std::uint32_t> seen;
    for (int i = 0; i < 20; ++i) REQUIRE(call_in(mode, c, read_request).has_value());
    for (const auto& call : service.calls()) seen.insert(call.random);
    CHECK(seen.size() >= 19);
    REQUIRE(call_in(mode, c, read_request, {7}).has_value());
    CHECK(service.calls().back().random == 7);
}

TEST_CASE("each call sends exactly its own URL body and JSON header although buffers are reused", "[client]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    auto options = test_options(time);
    options.validate_requests = false; // the middle request is far past the documented limits on purpose
    client<scripted_transport> c(t, options);
    mark_contact_request big = write_request;
    big.MarkItem.resize(100, big.MarkItem.front());
    search_contact_group_request huge{"u", {}};
    for (int i = 0; i < 3000; ++i) huge.ContactItem.push_back({conversation_type::c2c, "peer-" + std::to_string(i), std::nullopt});
    const delete_request small{"u", conversation_type::c2c, "p"};
    const std::vector<std::string> expected_bodies{encode(big), encode(small), encode(huge), encode(small)};
    REQUIRE(expected_bodies[2].size() > detail::retained_capacity); // this one is released, not kept
    options.split_batches = false;
    client<scripted_transport> unsplit(t, options);
    for (int i = 0; i < 4; ++i) t.envelope(0);
    REQUIRE(call_in(mode, c, big, {1}).has_value());
    REQUIRE(call_in(mode, c, small, {2}).has_value());
    REQUIRE(call_in(mode, unsplit, huge, {3}).has_value());
    REQUIRE(call_in(mode, c, small, {4}).has_value());
    REQUIRE(t.sent->size() == 4);
    const std::string_view commands[] = {"mark_contact", "delete", "search_contact_group", "delete"};
    for (std::size_t i = 0; i < 4; ++i) {
        const http_request& sent = t.sent->at(i);
        CHECK(sent.body == expected_bodies[i]);
        CHECK(sent.url == build_url("https://adminapisgp.im.qcloud.com", commands[i],
                                    {app, "admin", "secret-usersig", static_cast<std::uint32_t>(i + 1)}));
        REQUIRE(sent.headers.size() == 1);
        CHECK(sent.headers[0].name == "Content-Type");
        CHECK(sent.headers[0].value == "application/json");
    }
}

TEST_CASE("clients sharing a thread never send each other's URL prefix - not even at a reused address", "[client][url]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    auto a_options = test_options(time);
    a_options.identity = {app, "admin-a"};
    a_options.usersig = fixed_usersig("sig-a");
    auto b_options = test_options(time);
    b_options.base_url = region_base_url(region::tokyo);
    b_options.identity = {app + 1, "admin-b"};
    b_options.usersig = fixed_usersig("sig-b");
    const delete_request request{"u", conversation_type::c2c, "p"};
    for (int i = 0; i < 8; ++i) t.envelope(0);

    client<scripted_transport> a(t, a_options), b(t, b_options);
    for (std::uint32_t random = 1; random <= 4; ++random) REQUIRE(call_in(mode, random % 2 ? a : b, request, {random}).has_value());
    // A client destroyed and another built in its place: same address, same generation, another identity.
    std::optional<client<scripted_transport>> slot;
    slot.emplace(t, a_options);
    REQUIRE(call_in(mode, *slot, request, {5}).has_value());
    slot.reset();
    slot.emplace(t, b_options);
    REQUIRE(call_in(mode, *slot, request, {6}).has_value());

    REQUIRE(t.sent->size() == 6);
    for (std::uint32_t random = 1; random <= 6; ++random) {
        const bool is_a = random % 2 == 1;
        CHECK(t.sent->at(random - 1).url == build_url(is_a ? a_options.base_url : b_options.base_url, "delete",
                                                      {is_a ? app : app + 1, is_a ? "admin-a" : "admin-b",
                                                       is_a ? "sig-a" : "sig-b", random}));
    }
}

namespace {
/// Calls `inner` from inside send, as a transport or a hook may, and checks that its own request survives.
struct reentrant_transport {
    std::function<void()> inner;
    std::shared_ptr<std::vector<http_request>> sent = std::make_shared<std::vector<http_request>>();
    std::shared_ptr<int> intact = std::make_shared<int>(0);

    result<http_response> send(const http_request& request) {
        const http_request before = request;
        if (auto nested = std::exchange(inner, nullptr)) nested();
        if (request.url == before.url && request.body == before.body) ++*intact;
        sent->push_back(request);
        return http_response{200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})"};
    }
};
} // namespace

TEST_CASE("a call made from inside another call's transport gets buffers of its own", "[client]") {
    fake_time time;
    reentrant_transport outer_transport, inner_transport;
    auto inner_options = test_options(time);
    inner_options.identity = {app, "inner-admin"};
    client<reentrant_transport> inner(inner_transport, inner_options);
    const delete_request inner_request{"inner-user", conversation_type::c2c, "inner-peer"};
    outer_transport.inner = [&] { REQUIRE(inner.call(inner_request, {2}).has_value()); };
    client<reentrant_transport> outer(outer_transport, test_options(time));
    const delete_request outer_request{"outer-user", conversation_type::c2c, "outer-peer"};
    REQUIRE(outer.call(outer_request, {1}).has_value());

    CHECK(*outer_transport.intact == 1); // the nested call did not write into the outer call's request
    REQUIRE(outer_transport.sent->size() == 1);
    REQUIRE(inner_transport.sent->size() == 1);
    CHECK(outer_transport.sent->front().body == encode(outer_request));
    CHECK(outer_transport.sent->front().url == build_url("https://adminapisgp.im.qcloud.com", "delete", {app, "admin", "secret-usersig", 1}));
    CHECK(inner_transport.sent->front().body == encode(inner_request));
    CHECK(inner_transport.sent->front().url ==
          build_url("https://adminapisgp.im.qcloud.com", "delete", {app, "inner-admin", "secret-usersig", 2}));
    // And the thread's buffers are free again: the next outer call reuses them and is still right.
    REQUIRE(outer.call(outer_request, {3}).has_value());
    CHECK(outer_transport.sent->back().url == build_url("https://adminapisgp.im.qcloud.com", "delete", {app, "admin", "secret-usersig", 3}));
}

TEST_CASE("a UserSig inside its renewal margin is renewed for every call and each call sends the new one", "[client][usersig]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    auto options = test_options(time);
    int generated = 0;
    options.usersig = [&]() -> result<signed_usersig> {
        return signed_usersig{"sig" + std::to_string(++generated), std::chrono::system_clock::now() + 1min}; // margin: 300 s
    };
    client<scripted_transport> c(t, options);
    for (std::uint32_t random = 1; random <= 3; ++random) {
        t.envelope(0);
        REQUIRE(call_in(mode, c, read_request, {random}).has_value());
        CHECK(t.sent->back().url == build_url("https://adminapisgp.im.qcloud.com", "get_contact_group",
                                              {app, "admin", "sig" + std::to_string(random), random}));
    }
    CHECK(c.usersig_renewals() == 3);
}

TEST_CASE("the default random source draws distinct values - on every thread its own stream", "[client]") {
    detail::random_source first, second; // two clients' sources on one thread share its stream
    std::set<std::uint32_t> drawn;
    for (int i = 0; i < 100; ++i) drawn.insert(first());
    for (int i = 0; i < 100; ++i) drawn.insert(second());
    std::vector<std::uint32_t> elsewhere;
    std::thread([&] {
        detail::random_source other;
        for (int i = 0; i < 100; ++i) elsewhere.push_back(other());
    }).join();
    drawn.insert(elsewhere.begin(), elsewhere.end());
    CHECK(drawn.size() == 300); // a repeat among 300 uniform uint32 draws has odds of about 1 in 100,000
}

TEST_CASE("per-item failures are surfaced never hidden", "[client]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    emulation::emulator_options small;
    small.conversation_quota = 2;
    emulation::emulator service(small);
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), test_options(time));
    mark_contact_request marks{"u", {}};
    for (const char* peer : {"a", "b", "c"}) marks.MarkItem.push_back({mark_operation::standard, {conversation_type::c2c, peer}, std::vector<std::int64_t>{0}});
    auto r = call_in(mode, c, marks);
    REQUIRE(r.has_value());
    const auto failures = failed_items(*r);
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].pointer == "/ResultItem/2");
    CHECK(failures[0].code == 51008);
    CHECK(failures[0].contact.To_Account == "c");
}

TEST_CASE("the chunks of a split batch share the call's one deadline", "[client][batch][retry]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    // Each chunk's first attempt is answered 60007, then OK. Every backoff is 400..800 ms, so two fit in the
    // 1000 ms deadline only if each chunk had a deadline of its own; the third chunk cannot wait for its retry.
    for (int chunk = 0; chunk < 3; ++chunk) {
        t.envelope(60007);
        t.answer(200, encode(mark_contact_response{{"OK", 0, ""}, std::vector<mark_result>(100)}));
    }
    auto options = test_options(time);
    options.retry.retry_writes = true;
    options.retry.initial_backoff = 800ms;
    options.retry.max_backoff = 800ms;
    options.deadline = 1000ms;
    client<scripted_transport> c(t, options);
    mark_contact_request marks{"u", {}};
    for (int i = 0; i < 250; ++i) marks.MarkItem.push_back(mark_item::set(contact_item::c2c("p" + std::to_string(i)), {mark_bit::favorite}));
    const auto r = call_in(mode, c, marks);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code::deadline_exceeded);
    std::chrono::milliseconds slept{0};
    for (const auto pause : *time.sleeps) slept += pause;
    CHECK(slept < 1000ms); // nothing waited past the one deadline
}

TEST_CASE("250 marks go out as 3 requests - 301 searches as 2 - results merged in order", "[client][batch]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    emulation::emulator service;
    client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), test_options(time));
    mark_contact_request marks{"u", {}};
    for (int i = 0; i < 250; ++i)
        marks.MarkItem.push_back({mark_operation::standard, {conversation_type::c2c, "p" + std::to_string(i)}, std::vector<std::int64_t>{i % 64}});
    auto marked = call_in(mode, c, marks);
    REQUIRE(marked.has_value());
    CHECK(service.calls().size() == 3);
    REQUIRE(marked->ResultItem->size() == 250);
    for (int i = 0; i < 250; ++i) CHECK((*marked->ResultItem)[i].ContactItem.To_Account == "p" + std::to_string(i));

    REQUIRE(call_in(mode, c, create_contact_group_request{"u", {{"g", {{conversation_type::c2c, "p0"}, {conversation_type::c2c, "p50"}}}}}).has_value());
    search_contact_group_request search{"u", {}};
    for (int i = 0; i < 301; ++i) search.ContactItem.push_back({conversation_type::c2c, "p" + std::to_string(i % 250)});
    auto found = call_in(mode, c, search);
    REQUIRE(found.has_value());
    CHECK(service.calls().size() == 6);
    CHECK(found->ContactResultItem->size() == 301);
    CHECK(found->GroupItem->size() == 1); // "g" holds p0 (chunk 1) and p50 (chunk 2): in both answers, kept once

    auto options = test_options(time);
    options.split_batches = false;
    client<emulation::in_memory_transport> strict(emulation::in_memory_transport(service), options);
    CHECK(call_in(mode, strict, marks).error().value() == 51006);
}

/// Completes each exchange later, when the test says so, through the emulator: a transport whose answers come
/// after async_call has returned, as a socket's would.
struct deferred_transport {
    emulation::emulator* service;
    std::shared_ptr<std::deque<std::function<void()>>> queued = std::make_shared<std::deque<std::function<void()>>>();
    result<http_response> send(const http_request& request) { return service->handle(request.url, request.body); }
    void async_send(const http_request& request, completion_handler done) {
        queued->push_back([this, url = request.url, body = request.body, done = std::move(done)] { done(service->handle(url, body)); });
    }
    void complete_all() {
        while (!queued->empty()) {
            auto next = std::move(queued->front());
            queued->pop_front();
            next();
        }
    }
};

TEST_CASE("an async split batch goes on after the caller reuses its request - chunks from the call's own copy", "[client][batch][async]") {
    fake_time time;
    emulation::emulator service;
    deferred_transport t{&service};
    client<deferred_transport> c(t, test_options(time));
    std::optional<result<mark_contact_response>> outcome;
    const auto marks_for = [](const std::string& peer_prefix) {
        mark_contact_request marks{"u", {}};
        for (int i = 0; i < 250; ++i)
            marks.MarkItem.push_back({mark_operation::standard, {conversation_type::c2c, peer_prefix + std::to_string(i)}, std::vector<std::int64_t>{1}});
        return marks;
    };
    std::optional<mark_contact_request> caller_owned(marks_for("p"));
    c.async_call(*caller_owned, [&](result<mark_contact_response> r) { outcome = std::move(r); });
    caller_owned = marks_for("reused"); // the caller reuses its request before the second chunk is written
    t.complete_all();
    REQUIRE(outcome.has_value());
    REQUIRE(outcome->has_value());
    CHECK(service.calls().size() == 3);
    REQUIRE((*outcome)->ResultItem->size() == 250);
    for (int i = 0; i < 250; ++i) CHECK((*(*outcome)->ResultItem)[i].ContactItem.To_Account == "p" + std::to_string(i));
}

TEST_CASE("after a permit wait the attempt's time left counts the wait - both modes", "[client][limiter]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    scripted_transport t;
    t.envelope(0);
    t.envelope(0);
    auto options = test_options(time);
    options.deadline = 1500ms;
    options.limiter = std::make_shared<token_bucket>(1.0, 1.0, [now = time.now] { return *now; });
    client<scripted_transport> c(t, options);
    REQUIRE(call_in(mode, c, read_request).has_value()); // the burst of one is spent
    REQUIRE(call_in(mode, c, read_request).has_value()); // waits 1 s for its permit
    REQUIRE(time.sleeps->size() == 1);
    CHECK(time.sleeps->front() >= 1000ms); // the bucket's wait, rounded up to whole milliseconds
    CHECK(time.sleeps->front() <= 1001ms);
    REQUIRE(t.sent->size() == 2);
    CHECK(t.sent->at(0).timeout == 1500ms);
    CHECK(t.sent->at(1).timeout >= 499ms); // the deadline's 1.5 s less the second spent waiting
    CHECK(t.sent->at(1).timeout <= 500ms);
}

TEST_CASE("call and async_call make the same attempts with the same codes and waits", "[client][retry][batch]") {
    // One scenario through both drivers: a renewed UserSig, backoff retries, a failover, and a split batch.
    const auto run = [](call_mode mode) {
        fake_time time;
        scripted_transport t;
        t.envelope(70001);                  // renew the UserSig, retry at once
        t.fail_with(code::timeout);         // no answer: the next attempt goes to the backup
        t.envelope(60007);                  // back on the primary, busy: backoff
        t.envelope(0);
        for (int i = 0; i < 3; ++i) t.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactResultItem":[]})");
        auto options = test_options(time);
        options.base_url = region_base_url(region::singapore);
        options.random = [n = std::uint32_t{0}]() mutable { return n += 7; };
        int renewals = 0;
        options.usersig = [&renewals]() -> result<signed_usersig> { return signed_usersig{"sig-" + std::to_string(++renewals)}; };
        std::vector<std::string> records;
        options.on_attempt = [&](const attempt_record& a) {
            records.push_back(std::string(a.command) + " #" + std::to_string(a.attempt) + " code " + std::to_string(a.error_code) + " on " +
                              std::string(a.base_url) + " random " + std::to_string(a.random));
        };
        client<scripted_transport> c(t, options);
        REQUIRE(call_in(mode, c, read_request).has_value());
        search_contact_group_request search{"u", {}};
        for (int i = 0; i < 700; ++i) search.ContactItem.push_back({conversation_type::c2c, "p" + std::to_string(i)});
        REQUIRE(call_in(mode, c, search).has_value());
        std::vector<std::string> timeouts;
        for (const auto& sent : *t.sent) timeouts.push_back(std::to_string(sent.timeout.count()));
        return std::make_tuple(records, *time.sleeps, timeouts, renewals);
    };
    const auto sync = run(call_mode::sync);
    const auto async = run(call_mode::async);
    CHECK(std::get<0>(sync).size() == 7);
    CHECK(std::get<0>(sync) == std::get<0>(async));
    CHECK(std::get<1>(sync) == std::get<1>(async));
    CHECK(std::get<2>(sync) == std::get<2>(async));
    CHECK(std::get<3>(sync) == 2);
    CHECK(std::get<3>(async) == 2);
}

/// The emulator behind a transport that keeps the item count of every mark_contact body it carries.
struct chunk_counting_transport {
    emulation::in_memory_transport inner;
    std::shared_ptr<std::vector<std::size_t>> chunks = std::make_shared<std::vector<std::size_t>>();
    result<http_response> send(const http_request& request) {
        chunks->push_back(decode<mark_contact_request>(request.body).value().MarkItem.size());
        return inner.send(request);
    }
    void async_send(const http_request& request, completion_handler done) { done(send(request)); }
};

TEST_CASE("a split batch takes its chunk size from the validation limits", "[client][batch]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    fake_time time;
    emulation::emulator service;
    mark_contact_request marks{"u", {}};
    for (int i = 0; i < 100; ++i)
        marks.MarkItem.push_back({mark_operation::standard, {conversation_type::c2c, "p" + std::to_string(i)}, std::vector<std::int64_t>{i % 64}});
    chunk_counting_transport t{emulation::in_memory_transport(service)};

    SECTION("a lowered limit: chunks the validator accepts, answers merged in order") {
        auto lowered = test_options(time);
        lowered.validation.mark_items_max = 40;
        client<chunk_counting_transport> c(t, lowered);
        auto marked = call_in(mode, c, marks);
        REQUIRE(marked.has_value()); // a chunk of 100 would have been refused before it was sent
        CHECK(*t.chunks == std::vector<std::size_t>{40, 40, 20});
        REQUIRE(marked->ResultItem->size() == 100);
        for (int i = 0; i < 100; ++i) CHECK((*marked->ResultItem)[i].ContactItem.To_Account == "p" + std::to_string(i));
    }
    SECTION("without validation the documented 100 holds") {
        auto unchecked = test_options(time);
        unchecked.validation.mark_items_max = 40;
        unchecked.validate_requests = false;
        client<chunk_counting_transport> c(t, unchecked);
        marks.MarkItem.push_back(marks.MarkItem.front());
        REQUIRE(call_in(mode, c, marks).has_value());
        CHECK(*t.chunks == std::vector<std::size_t>{100, 1});
    }
    SECTION("a limit of 0 (none) falls back to the documented 100") {
        auto unlimited = test_options(time);
        unlimited.validation.mark_items_max = 0;
        client<chunk_counting_transport> c(t, unlimited);
        marks.MarkItem.push_back(marks.MarkItem.front());
        REQUIRE(call_in(mode, c, marks).has_value());
        CHECK(*t.chunks == std::vector<std::size_t>{100, 1});
    }
}

TEST_CASE("pagination visits every item exactly once with page sizes 1 7 and 100", "[client][paging]") {
    for (std::size_t page_size : {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
        INFO("page size " << page_size);
        fake_time time;
        emulation::emulator_options options;
        options.page_size = page_size;
        emulation::emulator service(options);
        client<emulation::in_memory_transport> c(emulation::in_memory_transport(service), test_options(time));
        mark_contact_request marks{"u", {}};
        for (int i = 0; i < 60; ++i)
            marks.MarkItem.push_back({mark_operation::standard, {conversation_type::c2c, "p" + std::to_string(i)}, std::vector<std::int64_t>{0}});
        REQUIRE(c.call(marks).has_value());
        for (int i = 0; i < 45; ++i)
            service.seed_conversation(app, "u", {i % 2 ? conversation_type::group : conversation_type::c2c, "s" + std::to_string(i), 1000 + i, i % 5 == 0});

        std::multiset<std::string> marked;
        std::size_t pages = 0;
        for (const auto& page : c.pages(get_contact_group_request{"u", 0})) {
            REQUIRE(page.has_value());
            ++pages;
            for (const auto& item : *page->ContactItem) marked.insert(*item.To_Account);
        }
        CHECK(marked.size() == 60);
        CHECK(std::set<std::string>(marked.begin(), marked.end()).size() == 60);
        CHECK(pages == (60 + page_size - 1) / page_size);

        std::multiset<std::string> sessions;
        auto list = c.pages(get_list_request{"u"});
        while (auto page = list.next()) {
            REQUIRE(page->has_value());
            for (const auto& s : *(*page)->SessionItem) sessions.insert(s.To_Account ? *s.To_Account : *s.GroupId);
        }
        CHECK(sessions.size() == 45);
        CHECK(std::set<std::string>(sessions.begin(), sessions.end()).size() == 45);
    }
}

TEST_CASE("a server that repeats a cursor gets an error not a hang", "[client][paging]") {
    fake_time time;
    scripted_transport t;
    for (int i = 0; i < 3; ++i)
        t.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[],"CompleteFlag":0,"NextStartIndex":5})");
    client<scripted_transport> c(t, test_options(time));
    std::vector<int> codes;
    for (const auto& page : c.pages(get_contact_group_request{"u", 0})) codes.push_back(page ? 0 : page.error().value());
    CHECK(codes == std::vector<int>{0, 0, static_cast<int>(code::cursor_not_advancing)});
    CHECK(t.sent->size() == 2);

    scripted_transport list;
    const std::string stuck = R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","SessionItem":[],"CompleteFlag":0,"TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0})";
    list.answer(200, stuck);
    client<scripted_transport> lister(list, test_options(time));
    auto pages = lister.pages(get_list_request{"u"});
    CHECK(pages.next()->has_value());
    CHECK(pages.next()->error().code == code::cursor_not_advancing);
    CHECK_FALSE(pages.next().has_value());

    scripted_transport no_cursor; // CompleteFlag 0 without NextStartIndex ends the walk (docs/protocol.md §6.10)
    no_cursor.answer(200, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CompleteFlag":0})");
    client<scripted_transport> ender(no_cursor, test_options(time));
    int count = 0;
    for (const auto& page : ender.pages(get_contact_group_request{"u", 0})) count += page.has_value();
    CHECK(count == 1);
}

namespace {
/// Every 25th exchange revokes every signature issued so far, then rejects them with 70001; records which
/// thread sent which signature. Thread-safe.
struct revoking_transport {
    struct shared_state {
        std::mutex mutex;
        std::vector<std::pair<std::thread::id, int>> sent; ///< (thread, signature number), in sending order
        std::atomic<int> issued{0};
        std::atomic<int> oldest_accepted{0};
        std::atomic<int> exchanges{0};
    };
    std::shared_ptr<shared_state> state = std::make_shared<shared_state>();

    result<http_response> send(const http_request& request) {
        const auto at = request.url.find("usersig=sig") + std::string_view("usersig=sig").size();
        const int signature = std::stoi(request.url.substr(at, request.url.find('&', at) - at));
        {
            std::lock_guard<std::mutex> lock(state->mutex);
            state->sent.emplace_back(std::this_thread::get_id(), signature);
        }
        if (++state->exchanges % 25 == 0) state->oldest_accepted = state->issued.load() + 1;
        const int code = signature < state->oldest_accepted ? 70001 : 0;
        return http_response{200, encode(response_envelope{code == 0 ? "OK" : "FAIL", code, code == 0 ? "" : "revoked"})};
    }
};
} // namespace

TEST_CASE("threads sharing a client while its UserSig expires and is revoked send only issued signatures - never an older after a newer",
          "[client][usersig][concurrency]") {
    revoking_transport transport;
    client_options options;
    options.identity = {app, "admin"};
    options.limiter = nullptr;
    options.usersig_renew_margin = 300s;
    const auto state = transport.state;
    options.usersig = [state]() -> result<signed_usersig> { // good for a millisecond past the margin
        const int number = ++state->issued;
        return signed_usersig{"sig" + std::to_string(number), std::chrono::system_clock::now() + 300s + 1ms};
    };
    client<revoking_transport> shared(transport, options);
    std::atomic<int> succeeded{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 300; ++i) {
                const auto r = shared.call(delete_request{"u", conversation_type::c2c, "p"});
                if (r) ++succeeded;
                else if (r.error().value() == 70001) ++refused; // revoked again before its one renewal was sent
                else ++other;
            }
        });
    for (auto& th : threads) th.join();

    CHECK(other == 0);
    CHECK(succeeded + refused == 1200);
    CHECK(succeeded > refused);
    const int issued = state->issued;
    CHECK(issued > 1200 / 25 / 2); // at least one renewal per two revocations
    std::map<std::thread::id, int> newest_seen;
    for (const auto& [thread, signature] : state->sent) {
        CHECK(signature >= 1);
        CHECK(signature <= issued);
        CHECK(signature >= newest_seen[thread]); // a thread's cached URL prefix never outlives its signature
        newest_seen[thread] = signature;
    }
}

TEST_CASE("random is written in decimal exactly as std::to_string writes it", "[client][url]") {
    std::vector<std::uint32_t> values{0, 4294967295u};
    for (std::uint64_t power = 1; power <= 1000000000u; power *= 10)
        for (std::uint64_t near : {power - 1, power, power + 1}) values.push_back(static_cast<std::uint32_t>(near));
    detail::random_source draw;
    for (int i = 0; i < 10000; ++i) values.push_back(draw() >> (i % 32)); // every length
    for (std::uint32_t value : values) {
        char digits[detail::max_random_digits];
        const std::string written(digits, detail::write_uint32(digits, value));
        REQUIRE(written == std::to_string(value));
    }
}

TEST_CASE("URLs: every region backup domains percent-encoding parse back (docs/protocol.md §1.1 §1.2)", "[client][url]") {
    CHECK(std::size(regions) == 8);
    CHECK(region_base_url(region::china) == "https://console.tim.qq.com");
    CHECK(region_base_url(region::china, true) == "https://adminapi.my-imcloud.com");
    CHECK(region_base_url(region::singapore) == "https://adminapisgp.im.qcloud.com");
    CHECK(region_base_url(region::seoul) == "https://adminapikr.im.qcloud.com");
    CHECK(region_base_url(region::tokyo) == "https://adminapijpn.im.qcloud.com");
    CHECK(region_base_url(region::frankfurt, true) == "https://adminapiger.my-imcloud.com");
    CHECK(region_base_url(region::silicon_valley) == "https://adminapiusa.im.qcloud.com");
    CHECK(region_base_url(region::jakarta) == "https://adminapiidn.im.qcloud.com");
    CHECK(region_base_url(region::mumbai_legacy) == "https://adminapiind.im.qcloud.com");
    for (const auto& row : regions) CHECK(find_region(row.name) == row.id);
    CHECK_FALSE(find_region("atlantis").has_value());

    const std::string url = build_url("https://console.tim.qq.com", "get_list", {1400000000, "admin@x/y z&=?#%+", "eJx*ab-c_", 4294967295u});
    CHECK(url == "https://console.tim.qq.com/v4/recentcontact/get_list?sdkappid=1400000000&identifier=admin%40x%2Fy%20z%26%3D%3F%23%25%2B"
                 "&usersig=eJx*ab-c_&random=4294967295&contenttype=json");
    auto parsed = emulation::parse_request_target(url);
    REQUIRE(parsed.has_value());
    CHECK(parsed->path == "/v4/recentcontact/get_list");
    CHECK(*parsed->find("identifier") == "admin@x/y z&=?#%+");
    CHECK(*parsed->find("usersig") == "eJx*ab-c_");
    CHECK(*parsed->find("random") == "4294967295");
    CHECK(*parsed->find("contenttype") == "json");
    CHECK(redact_usersig(url).find("usersig=REDACTED&random=") != std::string::npos);
    CHECK(build_url("http://127.0.0.1:8080/", "delete", {1, "a", "s", 0}) ==
          "http://127.0.0.1:8080/v4/recentcontact/delete?sdkappid=1&identifier=a&usersig=s&random=0&contenttype=json");
    CHECK_FALSE(emulation::parse_request_target("/x?a=%G1").has_value());
    CHECK_FALSE(emulation::parse_request_target("/x?a=%4").has_value());
}
