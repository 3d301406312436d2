#pragma once
// The transport concept: how tcchat hands an HTTP exchange to whatever HTTP stack the user has.
//
// A synchronous transport is any type with
//     tcchat::result<tcchat::http_response> send(const tcchat::http_request&);
// An asynchronous transport is any type with
//     void async_send(const tcchat::http_request&, tcchat::completion_handler);
// which calls the handler exactly once, from any thread. A transport reports only what HTTP could not
// deliver (code::transport_failed, code::timeout); HTTP statuses and bodies are the client's to judge.
//
// Optionally, an asynchronous transport that can abort an exchange in flight also has
//     void async_send(const tcchat::http_request&, tcchat::completion_handler, tcchat::cancellation_token);
// which the client then uses instead: when the token is cancelled (the caller cancelled the call, or the client
// is being destroyed), the transport stops the exchange and still calls the handler once, with any result. The
// call has already completed with code::cancelled; that late result is dropped. Without it, an exchange in
// flight runs to its end and its result is dropped the same way.

#include <tcchat/version.hpp>
#include <tcchat/cancellation.hpp>
#include <tcchat/error.hpp>

#include <boost/core/span.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L && __has_include(<concepts>)
#include <concepts>
#define TCCHAT_DETAIL_CONCEPTS 1 // undefined again at the end of this header
#else
#define TCCHAT_DETAIL_CONCEPTS 0
#endif

TCCHAT_NAMESPACE_BEGIN

/// Views: a header's text lives in static storage or in the client, which outlives every exchange it starts.
struct http_header {
    std::string_view name;
    std::string_view value;
};

/// What every tcchat call sends besides its URL and body: the query carries the rest (docs/protocol.md §1.1).
inline constexpr http_header json_headers[] = {{"Content-Type", "application/json"}};

/// One exchange. It stays valid, unchanged, until send returns or the completion handler is called; a
/// transport that keeps it longer copies what it needs.
struct http_request {
    std::string url; ///< holds the usersig: log redact_usersig(url), never the url itself
    std::string body;
    boost::span<const http_header> headers = json_headers;
    /// The service gives up after 3 s (docs/protocol.md §1.3), so a caller waits longer than that.
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

/// What the transport received: the HTTP status and the body, both the client's to judge.
struct http_response {
    int status = 0;
    std::string body;
};

using completion_handler = std::function<void(result<http_response>)>;

template <class T, class = void>
struct is_transport : std::false_type {};
template <class T>
struct is_transport<T, std::void_t<decltype(std::declval<T&>().send(std::declval<const http_request&>()))>>
    : std::is_convertible<decltype(std::declval<T&>().send(std::declval<const http_request&>())), result<http_response>> {};

template <class T, class = void>
struct is_async_transport : std::false_type {};
template <class T>
struct is_async_transport<T, std::void_t<decltype(std::declval<T&>().async_send(std::declval<const http_request&>(),
                                                                                std::declval<completion_handler>()))>>
    : std::true_type {};

/// Whether T also has the async_send that takes a cancellation_token (see the top of this header).
template <class T, class = void>
struct is_cancellable_async_transport : std::false_type {};
template <class T>
struct is_cancellable_async_transport<
    T, std::void_t<decltype(std::declval<T&>().async_send(std::declval<const http_request&>(), std::declval<completion_handler>(),
                                                          std::declval<cancellation_token>()))>> : std::true_type {};

template <class T>
inline constexpr bool is_transport_v = is_transport<T>::value;
template <class T>
inline constexpr bool is_async_transport_v = is_async_transport<T>::value;

#if TCCHAT_DETAIL_CONCEPTS
template <class T>
concept transport = requires(T& t, const http_request& request) {
    { t.send(request) } -> std::convertible_to<result<http_response>>;
};
template <class T>
concept async_transport = requires(T& t, const http_request& request, completion_handler handler) {
    t.async_send(request, std::move(handler));
};
#endif

/// C++17 check with a message that names the missing member (C++20 code can use the concepts instead).
template <class T>
constexpr bool assert_transport() {
    static_assert(is_transport_v<T>,
                  "tcchat: a transport needs the member function "
                  "`tcchat::result<tcchat::http_response> send(const tcchat::http_request&)`");
    return true;
}

template <class T>
constexpr bool assert_async_transport() {
    static_assert(is_async_transport_v<T>,
                  "tcchat: an async transport needs the member function "
                  "`void async_send(const tcchat::http_request&, tcchat::completion_handler)`");
    return true;
}

TCCHAT_NAMESPACE_END

#undef TCCHAT_DETAIL_CONCEPTS
