#pragma once
// Opt-in Asio adapter: tcchat::async_call with any Asio completion token (a callback, use_future, deferred,
// use_awaitable...), and a timer-based scheduler for the client's backoff. Header-only Boost.Asio.
//
// Shape of the operation (after Boost.Beast's example/echo-op):
//
//   template <class Client, class Request, class CompletionToken>
//   DEDUCED async_call(Client& client, Request request, [const call_options& per_call,] CompletionToken&& token);
//
//   - Completes when the call has succeeded, failed permanently, or run out of retries or deadline.
//   - Handler signature: void(tcchat::result<Response>), Response = tcchat::response_of<Request>.
//   - The handler is invoked through its associated executor (never inside async_call itself when the
//     token is a plain callback bound to an executor); the default associated executor is the system one.
//   - Ownership: the request is moved into the operation; `client` must outlive it; the transport's
//     async_send decides the thread that completes each attempt.

#include <tcchat/client.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace tcchat {

template <class Client, class Request, class CompletionToken>
auto async_call(Client& client, Request request, const call_options& per_call, CompletionToken&& token) {
    using response = response_of<Request>;
    return boost::asio::async_initiate<CompletionToken, void(result<response>)>(
        [&client, per_call](auto handler, Request owned) {
            using handler_type = decltype(handler);
            // std::function needs a copyable callable; Asio handlers may be move-only.
            auto shared = std::make_shared<handler_type>(std::move(handler));
            client.async_call(owned, per_call, [shared](result<response> outcome) {
                auto executor = boost::asio::get_associated_executor(*shared);
                boost::asio::dispatch(executor, [shared, outcome = std::move(outcome)]() mutable {
                    (*shared)(std::move(outcome));
                });
            });
        },
        token, std::move(request));
}

/// The same with the default call_options.
template <class Client, class Request, class CompletionToken>
auto async_call(Client& client, Request request, CompletionToken&& token) {
    return async_call(client, std::move(request), call_options{}, std::forward<CompletionToken>(token));
}

/// A client_options::schedule that waits on a steady_timer instead of blocking a thread.
template <class Executor>
auto asio_scheduler(Executor executor) {
    return [executor](std::chrono::milliseconds delay, std::function<void()> resume) {
        auto timer = std::make_shared<boost::asio::steady_timer>(executor, delay);
        timer->async_wait([timer, resume = std::move(resume)](const boost::system::error_code&) { resume(); });
    };
}

} // namespace tcchat
