// Async calls: client::async_call and tcchat/asio.hpp's completion tokens.
#include <tcchat/asio.hpp>
#include <tcchat/emulator.hpp>

#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch.hpp>

using namespace tcchat;

namespace {

/// Completes each exchange later, from the io_context, the way a socket-based transport would.
struct posting_transport {
    boost::asio::io_context* context;
    emulator* service;
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
    emulator service;
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
    emulator service;
    posting_transport transport{&context, &service};
    *transport.failures_left = 2;
    client<posting_transport> chat(transport, options_for(context));
    std::optional<result<get_list_response>> listed;
    async_call(chat, get_list_request{"u"}, [&](result<get_list_response> r) { listed = std::move(r); });
    context.run();
    REQUIRE(listed.has_value());
    CHECK(listed->has_value());
    CHECK(*transport.sent == 3);

    std::optional<result<get_list_response>> rejected;
    async_call(chat, get_list_request{""}, [&](result<get_list_response> r) { rejected = std::move(r); });
    context.restart();
    context.run();
    REQUIRE(rejected.has_value());
    CHECK(rejected->error().origin == error_origin::validation);
    CHECK(*transport.sent == 3);
}
