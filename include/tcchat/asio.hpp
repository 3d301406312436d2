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
//   - Ownership: the request is moved into the operation; the transport's async_send decides the thread that
//     completes each attempt. Destroying `client` completes the operation with code::cancelled.
//   - Per-operation cancellation: a cancellation slot associated with the token (asio::bind_cancellation_slot,
//     the || operator of awaitables, asio::cancel_after where Boost has it) cancels the call, whatever the
//     cancellation type; it then completes with code::cancelled (docs/client.md, "Cancelling a call").

#include <tcchat/version.hpp>
#include <tcchat/client.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <memory>

TCCHAT_NAMESPACE_BEGIN

template <class Client, class Request, class CompletionToken>
auto async_call(Client& client, Request request, const call_options& per_call, CompletionToken&& token) {
    using response = response_of<Request>;
    return boost::asio::async_initiate<CompletionToken, void(result<response>)>(
        [&client, per_call](auto handler, Request owned) {
            call_options options = per_call;
            auto slot = boost::asio::get_associated_cancellation_slot(handler);
            std::uint64_t linked = 0;
            // Set while the slot's own handler runs: a call completed from inside it must not clear the slot,
            // which would destroy the handler that is running.
            auto emitting = std::make_shared<bool>(false);
            if (slot.is_connected()) {
                cancellation_source source;
                linked = per_call.cancellation.on_cancel([source] { source.cancel(); }); // the caller's token still counts
                slot.assign([source, emitting](boost::asio::cancellation_type) {
                    *emitting = true;
                    source.cancel();
                    *emitting = false;
                });
                options.cancellation = source.token();
            }
            client.async_call(owned, options, [handler = std::move(handler), slot, emitting, caller = per_call.cancellation, linked](result<response> outcome) mutable {
                if (slot.is_connected() && !*emitting) slot.clear(); // as Asio's own operations do before they complete
                caller.forget(linked);
                auto executor = boost::asio::get_associated_executor(handler);
                boost::asio::dispatch(executor, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
                    handler(std::move(outcome));
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

/// A client_options::schedule that waits on a steady_timer instead of blocking a thread. A cancelled call's
/// timer is cancelled too, so it does not keep the io_context's run() going until it would have been due.
template <class Executor>
auto asio_scheduler(Executor executor) {
    return [executor](std::chrono::milliseconds delay, std::function<void()> resume, const cancellation_token& cancelled) {
        // The timer is armed, and later cancelled, on a strand of its own: a timer is not safe to use from two
        // threads at once, and a cancellation that comes first is still run after the arming.
        auto strand = boost::asio::make_strand(executor);
        auto timer = std::make_shared<boost::asio::steady_timer>(strand, delay);
        boost::asio::post(strand, [timer, resume = std::move(resume), cancelled]() mutable {
            const std::uint64_t subscription = cancelled.on_cancel([weak = std::weak_ptr<boost::asio::steady_timer>(timer)] {
                if (auto armed = weak.lock()) boost::asio::post(armed->get_executor(), [armed] { armed->cancel(); });
            });
            timer->async_wait([timer, resume = std::move(resume), cancelled, subscription](const boost::system::error_code& failed) {
                cancelled.forget(subscription);
                if (!failed) resume(); // cancelled: the call has completed, and dropping resume releases its state
            });
        });
    };
}

TCCHAT_NAMESPACE_END
