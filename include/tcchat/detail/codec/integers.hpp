#pragma once
// How both decoders read integers: the range of each C++ type, and the numeric strings wire enums accept
// (docs/protocol.md §6.2).

#include <tcchat/version.hpp>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <type_traits>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

template <class Int>
constexpr std::string_view integer_type_name() noexcept {
    if constexpr (std::is_signed_v<Int>) return sizeof(Int) == 8 ? "int64" : "int32";
    else return sizeof(Int) == 8 ? "uint64" : "uint32";
}

/// Range-checked conversion of a parsed integer; false when it does not fit Int.
template <class Int, class Source>
bool fits_integer(Source value, Int& out) noexcept {
    if constexpr (std::is_signed_v<Source>) {
        if (value < 0) {
            if constexpr (std::is_unsigned_v<Int>) return false;
            else if (value < static_cast<Source>(std::numeric_limits<Int>::min())) return false;
        } else if (static_cast<std::uint64_t>(value) > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
            return false;
        }
    } else if (value > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
        return false;
    }
    out = static_cast<Int>(value);
    return true;
}

/// A numeric string for a wire enum: optional '-' (signed types only) and digits, nothing else.
template <class Int>
bool parse_numeric_string(std::string_view text, Int& out) noexcept {
    if (text.empty()) return false;
    if (text.front() == '-' && std::is_unsigned_v<Int>) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace detail
TCCHAT_NAMESPACE_END
