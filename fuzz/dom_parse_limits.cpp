// Decoding under tiny limits: the first byte picks an endpoint (harness_support.hpp; the flag above the endpoint
// bits: its request, else its response), the rest is the body. Every failure is a documented decode error; every success respects every
// limit; a limit only ever turns an answer into 90005, never changes a decoded value or another error; and
// decode (the SAX decoder) answers exactly as decode_dom (the DOM reference path) does, under both limits,
// and as the whole DOM does (parse_json then decode_value): decode_dom leaves a document with an array or a
// string past the limits to the SAX decoder rather than build its DOM, so only the whole DOM still checks
// the SAX decoder's limit errors against an independent implementation (inputs are at most 4 KB here).
#include "harness_support.hpp"

#include "../tests/oracle/dom_reference.hpp" // decode_dom, decode_value, parse_json: the test oracle
#include <tcchat/detail/codec/reflect.hpp>

using tcchat_fuzz::require;

namespace {

/// Small enough that ordinary mutations of the samples cross every limit.
tcchat::decode_limits tiny_limits() {
    tcchat::decode_limits limits;
    limits.max_body_bytes = 256;
    limits.max_depth = 4;
    limits.max_array_items = 8;
    limits.max_string_bytes = 16;
    return limits;
}

std::size_t container_depth(const boost::json::value& json) {
    std::size_t deepest = 0;
    if (const auto* array = json.if_array()) {
        for (const auto& item : *array) deepest = std::max(deepest, container_depth(item));
        return deepest + 1;
    }
    if (const auto* object = json.if_object()) {
        for (const auto& member : *object) deepest = std::max(deepest, container_depth(member.value()));
        return deepest + 1;
    }
    return 0;
}

/// Every string and array of a decoded model is within the limits it was decoded under.
template <class T>
bool within_limits(const T& value, const tcchat::decode_limits& limits) {
    namespace detail = tcchat::detail;
    if constexpr (detail::is_optional<T>::value) {
        return !value || within_limits(*value, limits);
    } else if constexpr (detail::is_vector<T>::value) {
        if (value.size() > limits.max_array_items) return false;
        for (const auto& item : value)
            if (!within_limits(item, limits)) return false;
        return true;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return value.size() <= limits.max_string_bytes;
    } else if constexpr (detail::is_described<T>::value) {
        bool ok = true;
        detail::for_each_member(value, [&](std::string_view, const auto& member) { ok = ok && within_limits(member, limits); });
        return ok;
    } else {
        return true; // integers, enums and StandardMark carry no size of their own
    }
}

void check_parse_json(std::string_view body, const tcchat::decode_limits& limits) {
    const auto json = tcchat::test_oracle::parse_json(body, limits);
    if (!json) {
        const auto code = static_cast<tcchat::code>(json.error().value());
        require(code == tcchat::code::json_parse_error || code == tcchat::code::local_limit_exceeded,
                "parse_json fails with 60003 or 90005");
        return;
    }
    require(body.size() <= limits.max_body_bytes, "parse_json accepts no body over max_body_bytes");
    require(container_depth(*json) <= limits.max_depth, "parse_json accepts no nesting over max_depth");
}

/// Both decoders give the same value, or the same error word for word.
template <class T>
bool same_outcome(const tcchat::result<T>& a, const tcchat::result<T>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (a) return tcchat::encode(*a) == tcchat::encode(*b);
    return a.error().code == b.error().code && a.error().pointer == b.error().pointer &&
           a.error().message == b.error().message;
}

template <class T>
tcchat::result<T> decode_whole_dom(std::string_view body, const tcchat::decode_limits& limits) {
    auto json = tcchat::test_oracle::parse_json(body, limits);
    if (!json) return json.error();
    return tcchat::test_oracle::decode_value<T>(*json, limits);
}

template <class T>
void check_decode(std::string_view body, const tcchat::decode_limits& limits) {
    const auto limited = tcchat::decode<T>(body, limits);
    const auto unlimited = tcchat::decode<T>(body);
    require(same_outcome(limited, tcchat::test_oracle::decode_dom<T>(body, limits)), "decode and decode_dom agree under tiny limits");
    require(same_outcome(limited, decode_whole_dom<T>(body, limits)), "decode and the whole DOM agree under tiny limits");
    require(same_outcome(unlimited, tcchat::test_oracle::decode_dom<T>(body)), "decode and decode_dom agree under the defaults");
    if (limited) {
        require(body.size() <= limits.max_body_bytes, "decode accepts no body over max_body_bytes");
        require(within_limits(*limited, limits), "a decoded value respects max_array_items and max_string_bytes");
        require(unlimited.has_value() && tcchat::encode(*unlimited) == tcchat::encode(*limited),
                "limits never change a decoded value");
        return;
    }
    tcchat_fuzz::require_documented_decode_error(limited.error());
    if (limited.error().value() == static_cast<int>(tcchat::code::local_limit_exceeded)) return;
    // Tighter limits stop no later than the defaults, so a syntax or shape error is met first under both.
    require(!unlimited.has_value() && unlimited.error().code == limited.error().code &&
                unlimited.error().pointer == limited.error().pointer,
            "a 60003 or 50002 under tight limits is the same error under the defaults");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = tcchat_fuzz::split_selector(data, size);
    if (!input) return 0;
    const tcchat::decode_limits limits = tiny_limits();
    check_parse_json(input->body, limits);
    const bool request = (input->selector >> tcchat_fuzz::first_flag_bit & 1) != 0;
    tcchat_fuzz::with_selected_endpoint(input->selector, [&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        if (request) check_decode<typename endpoint_type::request>(input->body, limits);
        else check_decode<typename endpoint_type::response>(input->body, limits);
    });
    return 0;
}
