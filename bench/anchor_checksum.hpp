#pragma once
// One checksum over a decoded message, so that every anchor's result can be compared with tcchat's before it is
// timed: FNV-1a 64 over every member in wire order (base-class members first). bench/serde_anchor/src/lib.rs
// computes the same over its Rust structs.
//
//   integer or wire enum   its value as 8 bytes little-endian (signed types sign-extended to 64 bits)
//   standard_mark          its 64 bits, as an integer
//   std::string            its length (as an integer), then its bytes
//   std::vector            its length, then its items
//   std::optional          one byte: 0 when absent; 1, then the value
//   described struct       its members, in order

#include <tcchat/detail/codec/reflect.hpp>
#include <tcchat/standard_mark.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace tcchat_bench {

class fnv1a {
public:
    void bytes(const void* data, std::size_t size) noexcept {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) hash_ = (hash_ ^ p[i]) * 0x100000001b3u;
    }
    void integer(std::uint64_t value) noexcept {
        unsigned char little_endian[8];
        for (int i = 0; i < 8; ++i) little_endian[i] = static_cast<unsigned char>(value >> (8 * i));
        bytes(little_endian, sizeof little_endian);
    }
    std::uint64_t value() const noexcept { return hash_; }

private:
    std::uint64_t hash_ = 0xcbf29ce484222325u;
};

template <class T>
void feed(fnv1a& h, const T& value) {
    namespace detail = tcchat::detail;
    if constexpr (detail::is_optional<T>::value) {
        const unsigned char tag = value ? 1 : 0;
        h.bytes(&tag, 1);
        if (value) feed(h, *value);
    } else if constexpr (detail::is_vector<T>::value) {
        h.integer(value.size());
        for (const auto& item : value) feed(h, item);
    } else if constexpr (std::is_same_v<T, std::string>) {
        h.integer(value.size());
        h.bytes(value.data(), value.size());
    } else if constexpr (std::is_same_v<T, tcchat::standard_mark>) {
        h.integer(value.bits());
    } else if constexpr (std::is_enum_v<T>) {
        h.integer(static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::underlying_type_t<T>>(value))));
    } else if constexpr (detail::is_integer_v<T> && std::is_signed_v<T>) {
        h.integer(static_cast<std::uint64_t>(static_cast<std::int64_t>(value)));
    } else if constexpr (detail::is_integer_v<T>) {
        h.integer(static_cast<std::uint64_t>(value));
    } else {
        detail::for_each_member(value, [&](std::string_view, const auto& member) { feed(h, member); });
    }
}

template <class T>
std::uint64_t checksum(const T& value) {
    fnv1a h;
    feed(h, value);
    return h.value();
}

} // namespace tcchat_bench
