#pragma once
// The wording of every decode error, written once for both decoders: the SAX decoder (sax_decoder.hpp), which
// decodes, and the DOM test oracle (tests/oracle/dom_decoder.hpp), against which tests/test_sax_decoder.cpp
// compares it message for message.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/error.hpp>

#include <boost/json/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// The error for a body longer than max_body_bytes, found before anything is parsed or allocated.
inline error body_too_large(std::size_t size, const decode_limits& options) {
    return make_error(code::local_limit_exceeded, error_origin::decode, "",
                      "body is " + std::to_string(size) + " bytes; the limit is " + std::to_string(options.max_body_bytes));
}

/// The error of a Boost.JSON parse that failed after `consumed` bytes: 90005 for nesting past max_depth,
/// 60003 for anything else.
inline error parse_failure(boost::json::error_code ec, std::size_t consumed, const decode_limits& options) {
    if (ec == boost::json::error::too_deep)
        return make_error(code::local_limit_exceeded, error_origin::decode, "",
                          "JSON nesting exceeds the depth limit of " + std::to_string(options.max_depth));
    return make_error(code::json_parse_error, error_origin::decode, "",
                      "JSON syntax error at byte " + std::to_string(consumed) + ": " + ec.message());
}

// Messages of errors at a member (the decoder adds the code and the JSON Pointer).

inline std::string wrong_type_message(std::string_view expected, std::string_view found) {
    return "expected " + std::string(expected) + ", found " + std::string(found);
}

inline constexpr std::string_view missing_key_message = "required key is missing";

inline std::string too_many_items_message(std::size_t items, std::size_t limit) {
    return "array holds " + std::to_string(items) + " items; the limit is " + std::to_string(limit);
}

inline std::string string_too_long_message(std::size_t bytes, std::size_t limit) {
    return "string is " + std::to_string(bytes) + " bytes; the limit is " + std::to_string(limit);
}

inline std::string not_decimal_digits_message(std::string_view integer_type) {
    return "expected an integer or a string of decimal digits for " + std::string(integer_type);
}

inline std::string not_an_integer_message(std::string_view integer_type) {
    return "expected an integer (" + std::string(integer_type) + "), found a number with a fraction, an exponent or more than 64 bits";
}

inline std::string out_of_range_message(std::string_view found, std::string_view integer_type) {
    return std::string(found) + " is out of range for " + std::string(integer_type);
}

} // namespace detail
TCCHAT_NAMESPACE_END
