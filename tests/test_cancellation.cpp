// Cancelling a call (docs/client.md, "Cancelling a call"): before the send, during a backoff, during a permit
// wait, in flight, after completion, twice, and by destroying the client. Both drivers, one helper; time is
// simulated except where a real sleep must be cut short.
#include <tcchat/asio.hpp>
#include <tcchat/client.hpp>
#include <tcchat/emulator.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#if defined(__cpp_impl_coroutine) && defined(BOOST_ASIO_HAS_CO_AWAIT)
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif

#include <catch2/catch.hpp>

#include "call_modes.hpp"

#include <atomic>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

using namespace tcchat;
using namespace std::chrono_literals;
using tcchat::test::call_in;
using tcchat::test::call_mode;

namespace {

const get_contact_group_request read_request{"u", 0};
const std::string busy_answer = R"({"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"busy"})";
const std::string ok_answer = R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CompleteFlag":1})";

/// Answers every exchange with `body` at once, and records the sends; `during_send` runs inside each send.
struct answering_transport {
    std::shared_ptr<int> sent = std::make_shared<int>(0);
    std::shared_ptr<std::string> body = std::make_shared<std::string>(busy_answer);
    std::shared_ptr<std::function<void()>> during_send = std::make_shared<std::function<void()>>();
    result<http_response> send(const http_request&) {
        ++*sent;
        if (*during_send) (*during_send)();
        return http_response{200, *body};
    }
    void async_send(const http_request& request, completion_handler done) { done(send(request)); }
};

/// Keeps each exchange's completion handler for the test to call, late or never; with `Cancellable`, it also
/// has the async_send that takes a token, and records whether the token asked it to abort.
template <bool Cancellable>
struct holding_transport_of {
    std::shared_ptr<std::vector<completion_handler>> held = std::make_shared<std::vector<completion_handler>>();
    std::shared_ptr<int> aborted = std::make_shared<int>(0);
    result<http_response> send(const http_request&) { return make_error(code::transport_failed, error_origin::transport, "", "sync"); }
    void async_send(const http_request&, completion_handler done) { held->push_back(std::move(done)); }
    template <bool C = Cancellable, class = std::enable_if_t<C>>
    void async_send(const http_request&, completion_handler done, cancellation_token cancellation) {
        held->push_back(std::move(done));
        cancellation.on_cancel([aborted = aborted] { ++*aborted; });
    }
};
using holding_transport = holding_transport_of<false>;
using aborting_transport = holding_transport_of<true>;

/// Simulated time whose waits the test fires by hand (async) or that run a callback first (sync).
struct manual_time {
    std::shared_ptr<std::chrono::steady_clock::time_point> now = std::make_shared<std::chrono::steady_clock::time_point>();
    std::shared_ptr<std::vector<std::function<void()>>> timers = std::make_shared<std::vector<std::function<void()>>>();
    std::shared_ptr<std::function<void()>> during_sleep = std::make_shared<std::function<void()>>();
    std::shared_ptr<int> sleeps = std::make_shared<int>(0);
    void install(client_options& o) const {
        o.clock = [now = now] { return *now; };
        o.sleep = [this_ = *this](std::chrono::milliseconds d) {
            ++*this_.sleeps;
            if (*this_.during_sleep) (*this_.during_sleep)();
            *this_.now += d;
        };
        o.schedule = [this_ = *this](std::chrono::milliseconds d, std::function<void()> resume) {
            ++*this_.sleeps;
            this_.timers->push_back([now = this_.now, d, resume = std::move(resume)] {
                *now += d;
                resume();
            });
            if (*this_.during_sleep) (*this_.during_sleep)();
        };
    }
};

client_options options_with(const manual_time& time) {
    client_options o;
    o.base_url = "http://127.0.0.1:9";
    o.identity = {1400000000, "admin"};
    o.usersig = fixed_usersig("secret-usersig");
    o.limiter = nullptr;
    time.install(o);
    return o;
}

/// The outcome of an async_call, and how often its handler ran.
template <class Response>
struct completions {
    std::shared_ptr<std::vector<result<Response>>> seen = std::make_shared<std::vector<result<Response>>>();
    auto handler() const {
        return [seen = seen](result<Response> r) { seen->push_back(std::move(r)); };
    }
};

/// Per-call options whose cancellation is `source`'s.
call_options watching(const cancellation_source& source) {
    call_options per_call;
    per_call.cancellation = source.token();
    return per_call;
}

/// Real time, with backoffs of an hour at least: only a cancellation ends a retried call.
client_options hour_long_backoffs() {
    client_options o;
    o.base_url = "http://127.0.0.1:9";
    o.identity = {1400000000, "admin"};
    o.usersig = fixed_usersig("s");
    o.limiter = nullptr;
    o.retry.initial_backoff = 2h;
    o.retry.max_backoff = 2h;
    o.deadline = 24h;
    return o;
}

void require_cancelled(const result<get_contact_group_response>& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code::cancelled);
    CHECK(r.error().origin == error_origin::local);
    CHECK(r.error().retry() == retry_class::never);
}

} // namespace

TEST_CASE("a call cancelled before it starts sends nothing and completes once with cancelled", "[client][cancel]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    manual_time time;
    answering_transport t;
    client<answering_transport> c(t, options_with(time));
    cancellation_source stop;
    stop.cancel();
    stop.cancel(); // twice: nothing more happens
    require_cancelled(call_in(mode, c, read_request, watching(stop)));
    CHECK(*t.sent == 0);
    CHECK(c.pending_async_calls() == 0);
}

TEST_CASE("a cancellation during a backoff ends the call without another attempt", "[client][cancel]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    manual_time time;
    answering_transport t; // 60007 every time: a read retries with backoff
    client<answering_transport> c(t, options_with(time));
    cancellation_source stop;
    const call_options per_call = watching(stop);
    *time.during_sleep = [stop] { stop.cancel(); }; // another thread's cancel(), while the call waits
    require_cancelled(call_in(mode, c, read_request, per_call));
    CHECK(*t.sent == 1);
    CHECK(*time.sleeps == 1);
    for (auto& fire : *time.timers) fire(); // async: the backoff's timer fires late, and nothing follows
    CHECK(*t.sent == 1);
}

TEST_CASE("a cancellation during a permit wait ends the call before its send", "[client][cancel][limiter]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    manual_time time;
    answering_transport t;
    *t.body = ok_answer;
    auto options = options_with(time);
    options.limiter = std::make_shared<token_bucket>(1.0, 1.0, [now = time.now] { return *now; });
    client<answering_transport> c(t, options);
    REQUIRE(call_in(mode, c, read_request).has_value()); // the burst of 1 is spent: the next permit is 1 s away
    CHECK(*time.sleeps == 0);
    cancellation_source stop;
    const call_options per_call = watching(stop);
    *time.during_sleep = [stop] { stop.cancel(); };
    require_cancelled(call_in(mode, c, read_request, per_call));
    CHECK(*time.sleeps == 1);
    CHECK(*t.sent == 1);
    for (auto& fire : *time.timers) fire();
    CHECK(*t.sent == 1);
}

TEST_CASE("call() cancelled in flight keeps an answer that came back and does not retry a failed one", "[client][cancel]") {
    manual_time time;
    answering_transport t;
    client<answering_transport> c(t, options_with(time));
    cancellation_source stop;
    const call_options per_call = watching(stop);
    *t.during_send = [stop] { stop.cancel(); };
    require_cancelled(c.call(read_request, per_call)); // 60007 would be retried: not after a cancellation
    CHECK(*t.sent == 1);
    CHECK(*time.sleeps == 0);

    cancellation_source late;
    *t.during_send = [late] { late.cancel(); };
    *t.body = ok_answer;
    CHECK(c.call(read_request, watching(late)).has_value()); // the answer arrived: the call's outcome is the truth
}

TEST_CASE("async_call cancelled in flight completes at once - the late answer is dropped", "[client][cancel]") {
    manual_time time;
    std::vector<std::string> violations;
    auto options = options_with(time);
    options.on_contract_violation = [&](std::string_view what) { violations.emplace_back(what); };

    SECTION("a transport without a cancellation member runs the exchange to its end") {
        holding_transport t;
        client<holding_transport> c(t, options);
        cancellation_source stop;
        const call_options per_call = watching(stop);
        completions<get_contact_group_response> done;
        c.async_call(read_request, per_call, done.handler());
        REQUIRE(t.held->size() == 1);
        CHECK(done.seen->empty());
        CHECK(c.pending_async_calls() == 1);
        stop.cancel();
        REQUIRE(done.seen->size() == 1);
        require_cancelled(done.seen->front());
        CHECK(c.pending_async_calls() == 0);
        t.held->front()(http_response{200, ok_answer}); // the late answer
        CHECK(done.seen->size() == 1);
        CHECK(violations.empty()); // a late answer after a cancellation is no broken contract
        stop.cancel();
        CHECK(done.seen->size() == 1);
    }
    SECTION("a transport with one is told to abort") {
        aborting_transport t;
        client<aborting_transport> c(t, options);
        STATIC_REQUIRE(is_cancellable_async_transport<aborting_transport>::value);
        STATIC_REQUIRE_FALSE(is_cancellable_async_transport<holding_transport>::value);
        cancellation_source stop;
        const call_options per_call = watching(stop);
        completions<get_contact_group_response> done;
        c.async_call(read_request, per_call, done.handler());
        CHECK(*t.aborted == 0);
        stop.cancel();
        CHECK(*t.aborted == 1);
        REQUIRE(done.seen->size() == 1);
        require_cancelled(done.seen->front());
        t.held->front()(make_error(code::transport_failed, error_origin::transport, "", "aborted"));
        CHECK(done.seen->size() == 1);
        CHECK(violations.empty());
    }
}

TEST_CASE("a cancellation after completion changes nothing - one source serves many calls", "[client][cancel]") {
    const call_mode mode = GENERATE(call_mode::sync, call_mode::async);
    manual_time time;
    answering_transport t;
    *t.body = ok_answer;
    client<answering_transport> c(t, options_with(time));
    cancellation_source stop;
    const call_options per_call = watching(stop);
    for (int i = 0; i < 3; ++i) REQUIRE(call_in(mode, c, read_request, per_call).has_value());
    stop.cancel();
    stop.cancel();
    CHECK(*t.sent == 3);
    require_cancelled(call_in(mode, c, read_request, per_call));
    CHECK(*t.sent == 3);
}

TEST_CASE("destroying a client completes its pending async calls with cancelled - late callbacks touch nothing", "[client][cancel]") {
    manual_time time;
    holding_transport t;
    answering_transport busy; // 60007: the call waits for a backoff timer
    completions<get_contact_group_response> in_flight, in_backoff;
    {
        client<holding_transport> c(t, options_with(time));
        client<answering_transport> b(busy, options_with(time));
        c.async_call(read_request, in_flight.handler());
        b.async_call(read_request, in_backoff.handler());
        REQUIRE(t.held->size() == 1);
        REQUIRE(time.timers->size() == 1);
        CHECK(in_flight.seen->empty());
        CHECK(in_backoff.seen->empty());
    } // both clients destroyed here
    REQUIRE(in_flight.seen->size() == 1);
    require_cancelled(in_flight.seen->front());
    REQUIRE(in_backoff.seen->size() == 1);
    require_cancelled(in_backoff.seen->front());
    // Under ASan, a callback that reached into a destroyed client would fail here.
    t.held->front()(http_response{200, ok_answer});
    for (auto& fire : *time.timers) fire();
    CHECK(in_flight.seen->size() == 1);
    CHECK(in_backoff.seen->size() == 1);
    CHECK(*busy.sent == 1);
}

TEST_CASE("a completion handler may destroy its client", "[client][cancel]") {
    manual_time time;
    holding_transport t;
    std::optional<client<holding_transport>> c;
    c.emplace(t, options_with(time));
    completions<get_contact_group_response> other;
    c->async_call(read_request, other.handler());
    bool destroyed = false;
    c->async_call(read_request, [&](result<get_contact_group_response> r) {
        CHECK(r.has_value());
        c.reset(); // the other call is still pending: it is cancelled, on this thread
        destroyed = true;
    });
    REQUIRE(t.held->size() == 2);
    (*t.held)[1](http_response{200, ok_answer});
    CHECK(destroyed);
    REQUIRE(other.seen->size() == 1);
    require_cancelled(other.seen->front());
}

TEST_CASE("call() on the real clock: a cancellation from another thread cuts an hour-long backoff short", "[client][cancel][concurrency]") {
    answering_transport t;
    auto options = hour_long_backoffs();
    client<answering_transport> c(t, options);
    cancellation_source stop;
    const call_options per_call = watching(stop);
    std::thread canceller([stop] {
        std::this_thread::sleep_for(20ms);
        stop.cancel();
    });
    const auto r = c.call(read_request, per_call);
    canceller.join();
    require_cancelled(r);
    CHECK(*t.sent == 1);
}

TEST_CASE("Asio per-operation cancellation: a cancellation slot's signal cancels the call", "[client][cancel][async]") {
    boost::asio::io_context context;
    answering_transport t; // 60007: the call waits on a backoff timer of the io_context
    auto options = hour_long_backoffs();
    options.schedule = asio_scheduler(context.get_executor());
    client<answering_transport> c(t, options);
    boost::asio::cancellation_signal signal;
    std::optional<result<get_contact_group_response>> outcome;
    async_call(c, read_request, boost::asio::bind_cancellation_slot(signal.slot(), [&](result<get_contact_group_response> r) {
                   outcome = std::move(r);
               }));
    context.poll();
    CHECK_FALSE(outcome.has_value());
    signal.emit(boost::asio::cancellation_type::terminal);
    context.poll();
    REQUIRE(outcome.has_value());
    require_cancelled(*outcome);
    CHECK(*t.sent == 1);
}

TEST_CASE("asio_scheduler: a cancelled call's backoff timer is cancelled - the io_context runs out of work", "[client][cancel][async][concurrency]") {
    boost::asio::io_context context;
    answering_transport t; // 60007: the call waits on a 2-hour backoff timer of the io_context
    auto options = hour_long_backoffs();
    options.schedule = asio_scheduler(context.get_executor());
    client<answering_transport> c(t, options);
    cancellation_source stop;
    completions<get_contact_group_response> done;
    c.async_call(read_request, watching(stop), done.handler());
    context.poll();
    CHECK(done.seen->empty());
    CHECK(*t.sent == 1);
    std::thread canceller([&] { stop.cancel(); }); // from another thread, as a watchdog would
    canceller.join();
    REQUIRE(done.seen->size() == 1);
    require_cancelled(done.seen->front());
    // Nothing is left on the context: run_for returns at once rather than on its limit.
    context.run_for(30s);
    CHECK(context.stopped());
    CHECK(*t.sent == 1);
}

TEST_CASE("the default timer thread drops a cancelled call's wait at once - the handler's captures are released", "[client][cancel][async][concurrency]") {
    answering_transport t;
    client<answering_transport> c(t, hour_long_backoffs()); // default schedule: timer_thread::shared()
    cancellation_source stop;
    auto held_by_handler = std::make_shared<int>(0);
    std::atomic<int> handler_runs{0};
    c.async_call(read_request, watching(stop), [&handler_runs, held_by_handler](result<get_contact_group_response> r) {
        CHECK_FALSE(r.has_value());
        ++handler_runs;
    });
    // The 2-hour backoff job holds the call's state, and the state holds the handler.
    CHECK(held_by_handler.use_count() == 2);
    stop.cancel();
    CHECK(handler_runs.load() == 1);
    CHECK(held_by_handler.use_count() == 1); // dropped now, not in two hours
    CHECK(c.pending_async_calls() == 0);
}

TEST_CASE("a scheduler without the token still serves - an empty one gets the default", "[client][cancel][async]") {
    int two_argument_waits = 0;
    scheduler plain = [&two_argument_waits](std::chrono::milliseconds, std::function<void()> resume) {
        ++two_argument_waits;
        resume();
    };
    REQUIRE(static_cast<bool>(plain));
    bool resumed = false;
    cancellation_source stop;
    stop.cancel(); // ignored by a scheduler that does not take the token: it simply waits
    plain(1ms, [&resumed] { resumed = true; }, stop.token());
    CHECK(two_argument_waits == 1);
    CHECK(resumed);
    CHECK_FALSE(static_cast<bool>(scheduler(std::function<void(std::chrono::milliseconds, std::function<void()>)>())));
    CHECK_FALSE(static_cast<bool>(scheduler(nullptr)));
    CHECK_FALSE(static_cast<bool>(scheduler()));
    // An empty one is filled in by the client, so async_call still waits (here: one backoff, then OK).
    answering_transport t;
    auto options = hour_long_backoffs();
    options.retry.initial_backoff = 1ms;
    options.retry.max_backoff = 1ms;
    options.schedule = std::function<void(std::chrono::milliseconds, std::function<void()>)>();
    *t.during_send = [body = t.body, sent = t.sent] { if (*sent == 2) *body = ok_answer; }; // busy once, then OK
    client<answering_transport> c(t, options);
    std::promise<result<get_contact_group_response>> outcome;
    c.async_call(read_request, [&outcome](result<get_contact_group_response> r) { outcome.set_value(std::move(r)); });
    auto answered = outcome.get_future();
    REQUIRE(answered.wait_for(30s) == std::future_status::ready);
    CHECK(answered.get().has_value());
    CHECK(*t.sent == 2);
}

#if defined(__cpp_impl_coroutine) && defined(BOOST_ASIO_HAS_CO_AWAIT)
TEST_CASE("Asio per-operation cancellation: the || of awaitables cancels the call that loses", "[client][cancel][async]") {
    using namespace boost::asio::experimental::awaitable_operators;
    boost::asio::io_context context;
    answering_transport t;
    auto options = hour_long_backoffs();
    options.schedule = asio_scheduler(context.get_executor());
    client<answering_transport> c(t, options);
    bool timer_won = false;
    boost::asio::co_spawn(
        context,
        [&]() -> boost::asio::awaitable<void> {
            boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, 10ms);
            auto winner = co_await (async_call(c, read_request, boost::asio::use_awaitable) || timer.async_wait(boost::asio::use_awaitable));
            timer_won = winner.index() == 1;
        },
        boost::asio::detached);
    // The || returns once the losing call has completed, with cancelled. Its 2-hour backoff timer is cancelled
    // with it, so the context runs out of work; had the timer stayed armed, run_for would end on its limit.
    context.run_for(30s);
    CHECK(context.stopped());
    CHECK(timer_won);
    CHECK(*t.sent == 1);
    CHECK(c.pending_async_calls() == 0);
}
#endif

TEST_CASE("a cancellation racing the completion on another thread still completes the call once", "[client][cancel][concurrency]") {
    // The handler may be reached from two threads at once: the transport's completion and the canceller's
    // cancel(). Catch asserts on this thread only; the rounds count what the threads saw.
    manual_time time;
    int completed_twice = 0, completed_never = 0;
    for (int round = 0; round < 500; ++round) {
        holding_transport t;
        client<holding_transport> c(t, options_with(time));
        cancellation_source stop;
        const call_options per_call = watching(stop);
        std::atomic<int> completions{0};
        c.async_call(read_request, per_call, [&completions](result<get_contact_group_response>) { ++completions; });
        std::atomic<bool> go{false};
        std::thread canceller([&] {
            while (!go.load()) {
            }
            stop.cancel();
        });
        go = true;
        t.held->front()(http_response{200, ok_answer});
        canceller.join();
        completed_twice += completions.load() > 1;
        completed_never += completions.load() == 0;
    }
    CHECK(completed_twice == 0);
    CHECK(completed_never == 0);
}
