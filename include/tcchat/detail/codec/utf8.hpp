#pragma once
// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.

#include <tcchat/version.hpp>
#include <tcchat/detail/codec/byte_scan.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// What one pass over a string finds: the first NUL byte and the first byte that breaks UTF-8 (npos: none).
struct text_scan {
    std::size_t first_nul = std::string_view::npos;
    std::size_t first_invalid = std::string_view::npos;
};

/// The length of `text`'s leading run of ASCII bytes other than NUL: the whole text, for nearly every account,
/// group name and mark. Eight bytes at a time, until a word holds a byte >= 0x80 or a zero byte (Mycroft's
/// test); then byte by byte.
inline std::size_t plain_prefix(std::string_view text) noexcept {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        const std::uint64_t word = load_word(bytes + i);
        if (any_byte_outside_ascii(word) || any_byte_equal(word, 0)) break;
    }
    while (i < size && bytes[i] != 0 && bytes[i] < 0x80) ++i;
    return i;
}

inline text_scan scan_text(std::string_view text) noexcept {
    text_scan found;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t i = plain_prefix(text);
    while (i < size) {
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            if (lead == 0 && found.first_nul == std::string_view::npos) found.first_nul = i;
            ++i;
            continue;
        }
        if (found.first_invalid != std::string_view::npos) {
            ++i; // only NULs are still of interest
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF; // allowed range of the second byte
        if (lead >= 0xC2 && lead <= 0xDF) length = 2;
        else if (lead == 0xE0) length = 3, low = 0xA0;
        else if (lead >= 0xE1 && lead <= 0xEC) length = 3;
        else if (lead == 0xED) length = 3, high = 0x9F; // excludes the surrogates U+D800..U+DFFF
        else if (lead >= 0xEE && lead <= 0xEF) length = 3;
        else if (lead == 0xF0) length = 4, low = 0x90;
        else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
        else if (lead == 0xF4) length = 4, high = 0x8F; // nothing above U+10FFFF
        bool valid = length != 0 && i + length <= size && bytes[i + 1] >= low && bytes[i + 1] <= high;
        for (std::size_t k = 2; valid && k < length; ++k) valid = (bytes[i + k] & 0xC0) == 0x80;
        if (!valid) {
            found.first_invalid = i;
            ++i;
            continue;
        }
        i += length;
    }
    return found;
}

/// The offset of the first byte that breaks UTF-8, or npos when the text is well formed.
inline std::size_t find_invalid_utf8(std::string_view text) noexcept { return scan_text(text).first_invalid; }

} // namespace detail
TCCHAT_NAMESPACE_END
