// No include guard, on purpose: this file is included once to declare and once to define (see below), and it
// undefines every macro it defines, so nothing named TCCHAT_DETAIL_* is left in a user's translation unit.
//
// The codec functions and validators of the sixteen documented messages, listed once for both sides of separate
// compilation. The includer defines TCCHAT_DETAIL_EXPLICIT as `extern template` (<tcchat.hpp>, under
// TCCHAT_SEPARATE_COMPILATION) or `template` (<tcchat/src.hpp>); without it, only the list check below is made.
// Encoding and decoding are nearly all of what a TU using tcchat compiles.

#include <tcchat/version.hpp>
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

// The lists above name the messages of every endpoint in all_endpoints, in its order: checked here, so that an
// endpoint added to all_endpoints and not to the lists (or the other way round) fails to compile.
#define TCCHAT_DETAIL_LISTED(T) , T
TCCHAT_NAMESPACE_BEGIN
namespace detail {
static_assert(std::is_same_v<boost::mp11::mp_pop_front<boost::mp11::mp_list<void TCCHAT_DETAIL_DOCUMENTED_MESSAGES(
                                 TCCHAT_DETAIL_LISTED)>>,
                             messages_of_all_endpoints>,
              "the documented messages must list every endpoint's request and response, in all_endpoints' order");
static_assert(std::is_same_v<boost::mp11::mp_pop_front<boost::mp11::mp_list<void TCCHAT_DETAIL_DOCUMENTED_REQUESTS(
                                 TCCHAT_DETAIL_LISTED)>>,
                             requests_of_all_endpoints>,
              "the documented requests must list every endpoint's request, in all_endpoints' order");
} // namespace detail
TCCHAT_NAMESPACE_END

#ifdef TCCHAT_DETAIL_EXPLICIT
#define TCCHAT_DETAIL_CODEC_OF(T)                                                                               \
    TCCHAT_DETAIL_EXPLICIT void encode_to<T>(std::string&, const T&);                                         \
    TCCHAT_DETAIL_EXPLICIT std::string encode<T>(const T&);                                                   \
    TCCHAT_DETAIL_EXPLICIT std::optional<error> decode_into<T>(T&, std::string_view, const decode_limits&);   \
    TCCHAT_DETAIL_EXPLICIT result<T> decode<T>(std::string_view, const decode_limits&);
#define TCCHAT_DETAIL_VALIDATE_OF(T) TCCHAT_DETAIL_EXPLICIT report validate<T>(const T&, const validation_limits&);
TCCHAT_NAMESPACE_BEGIN
TCCHAT_DETAIL_DOCUMENTED_MESSAGES(TCCHAT_DETAIL_CODEC_OF)
TCCHAT_DETAIL_DOCUMENTED_REQUESTS(TCCHAT_DETAIL_VALIDATE_OF)
TCCHAT_NAMESPACE_END
#undef TCCHAT_DETAIL_CODEC_OF
#undef TCCHAT_DETAIL_VALIDATE_OF
#endif

#undef TCCHAT_DETAIL_LISTED
#undef TCCHAT_DETAIL_DOCUMENTED_REQUESTS
#undef TCCHAT_DETAIL_DOCUMENTED_MESSAGES
