#pragma once
// Member lookup for the SAX decoder: a key is compared only with the names of its length, each at a length known
// at compile time, so a comparison is one or two word loads and no loop.

#include <tcchat/version.hpp>
#include <tcchat/detail/codec/byte_scan.hpp>

#include <boost/mp11/list.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

TCCHAT_NAMESPACE_BEGIN
namespace detail::sax {

inline constexpr std::size_t no_member = static_cast<std::size_t>(-1);

/// The N bytes at `key` are those at `name`. From 8 bytes up: words, the last one overlapping the one before it;
/// from 4: two 4-byte loads, overlapping; below that, bytes.
template <std::size_t N>
inline bool same_bytes(const char* key, const char* name) noexcept {
    if constexpr (N >= 8) {
        for (std::size_t at = 0; at + 8 < N; at += 8)
            if (load_word(key + at) != load_word(name + at)) return false;
        return load_word(key + N - 8) == load_word(name + N - 8);
    } else if constexpr (N >= 4) {
        std::uint32_t first[2], last[2];
        std::memcpy(&first[0], key, 4), std::memcpy(&first[1], name, 4);
        std::memcpy(&last[0], key + N - 4, 4), std::memcpy(&last[1], name + N - 4, 4);
        return first[0] == first[1] && last[0] == last[1];
    } else {
        for (std::size_t at = 0; at < N; ++at)
            if (key[at] != name[at]) return false;
        return true;
    }
}

/// The index of the member whose name is `key` (no_member: none). D... are Boost.Describe member descriptors.
/// The members are tried in declaration order, each costing one length compare unless the lengths match: cheaper
/// than a word of length and first bytes per name and then a byte loop over the tail (docs/design-decisions.md §9).
template <class... D, std::size_t... I>
inline std::size_t find_member(std::string_view key, boost::mp11::mp_list<D...>, std::index_sequence<I...>) noexcept {
    std::size_t found = no_member;
    (void)((key.size() == std::string_view(D::name).size() &&
                    same_bytes<std::string_view(D::name).size()>(key.data(), D::name)
                ? (found = I, true)
                : false) ||
           ...);
    return found;
}

} // namespace detail::sax
TCCHAT_NAMESPACE_END
