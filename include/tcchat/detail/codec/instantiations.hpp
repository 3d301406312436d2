// No include guard, on purpose: this file is included once to declare and once to define (see below), and it
// undefines every macro it defines, so nothing named TCCHAT_DETAIL_* is left in a user's translation unit.
//
// The codec functions and validators of every endpoint's messages (TCCHAT_ENDPOINT_TAGS), for both sides of
// separate compilation. The includer defines TCCHAT_DETAIL_EXPLICIT as `extern template` (<tcchat.hpp>, under
// TCCHAT_SEPARATE_COMPILATION) or `template` (<tcchat/src.hpp>); without it, this file declares nothing.
// Encoding and decoding are nearly all of what a TU using tcchat compiles.

#include <tcchat/version.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/validate.hpp>

#ifdef TCCHAT_DETAIL_EXPLICIT
#define TCCHAT_DETAIL_CODEC_OF(T)                                                                               \
    TCCHAT_DETAIL_EXPLICIT void encode_to<T>(std::string&, const T&);                                         \
    TCCHAT_DETAIL_EXPLICIT std::string encode<T>(const T&);                                                   \
    TCCHAT_DETAIL_EXPLICIT std::optional<error> decode_into<T>(T&, std::string_view, const decode_limits&);   \
    TCCHAT_DETAIL_EXPLICIT result<T> decode<T>(std::string_view, const decode_limits&);
#define TCCHAT_DETAIL_VALIDATE_OF(T) TCCHAT_DETAIL_EXPLICIT report validate<T>(const T&, const validation_limits&);
#define TCCHAT_DETAIL_ENDPOINT_OF(tag)                                                                          \
    TCCHAT_DETAIL_CODEC_OF(api::tag::request) TCCHAT_DETAIL_CODEC_OF(api::tag::response)                     \
    TCCHAT_DETAIL_VALIDATE_OF(api::tag::request)
TCCHAT_NAMESPACE_BEGIN
TCCHAT_ENDPOINT_TAGS(TCCHAT_DETAIL_ENDPOINT_OF)
TCCHAT_NAMESPACE_END
#undef TCCHAT_DETAIL_ENDPOINT_OF
#undef TCCHAT_DETAIL_CODEC_OF
#undef TCCHAT_DETAIL_VALIDATE_OF
#endif
