#pragma once
// What the fuzz harnesses share: a failure every engine reports, the selector byte that picks an endpoint,
// the documented shape of a decode error, and the encode/decode round-trip property.

#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>

#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace tcchat_fuzz {

/// Stops the run when an invariant breaks. A trap rather than an exception or assert(): libFuzzer, AFL++
/// and the replay driver all report it as a crash with the input, and NDEBUG cannot switch it off.
inline void require(bool holds, const char* invariant) {
    if (holds) return;
    std::fprintf(stderr, "tcchat fuzz invariant violated: %s\n", invariant);
    std::fflush(stderr);
    __builtin_trap();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const char*>(data), size};
}

/// An input whose first byte chooses what the rest is decoded as.
struct selected_input {
    std::uint8_t selector;
    std::string_view body;
};

inline std::optional<selected_input> split_selector(const std::uint8_t* data, std::size_t size) noexcept {
    if (size == 0) return std::nullopt;
    return selected_input{data[0], as_text(data + 1, size - 1)};
}

inline constexpr std::size_t endpoint_count = boost::mp11::mp_size<tcchat::all_endpoints>::value;

/// The low bits of a selector byte pick the endpoint, and each harness's own flags start above them: with room
/// for 16 endpoints, a new one renumbers no corpus seed (fuzz/make_seeds.py writes the same layout).
inline constexpr unsigned endpoint_bits = 4;
inline constexpr std::uint8_t endpoint_mask = (1u << endpoint_bits) - 1;
/// The lowest bit a harness may use for its own flags.
inline constexpr unsigned first_flag_bit = endpoint_bits;
static_assert(endpoint_count <= (1u << endpoint_bits),
              "tcchat fuzz: more endpoints than the selector's endpoint bits hold; widen endpoint_bits and re-run make_seeds.py");

/// Calls visit(Endpoint{}) for entry `(selector & endpoint_mask) % endpoint_count` of tcchat::all_endpoints:
/// every byte selects some endpoint, and the seeds' values, below endpoint_count, select their own.
template <class Visitor>
void with_selected_endpoint(std::uint8_t selector, Visitor&& visit) {
    boost::mp11::mp_with_index<endpoint_count>((selector & endpoint_mask) % endpoint_count, [&](auto index) {
        visit(boost::mp11::mp_at_c<tcchat::all_endpoints, decltype(index)::value>{});
    });
}

inline bool is_json_pointer(std::string_view pointer) noexcept { return pointer.empty() || pointer.front() == '/'; }

/// codec.hpp's promise: 60003 for text that is not JSON, 50002 for a wrong shape, 90005 for a limit.
inline void require_documented_decode_error(const tcchat::error& failure) {
    const auto code = static_cast<tcchat::code>(failure.value());
    require(code == tcchat::code::json_parse_error || code == tcchat::code::invalid_parameters ||
                code == tcchat::code::local_limit_exceeded,
            "a decode error has code 60003, 50002 or 90005");
    require(failure.code.category() == tcchat::error_category(), "a decode error is in the tcchat category");
    require(failure.origin == tcchat::error_origin::decode, "a decode error has origin decode");
    require(is_json_pointer(failure.pointer), "a decode error's pointer is empty or starts with '/'");
    require(!failure.message.empty(), "a decode error explains itself");
}

template <class T>
struct round_trip {
    T decoded;   ///< from the fuzzed body
    T redecoded; ///< from the encoding of `decoded`
};

/// Decodes `body` as T. A failure must be a documented decode error (nullopt is returned); a success must
/// survive encode -> decode with a byte-identical second encoding. The models have no operator==, and two
/// values are equal exactly when their canonical encodings are.
template <class T>
std::optional<round_trip<T>> decode_and_round_trip(std::string_view body) {
    auto decoded = tcchat::decode<T>(body);
    if (!decoded) {
        require_documented_decode_error(decoded.error());
        return std::nullopt;
    }
    const std::string encoded = tcchat::encode(*decoded);
    auto redecoded = tcchat::decode<T>(encoded);
    require(redecoded.has_value(), "the encoding of a decoded value decodes");
    require(tcchat::encode(*redecoded) == encoded, "decode(encode(x)) encodes byte-identically to x");
    return round_trip<T>{std::move(*decoded), std::move(*redecoded)};
}

} // namespace tcchat_fuzz
