#pragma once
// Endpoint traits. Every endpoint tag in tcchat::api names its command, its request and response types,
// whether it only reads (safe to retry), and, for batch endpoints, the batch member and its limit.

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace tcchat {

/// Maps a request type to its endpoint tag; specialised next to each request.
template <class Request>
struct endpoint_of;

template <class Request>
using endpoint_of_t = typename endpoint_of<Request>::type;

/// Maps a response type back to its endpoint tag.
template <class Response>
struct endpoint_of_response;

template <class Endpoint, class = void>
struct has_batch : std::false_type {};

template <class Endpoint>
struct has_batch<Endpoint, std::void_t<decltype(Endpoint::batch_field), decltype(Endpoint::batch_limit)>>
    : std::true_type {};

/// The full REST path of a command (docs/protocol.md §1.1): "v4/recentcontact/<command>".
inline constexpr std::string_view service_path = "v4/recentcontact/";

} // namespace tcchat

/// Declares the traits that tie a request and a response to their endpoint tag.
#define TCCHAT_BIND_ENDPOINT(Endpoint)                                                                      \
    template <>                                                                                            \
    struct endpoint_of<Endpoint::request> {                                                                \
        using type = Endpoint;                                                                             \
    };                                                                                                     \
    template <>                                                                                            \
    struct endpoint_of_response<Endpoint::response> {                                                      \
        using type = Endpoint;                                                                             \
    };
