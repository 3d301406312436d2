#pragma once
// Codec (sans-I/O): encode any request or response to JSON text, decode JSON text into one.
//
//   std::string body = tcchat::encode(request);
//   tcchat::result<tcchat::mark_contact_response> r = tcchat::decode<tcchat::mark_contact_response>(text);
//   if (!r) use(r.error().code, r.error().pointer, r.error().message);
//
// Decode errors: 60003 for text that is not JSON, 50002 for a wrong shape or type (with the JSON Pointer of
// the field), 90005 when a TCCHAT_MAX_* limit is hit. Nothing here throws except decode_or_throw.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/detail/codec/json_writer.hpp>
#include <tcchat/detail/codec/sax_decoder.hpp>
#include <tcchat/error.hpp>

#include <boost/throw_exception.hpp>

#include <optional>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN

/// Appends the JSON encoding of `value` to `out`.
template <class T>
void encode_to(std::string& out, const T& value) {
    detail::write_json(out, value);
}

template <class T>
[[nodiscard]] std::string encode(const T& value) {
    std::string out; // a body of up to 4 KB arrives in one append from the encoder's buffer: one exact allocation
    encode_to(out, value);
    return out;
}

/// Decodes JSON text into `out`, which holds a value-initialized T, and answers the error, if any (`out` then
/// holds a partial value: discard it). For a value that lives where it is needed, such as in a result its
/// caller returns, so that it is never moved; decode() and the client decode this way.
template <class T>
[[nodiscard]] std::optional<error> decode_into(T& out, std::string_view text, const decode_limits& options = {}) {
    return detail::sax_decode_into(out, text, options);
}

template <class T>
[[nodiscard]] result<T> decode(std::string_view text, const decode_limits& options = {}) {
    result<T> decoded; // every return names it, so the value is decoded in place and never moved
    if (auto failed = decode_into(*decoded, text, options)) decoded = std::move(*failed);
    return decoded;
}

/// Throwing convenience: tcchat::exception carries the error.
template <class T>
[[nodiscard]] T decode_or_throw(std::string_view text, const decode_limits& options = {}) {
    auto decoded = decode<T>(text, options);
    if (!decoded) boost::throw_exception(exception(decoded.error()));
    return std::move(*decoded);
}

TCCHAT_NAMESPACE_END
