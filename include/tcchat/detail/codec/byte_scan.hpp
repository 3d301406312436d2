#pragma once
// Eight bytes at a time: tests over a 64-bit word that hold when some byte of it qualifies (Mycroft's zero-byte
// test). The scans of text that is nearly always plain ASCII (validation, escaping) use them to skip it a word at
// a time, then look at the bytes of the word that stopped them one by one.

#include <tcchat/version.hpp>
#include <cstdint>
#include <cstring>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// A word whose eight bytes are all `byte`.
constexpr std::uint64_t every_byte(unsigned char byte) noexcept { return 0x0101010101010101u * byte; }

/// Some byte of `word` is below `limit` (limit at most 0x80, where the test is exact).
constexpr bool any_byte_below(std::uint64_t word, unsigned char limit) noexcept {
    return ((word - every_byte(limit)) & ~word & every_byte(0x80)) != 0;
}

/// Some byte of `word` equals `value`.
constexpr bool any_byte_equal(std::uint64_t word, unsigned char value) noexcept {
    return any_byte_below(word ^ every_byte(value), 1);
}

/// Some byte of `word` is 0x80 or above: outside ASCII.
constexpr bool any_byte_outside_ascii(std::uint64_t word) noexcept { return (word & every_byte(0x80)) != 0; }

/// The eight bytes at `bytes`, which need no alignment.
inline std::uint64_t load_word(const void* bytes) noexcept {
    std::uint64_t word;
    std::memcpy(&word, bytes, sizeof word);
    return word;
}

} // namespace detail
TCCHAT_NAMESPACE_END
