#pragma once
// The codec functions of the sixteen documented messages, listed once for both sides of separate
// compilation: <tcchat.hpp> declares them `extern template` when TCCHAT_SEPARATE_COMPILATION is defined, and
// <tcchat/src.hpp> defines them. Encoding and decoding are nearly all of what a TU using tcchat compiles.

#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/validate.hpp>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <type_traits>

#define TCCHAT_DETAIL_DOCUMENTED_MESSAGES(X)                                                                    \
    X(get_list_request) X(get_list_response) X(delete_request) X(delete_response)                               \
    X(create_contact_group_request) X(create_contact_group_response) X(del_contact_group_request)               \
    X(del_contact_group_response) X(update_contact_group_request) X(update_contact_group_response)              \
    X(search_contact_group_request) X(search_contact_group_response) X(get_contact_group_request)               \
    X(get_contact_group_response) X(mark_contact_request) X(mark_contact_response)

#define TCCHAT_DETAIL_DOCUMENTED_REQUESTS(X)                                                                    \
    X(get_list_request) X(delete_request) X(create_contact_group_request) X(del_contact_group_request)          \
    X(update_contact_group_request) X(search_contact_group_request) X(get_contact_group_request)                \
    X(mark_contact_request)

// TCCHAT_DETAIL_EXPLICIT is `extern template` (a declaration) or `template` (the definition).
#define TCCHAT_DETAIL_CODEC_OF(T)                                                                               \
    TCCHAT_DETAIL_EXPLICIT void encode_to<T>(std::string&, const T&);                                         \
    TCCHAT_DETAIL_EXPLICIT std::string encode<T>(const T&);                                                   \
    TCCHAT_DETAIL_EXPLICIT std::optional<error> decode_into<T>(T&, std::string_view, const decode_options&);  \
    TCCHAT_DETAIL_EXPLICIT result<T> decode<T>(std::string_view, const decode_options&);
#define TCCHAT_DETAIL_VALIDATE_OF(T) TCCHAT_DETAIL_EXPLICIT report validate<T>(const T&, const limits&);

namespace tcchat::detail {
// The lists above name the messages of every endpoint in all_endpoints, in its order: checked here, so that an
// endpoint added to all_endpoints and not to the lists (or the other way round) fails to compile.
#define TCCHAT_DETAIL_LISTED(T) , T
using listed_messages = boost::mp11::mp_pop_front<boost::mp11::mp_list<void TCCHAT_DETAIL_DOCUMENTED_MESSAGES(TCCHAT_DETAIL_LISTED)>>;
using listed_requests = boost::mp11::mp_pop_front<boost::mp11::mp_list<void TCCHAT_DETAIL_DOCUMENTED_REQUESTS(TCCHAT_DETAIL_LISTED)>>;
#undef TCCHAT_DETAIL_LISTED
template <class Endpoint>
using messages_of = boost::mp11::mp_list<typename Endpoint::request, typename Endpoint::response>;
template <class Endpoint>
using request_of = typename Endpoint::request;
static_assert(std::is_same_v<listed_messages, boost::mp11::mp_flatten<boost::mp11::mp_transform<messages_of, all_endpoints>>>,
              "TCCHAT_DETAIL_DOCUMENTED_MESSAGES must list every endpoint's request and response, in all_endpoints' order");
static_assert(std::is_same_v<listed_requests, boost::mp11::mp_transform<request_of, all_endpoints>>,
              "TCCHAT_DETAIL_DOCUMENTED_REQUESTS must list every endpoint's request, in all_endpoints' order");
} // namespace tcchat::detail
