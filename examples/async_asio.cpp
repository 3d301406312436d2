// Asynchronous calls with Asio: a transport that completes later on an io_context, the way a socket-based
// one would, and tcchat::async_call with three completion tokens: a callback, use_future and deferred.
// Backoff between retries waits on a steady_timer (tcchat::asio_scheduler), never on a sleeping thread.
#include "example_support.hpp"

#include <tcchat/asio.hpp>

#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

/// Hands each exchange to the emulator from the io_context. The first answer is "busy" (60007), so the
/// first read shows a retry after a timer-driven backoff.
struct posting_transport {
    boost::asio::io_context* context;
    tcchat::emulation::emulator* service;
    std::shared_ptr<bool> busy_once = std::make_shared<bool>(true);

    void async_send(const tcchat::http_request& request, tcchat::completion_handler handler) {
        // The request is only guaranteed until the handler runs, so the posted work keeps its own copy.
        boost::asio::post(*context, [this, request, handler = std::move(handler)] {
            std::cout << "   sent " << tcchat::redact_usersig(request.url) << "\n";
            if (std::exchange(*busy_once, false)) {
                std::cout << "   -> 60007 (busy): the client retries after a timer-driven backoff\n";
                return handler(tcchat::http_response{200, R"({"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"busy"})"});
            }
            handler(service->handle(request.url, request.body));
        });
    }
    tcchat::result<tcchat::http_response> send(const tcchat::http_request& request) {
        return service->handle(request.url, request.body);
    }
};

int main() {
    boost::asio::io_context context;
    tcchat::emulation::emulator service(example::emulator_settings());
    auto settings = example::client_settings();
    settings.schedule = tcchat::asio_scheduler(context.get_executor());
    settings.retry.initial_backoff = std::chrono::milliseconds(5);
    tcchat::client<posting_transport> chat(posting_transport{&context, &service}, settings);

    // 1. A callback: runs on the io_context's thread once the retried read succeeds.
    tcchat::async_call(chat, tcchat::get_contact_group_request{"user0", 0},
                       [](tcchat::result<tcchat::get_contact_group_response> page) { example::show("callback: get_contact_group", page); });
    context.run();

    // 2. use_future: the io_context runs on another thread while this one waits on the future.
    context.restart();
    auto work = boost::asio::make_work_guard(context);
    std::thread runner([&] { context.run(); });
    std::future<tcchat::result<tcchat::create_contact_group_response>> created = tcchat::async_call(
        chat, tcchat::create_contact_group_request::for_group("user0", "friends", {tcchat::contact_item::c2c("user1")}),
        boost::asio::use_future);
    example::show("use_future: create_contact_group", created.get());
    work.reset();
    runner.join();

    // 3. deferred: nothing is sent until the deferred operation is launched with a handler.
    context.restart();
    auto search = tcchat::async_call(chat, tcchat::search_contact_group_request{"user0", {tcchat::contact_item::c2c("user1")}},
                                     boost::asio::deferred);
    std::cout << "== deferred: nothing sent yet (" << service.calls().size() << " calls so far)\n";
    std::move(search)([](tcchat::result<tcchat::search_contact_group_response> found) { example::show("deferred: search_contact_group", found); });
    context.run();
}
