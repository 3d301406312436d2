// Async calls: client::async_call and tcchat/asio.hpp's completion tokens.
#include <tcchat/asio.hpp>
#include <tcchat/emulator.hpp>

#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace tcchat;

namespace {

/// Completes each exchange later, from the io_context, the way a socket-based transport would.
struct posting_transport {
    boost::asio::io_context* context;
    emulation::emulator* service;
    std::shared_ptr<int> failures_left = std::make_shared<int>(0);
    std::shared_ptr<int> sent = std::make_shared<int>(0);

    result<http_response> send(const http_request& request) { return service->handle(request.url, request.body); }
    void async_send(const http_request& request, completion_handler handler) {
        ++*sent;
        boost::asio::post(*context, [this, request, handler = std::move(handler)] {
            if (*failures_left > 0) {
                --*failures_left;
                return handler(http_response{200, R"({"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"busy"})"});
            }
            handler(send(request));
        });
    }
};

client_options options_for(boost::asio::io_context& context) {
    client_options o;
    o.identity = {1400000000, "admin"};
    o.usersig = fixed_usersig("s");
    o.limiter = nullptr;
    o.schedule = asio_scheduler(context.get_executor());
    o.retry.initial_backoff = std::chrono::milliseconds(2);
    return o;
}

} // namespace

TEST_CASE("async_call with a callback use_future and deferred", "[client][async]") {
    boost::asio::io_context context;
    emulation::emulator service;
    posting_transport transport{&context, &service};
    client<posting_transport> chat(transport, options_for(context));

    int calls = 0;
    async_call(chat, create_contact_group_request{"u", {{"g", {{conversation_type::c2c, "p"}}}}},
               [&](result<create_contact_group_response> r) {
                   ++calls;
                   REQUIRE(r.has_value());
                   CHECK((*r->GroupResultItem)[0].GroupItem.GroupId == 1);
               });
    CHECK(calls == 0); // nothing completes before the io_context runs
    context.run();
    CHECK(calls == 1);

    context.restart();
    auto future = async_call(chat, get_contact_group_request{"u", 0}, boost::asio::use_future);
    context.run();
    auto page = future.get();
    REQUIRE(page.has_value());
    CHECK(page->ContactItem->size() == 1);

    context.restart();
    auto deferred_op = async_call(chat, search_contact_group_request{"u", {{conversation_type::c2c, "p"}}}, boost::asio::deferred);
    CHECK(*transport.sent == 2); // deferred: nothing sent until the operation is launched
    std::optional<result<search_contact_group_response>> found;
    std::move(deferred_op)([&](result<search_contact_group_response> r) { found = std::move(r); });
    context.run();
    REQUIRE(found.has_value());
    CHECK((*found)->ContactResultItem->size() == 1);
}

TEST_CASE("async_call retries on a timer and reports validation errors without sending", "[client][async]") {
    boost::asio::io_context context;
    emulation::emulator service;
    posting_transport transport{&context, &service};
    *transport.failures_left = 2;
    auto options = options_for(context);
    // Every retry must go through the scheduler, as a timer of this io_context: counted, with its delay.
    std::vector<std::chrono::milliseconds> timer_delays;
    options.schedule = [&, on_timer = asio_scheduler(context.get_executor())](std::chrono::milliseconds delay, std::function<void()> resume,
                                                                             const cancellation_token& cancelled) {
        timer_delays.push_back(delay);
        on_timer(delay, [&, resume = std::move(resume), sent_when_scheduled = *transport.sent] {
            CHECK(*transport.sent == sent_when_scheduled); // nothing was resent before the timer fired
            resume();
        }, cancelled);
    };
    client<posting_transport> chat(transport, options);
    std::optional<result<get_list_response>> listed;
    async_call(chat, get_list_request{"u"}, [&](result<get_list_response> r) { listed = std::move(r); });
    context.run();
    REQUIRE(listed.has_value());
    CHECK(listed->has_value());
    CHECK(*transport.sent == 3);
    // Two retries, two timers: half a backoff step at least (2 ms, then 4 ms, each jittered from its half).
    REQUIRE(timer_delays.size() == 2);
    CHECK(timer_delays[0] >= std::chrono::milliseconds(1));
    CHECK(timer_delays[0] <= std::chrono::milliseconds(2));
    CHECK(timer_delays[1] >= std::chrono::milliseconds(2));
    CHECK(timer_delays[1] <= std::chrono::milliseconds(4));

    std::optional<result<get_list_response>> rejected;
    async_call(chat, get_list_request{""}, [&](result<get_list_response> r) { rejected = std::move(r); });
    context.restart();
    context.run();
    REQUIRE(rejected.has_value());
    CHECK(rejected->error().origin == error_origin::validation);
    CHECK(*transport.sent == 3);
}
