#pragma once
// The codec functions of the sixteen documented messages, listed once for both sides of separate
// compilation: <tcchat.hpp> declares them `extern template` when TCCHAT_SEPARATE_COMPILATION is defined, and
// <tcchat/src.hpp> defines them. Encoding and decoding are nearly all of what a TU using tcchat compiles.

#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/validate.hpp>

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
