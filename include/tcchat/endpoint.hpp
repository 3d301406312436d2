#pragma once
// Endpoint traits: everything the client, the emulator and the tools know about one endpoint lives in its tag
// in tcchat::api (tcchat/api/<command>.hpp):
//   command, request, response      the wire name and the two messages
//   is_read                         only reads: safe to retry
//   may_add_state                   may leave more state behind: the emulator refuses it once its state is at
//                                   its cap (a removal or a read still runs)
//   needs_group_edition             answered 51013 on an edition without conversation groups and marks
//   batch_field, batch_limit, merge a batch endpoint: its item list, the documented limit, and how the answers
//                                   to the chunks of an oversized batch join into one
//   cursor, advance                 a paged endpoint: what tells its pages apart, and how to ask for the next

#include <tcchat/version.hpp>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// Maps a request type to its endpoint tag; specialised next to each request.
template <class Request>
struct endpoint_of;

template <class Request>
using endpoint_of_t = typename endpoint_of<Request>::type;

/// The response type of the endpoint a request goes to: response_of<get_list_request> is get_list_response.
template <class Request>
using response_of = typename endpoint_of_t<Request>::response;

/// Maps a response type back to its endpoint tag.
template <class Response>
struct endpoint_of_response;

template <class Endpoint, class = void>
struct has_batch : std::false_type {};

template <class Endpoint>
struct has_batch<Endpoint, std::void_t<decltype(Endpoint::batch_field), decltype(Endpoint::batch_limit)>>
    : std::true_type {};

template <class Endpoint, class = void>
struct has_paging : std::false_type {};

template <class Endpoint>
struct has_paging<Endpoint, std::void_t<decltype(Endpoint::cursor(std::declval<const typename Endpoint::request&>()))>>
    : std::true_type {};

/// The full REST path of a command (docs/protocol.md §1.1): "v4/recentcontact/<command>".
inline constexpr std::string_view service_path = "v4/recentcontact/";

TCCHAT_NAMESPACE_END

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
