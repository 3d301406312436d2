#pragma once
// Key matching for the SAX decoder: a key's length and first bytes packed in one word, compared before the tail.

#include <cstdint>
#include <cstring>
#include <string_view>

#include <boost/endian/conversion.hpp>

namespace tcchat::detail::sax {

/// A key's length and first 7 bytes in one word: the member lookup compares words, then only the tails of
/// keys longer than 7 bytes.
constexpr std::uint64_t key_signature(std::string_view key) noexcept {
    std::uint64_t signature = static_cast<std::uint64_t>(key.size() < 255 ? key.size() : 255) << 56;
    for (std::size_t k = 0; k < key.size() && k < 7; ++k)
        signature |= static_cast<std::uint64_t>(static_cast<unsigned char>(key[k])) << (8 * k);
    return signature;
}

/// The runtime twin of key_signature, with one 8-byte load for keys of 8 bytes or more.
inline std::uint64_t runtime_key_signature(std::string_view key) noexcept {
    if (key.size() < 8) return key_signature(key);
    std::uint64_t first;
    std::memcpy(&first, key.data(), 8);
    if constexpr (boost::endian::order::native == boost::endian::order::little) {
        const std::uint64_t length = key.size() < 255 ? key.size() : 255;
        return (first & 0x00FFFFFFFFFFFFFFu) | (length << 56);
    } else {
        return key_signature(key);
    }
}

} // namespace tcchat::detail::sax
