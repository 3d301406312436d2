#pragma once
// A test oracle, not part of the library: JSON text parsed into a Boost.JSON DOM, then decoded from it
// (dom_decoder.hpp, beside this file). tcchat decodes with the SAX decoder (codec.hpp); the tests, fuzzers and
// benchmarks hold it to this second, independent implementation, which must give the same results. Nothing
// under include/ uses it, and it is not installed.

#include <tcchat/version.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/config.hpp>
#include <tcchat/detail/codec/decode_errors.hpp>
#include <tcchat/error.hpp>

#include "dom_decoder.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace test_oracle {

/// Parses JSON text under the decode limits (size, depth). The value uses `storage`.
inline result<boost::json::value> parse_json(std::string_view text, const decode_limits& options = {},
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

/// Decodes an already parsed value (the DOM reference path).
template <class T>
result<T> decode_value(const boost::json::value& json, const decode_limits& options = {}) {
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
result<T> decode_dom(std::string_view text, const decode_limits& options = {}) {
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

} // namespace test_oracle
TCCHAT_NAMESPACE_END
