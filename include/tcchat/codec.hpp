#pragma once
// Codec (sans-I/O): encode any request or response to JSON text, decode JSON text into one.
//
//   std::string body = tcchat::encode(request);
//   tcchat::result<tcchat::mark_contact_response> r = tcchat::decode<tcchat::mark_contact_response>(text);
//   if (!r) use(r.error().code, r.error().pointer, r.error().message);
//
// Decode errors: 60003 for text that is not JSON, 50002 for a wrong shape or type (with the JSON Pointer of
// the field), 90005 when a TCCHAT_MAX_* limit is hit. Nothing here throws except decode_or_throw.

#include <tcchat/config.hpp>
#include <tcchat/detail/dom_decoder.hpp>
#include <tcchat/detail/json_writer.hpp>
#include <tcchat/detail/sax_decoder.hpp>
#include <tcchat/error.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/throw_exception.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace tcchat {

/// Appends the JSON encoding of `value` to `out`.
template <class T>
void encode_to(std::string& out, const T& value) {
    detail::write_value(out, value);
}

template <class T>
std::string encode(const T& value) {
    std::string out;
    out.reserve(256);
    encode_to(out, value);
    return out;
}

/// Parses JSON text under the decode limits (size, depth). The value uses `storage`.
inline result<boost::json::value> parse_json(std::string_view text, const decode_options& options = {},
                                             boost::json::storage_ptr storage = {}) {
    if (text.size() > options.max_body_bytes) return detail::body_too_large(text.size(), options);
    boost::json::parse_options parse_options;
    parse_options.max_depth = options.max_depth;
    boost::json::parser parser(std::move(storage), parse_options);
    boost::json::error_code ec;
    const std::size_t consumed = parser.write(text.data(), text.size(), ec);
    if (ec) return detail::parse_failure(ec, consumed, options);
    return parser.release();
}

/// Decodes JSON text into `out`, which holds a value-initialized T, and answers the error, if any (`out` then
/// holds a partial value: discard it). For a value that lives where it is needed, such as in a result its
/// caller returns, so that it is never moved; decode() and the client decode this way.
template <class T>
std::optional<error> decode_into(T& out, std::string_view text, const decode_options& options = {}) {
    return detail::sax_decode_into(out, text, options);
}

template <class T>
result<T> decode(std::string_view text, const decode_options& options = {}) {
    result<T> decoded; // every return names it, so the value is decoded in place and never moved
    if (auto failed = decode_into(*decoded, text, options)) decoded = std::move(*failed);
    return decoded;
}

/// Decodes an already parsed value (the DOM reference path).
template <class T>
result<T> decode_value(const boost::json::value& json, const decode_options& options = {}) {
    T out{};
    detail::dom_decoder decoder(options);
    if (!decoder.decode(json, out, detail::path{})) return decoder.take_error();
    return out;
}

/// Decodes JSON text through a Boost.JSON DOM held in a scratch arena: the reference that decode (the SAX
/// decoder) is tested against, with the same results. A non-allocating pass checks the text first, so that
/// no DOM is built past the limits: a syntax or depth error is reported from that pass, as parse_json words
/// it. A document holding an array or a string past max_array_items or max_string_bytes anywhere is left to
/// the SAX decoder, which has this function's semantics and stores nothing past the limits (whether such a
/// document fails, and where, depends on the type: an unknown key may hold anything).
template <class T>
result<T> decode_dom(std::string_view text, const decode_options& options = {}) {
    if (text.size() > options.max_body_bytes) return detail::body_too_large(text.size(), options);
    boost::json::parse_options parse_options;
    parse_options.max_depth = options.max_depth;
    boost::json::basic_parser<detail::limit_scan> scan(parse_options, options);
    boost::json::error_code ec;
    const std::size_t consumed = scan.write_some(false, text.data(), text.size(), ec);
    if (!ec && consumed < text.size()) ec = boost::json::error::extra_data; // as boost::json::parser::write
    if (ec) return detail::parse_failure(ec, consumed, options);
    if (scan.handler().over_limits()) return decode<T>(text, options);

    unsigned char scratch[4096];
    boost::json::monotonic_resource arena(scratch, sizeof scratch);
    auto json = parse_json(text, options, &arena);
    if (!json) return json.error();
    return decode_value<T>(*json, options);
}

/// Throwing convenience: tcchat::exception carries the error.
template <class T>
T decode_or_throw(std::string_view text, const decode_options& options = {}) {
    auto decoded = decode<T>(text, options);
    if (!decoded) boost::throw_exception(exception(decoded.error()));
    return std::move(*decoded);
}

} // namespace tcchat
