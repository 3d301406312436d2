#pragma once
// What the SAX handler knows of a type: its wire shape and the operations that fill a value of it, built at
// compile time from Boost.Describe metadata (one table per type), and compile-time bounds of a root type.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/detail/codec/integers.hpp>
#include <tcchat/detail/codec/reflect.hpp>
#include <tcchat/detail/codec/sax/keys.hpp>
#include <tcchat/detail/codec/sax/scratch.hpp>
#include <tcchat/standard_mark.hpp>

#include <boost/endian/conversion.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <new>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace detail::sax {


/// The wire shape of a member type, as dom_decoder::decode classifies it.
enum class shape : std::uint8_t { integer, string, mark, array, object, optional };

struct type_ops;

/// Where the next value goes: its type's operations and the object to fill (nullptr ops: skip the value).
struct slot {
    const type_ops* ops;
    void* target;
};

/// Type-erased operations for one member type, generated at compile time from the Describe metadata.
struct type_ops {
    shape kind;
    // integer and enum (accepts_numeric_string)
    std::string_view integer_name;
    bool is_signed;
    bool accepts_numeric_string;
    bool (*from_int64)(void*, std::int64_t) noexcept;
    bool (*from_uint64)(void*, std::uint64_t) noexcept;
    bool (*from_digits)(void*, bool negative, std::uint64_t magnitude) noexcept;
    // optional
    const type_ops* value;
    void* (*emplace)(void*);
    void (*reset)(void*) noexcept;
    // array
    const type_ops* element;
    void* (*push)(void* scratch);
    void (*commit)(void* target, void* scratch);
    void (*clear)(void* scratch) noexcept;
    std::size_t scratch_size;
    std::size_t scratch_align;
    void (*construct_scratch)(void* storage);
    void (*destroy_scratch)(void* scratch) noexcept;
    // object
    const std::string_view* names;
    std::size_t (*find)(std::string_view key) noexcept; ///< the member named `key`, or no_member
    std::size_t member_count;
    std::uint64_t required;  ///< bit i: member i is not optional
    std::uint64_t optionals; ///< bit i: member i is optional
    // A member is a type and an address, fetched apart: a slot returned by value from an indirect call was stored
    // to the stack as two words and read back as one 16-byte load, a store-forwarding stall
    // (docs/design-decisions.md §9).
    const type_ops* const* member_types;
    void* (*member_address)(void* object, std::size_t index) noexcept;
    void (*reset_absent)(void* object, std::uint64_t absent) noexcept;
    // object and array: a scalar token stored in one typed call when the member (object: member `index`) or the
    // new item (array: `at` is its scratch) takes it as it is; see store_scalar
    bool (*store_text)(void* at, std::size_t index, std::string_view text);
    bool (*store_int64)(void* at, std::size_t index, std::int64_t value);
    bool (*store_uint64)(void* at, std::size_t index, std::uint64_t value);
};

template <class T>
constexpr type_ops make_ops();

template <class T>
inline constexpr type_ops ops_of = make_ops<T>();

template <class T, class D>
using member_type_t = remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>;

template <class T>
using member_list = boost::mp11::mp_rename<wire_members<T>, boost::mp11::mp_list>;

template <class T>
constexpr bool is_scalar_v = std::is_same_v<T, std::string> || std::is_same_v<T, standard_mark> ||
                             std::is_enum_v<T> || is_integer_v<T>;

/// The integer type a wire enum or integer is stored as.
template <class T>
using integer_of_t = typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::enable_if<true, T>>::type;

template <class Int>
struct integer_access {
    template <class Source>
    static bool from(void* target, Source value) noexcept {
        Int out{};
        if (!fits_integer(value, out)) return false;
        std::memcpy(target, &out, sizeof out); // the target may be an enum whose underlying type is Int
        return true;
    }
    static bool from_int64(void* target, std::int64_t value) noexcept { return from(target, value); }
    static bool from_uint64(void* target, std::uint64_t value) noexcept { return from(target, value); }
    /// The value of a numeric string, as std::from_chars would give it: false when out of range.
    static bool from_digits(void* target, bool negative, std::uint64_t magnitude) noexcept {
        if (!negative) return from(target, magnitude);
        if constexpr (std::is_unsigned_v<Int>) {
            return false;
        } else {
            const auto limit = static_cast<std::uint64_t>(std::numeric_limits<Int>::max()) + 1u;
            if (magnitude > limit) return false;
            const std::int64_t value = magnitude == 0 ? 0 : -static_cast<std::int64_t>(magnitude - 1) - 1;
            return from(target, value);
        }
    }
};

template <class O>
struct optional_access {
    static void* emplace(void* target) { return &static_cast<O*>(target)->emplace(); }
    static void reset(void* target) noexcept { static_cast<O*>(target)->reset(); }
};

/// standard_mark::parse for the common case, 8 characters at a time. False when the text is not [01]* with
/// at most 64 significant bits: standard_mark::parse then produces the error (the accepted set is the same).
inline bool parse_mark_fast(std::string_view text, std::uint64_t& out) noexcept {
    std::size_t at = 0;
    while (at < text.size() && text[at] == '0') ++at; // leading zeros are not counted (docs/protocol.md §4.2)
    const std::size_t significant = text.size() - at;
    if (significant > standard_mark::bit_count) return false;
    std::uint64_t value = 0;
    if constexpr (boost::endian::order::native == boost::endian::order::little) {
        for (; at + 8 <= text.size(); at += 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, text.data() + at, 8);
            if ((chunk & 0xFEFEFEFEFEFEFEFEu) != 0x3030303030303030u) return false;
            // Bit 0 of byte k (character k) moves to bit 7 - k of the top byte: the first character is the MSB.
            value = (value << 8) | (((chunk - 0x3030303030303030u) * 0x8040201008040201u) >> 56);
        }
    }
    for (; at < text.size(); ++at) {
        const char c = text[at];
        if (c != '0' && c != '1') return false;
        value = (value << 1) | static_cast<std::uint64_t>(c - '0');
    }
    out = value;
    return true;
}

/// A member's value from one scalar token, in one typed step: the common case of a decode (a string, a mark or
/// an integer, or an optional of one) without a slot, an optional engaged through a pointer, or a shape switch.
/// False, with the member untouched, for anything else: another shape, a number out of range, a mark that
/// standard_mark::parse must judge. The handler then takes its general path, which also words the error.
/// With the lookup in keys.hpp, this took the 1,000-item get_contact_group page from 267 to 245 µs.
template <class Member, class Token>
bool store_scalar(Member& member, Token token) {
    if constexpr (is_optional<Member>::value) {
        using value_type = typename Member::value_type;
        if constexpr (std::is_same_v<value_type, std::string> && std::is_same_v<Token, std::string_view>) {
            member.emplace(token.data(), token.size());
            return true;
        } else if constexpr (is_scalar_v<value_type>) {
            value_type value{};
            if (!store_scalar(value, token)) return false;
            member.emplace(std::move(value));
            return true;
        } else {
            return false;
        }
    } else if constexpr (std::is_same_v<Token, std::string_view>) {
        if constexpr (std::is_same_v<Member, std::string>) {
            member.assign(token.data(), token.size());
            return true;
        } else if constexpr (std::is_same_v<Member, standard_mark>) {
            std::uint64_t bits = 0;
            if (!parse_mark_fast(token, bits)) return false;
            member = standard_mark(bits);
            return true;
        } else {
            return false; // numeric strings of wire enums: the general path
        }
    } else if constexpr (std::is_enum_v<Member> || is_integer_v<Member>) {
        return integer_access<integer_of_t<Member>>::from(&member, token);
    } else {
        return false;
    }
}

template <class V>
struct vector_access {
    static void construct(void* storage) { ::new (storage) array_scratch<V>(); }
    static void destroy(void* items) noexcept { static_cast<array_scratch<V>*>(items)->~array_scratch(); }
    static void* push(void* items) { return static_cast<array_scratch<V>*>(items)->push(); }
    static void commit(void* target, void* items) { static_cast<array_scratch<V>*>(items)->commit(*static_cast<V*>(target)); }
    static void clear(void* items) noexcept { static_cast<array_scratch<V>*>(items)->clear(); }
    template <class Token>
    static bool store(void* items, std::size_t, Token token) {
        using item_type = typename V::value_type;
        if constexpr (is_scalar_v<item_type>) {
            item_type item{};
            if (!store_scalar(item, token)) return false;
            *static_cast<array_scratch<V>*>(items)->push() = std::move(item);
            return true;
        } else {
            (void)items, (void)token;
            return false; // an object or array item: the general path
        }
    }
};

template <class T>
struct object_access {
    using members = member_list<T>;
    static constexpr std::size_t count = boost::mp11::mp_size<members>::value;
    static_assert(count <= 64, "tcchat: the SAX decoder tracks at most 64 members per struct");

    template <class... D>
    static constexpr std::array<std::string_view, sizeof...(D)> make_names(boost::mp11::mp_list<D...>) {
        return {{std::string_view(D::name)...}};
    }
    static constexpr std::array<std::string_view, count> names = make_names(members{});

    static std::size_t find(std::string_view key) noexcept {
        return find_member(key, members{}, std::make_index_sequence<count>{});
    }

    template <class... D>
    static constexpr std::uint64_t make_mask(boost::mp11::mp_list<D...>, bool optional) {
        std::uint64_t mask = 0, bit = 1;
        ((mask |= (is_optional<member_type_t<T, D>>::value == optional ? bit : 0), bit <<= 1), ...);
        return mask;
    }

    template <class... D>
    static constexpr std::array<const type_ops*, sizeof...(D)> make_types(boost::mp11::mp_list<D...>) {
        return {{&ops_of<member_type_t<T, D>>...}};
    }
    static constexpr std::array<const type_ops*, count> types = make_types(members{});

    /// f(member `index` of the object), the member typed; `none` for a struct without members.
    template <class R, class F>
    static R visit_member(void* object, std::size_t index, R none, F f) {
        if constexpr (count == 0) {
            (void)object, (void)index, (void)f;
            return none;
        } else {
            T& out = *static_cast<T*>(object);
            return boost::mp11::mp_with_index<count>(index, [&](auto i) -> R {
                using D = boost::mp11::mp_at_c<members, decltype(i)::value>;
                return f(out.*D::pointer);
            });
        }
    }

    static void* address(void* object, std::size_t index) noexcept {
        return visit_member<void*>(object, index, nullptr, [](auto& member) { return static_cast<void*>(&member); });
    }

    template <class Token>
    static bool store(void* object, std::size_t index, Token token) {
        return visit_member<bool>(object, index, false, [&](auto& member) { return store_scalar(member, token); });
    }

    static void reset_absent(void* object, std::uint64_t absent) noexcept {
        T& out = *static_cast<T*>(object);
        boost::mp11::mp_for_each<boost::mp11::mp_iota_c<count>>([&](auto i) {
            using D = boost::mp11::mp_at_c<members, decltype(i)::value>;
            if constexpr (is_optional<member_type_t<T, D>>::value)
                if ((absent >> decltype(i)::value) & 1u) (out.*D::pointer).reset();
        });
    }
};

template <class T>
constexpr type_ops make_ops() {
    type_ops ops{};
    if constexpr (is_optional<T>::value) {
        ops.kind = shape::optional;
        ops.value = &ops_of<typename T::value_type>;
        ops.emplace = &optional_access<T>::emplace;
        ops.reset = &optional_access<T>::reset;
    } else if constexpr (is_vector<T>::value) {
        ops.kind = shape::array;
        ops.element = &ops_of<typename T::value_type>;
        ops.push = &vector_access<T>::push;
        ops.commit = &vector_access<T>::commit;
        ops.clear = &vector_access<T>::clear;
        ops.scratch_size = sizeof(array_scratch<T>);
        ops.scratch_align = alignof(array_scratch<T>);
        ops.construct_scratch = &vector_access<T>::construct;
        ops.destroy_scratch = &vector_access<T>::destroy;
        ops.store_text = &vector_access<T>::template store<std::string_view>;
        ops.store_int64 = &vector_access<T>::template store<std::int64_t>;
        ops.store_uint64 = &vector_access<T>::template store<std::uint64_t>;
    } else if constexpr (std::is_same_v<T, std::string>) {
        ops.kind = shape::string;
    } else if constexpr (std::is_same_v<T, standard_mark>) {
        ops.kind = shape::mark;
    } else if constexpr (std::is_enum_v<T> || is_integer_v<T>) {
        using Int = integer_of_t<T>;
        static_assert(sizeof(Int) == sizeof(T));
        ops.kind = shape::integer;
        ops.integer_name = integer_type_name<Int>();
        ops.is_signed = std::is_signed_v<Int>;
        ops.accepts_numeric_string = std::is_enum_v<T>; // wire enums only (docs/protocol.md §6.2)
        ops.from_int64 = &integer_access<Int>::from_int64;
        ops.from_uint64 = &integer_access<Int>::from_uint64;
        ops.from_digits = &integer_access<Int>::from_digits;
    } else {
        static_assert(is_described<T>::value, "tcchat: no JSON decoding for this member type");
        using access = object_access<T>;
        ops.kind = shape::object;
        ops.names = access::names.data();
        ops.find = &access::find;
        ops.member_count = access::count;
        ops.required = access::make_mask(typename access::members{}, false);
        ops.optionals = access::make_mask(typename access::members{}, true);
        ops.member_types = access::types.data();
        ops.member_address = &access::address;
        ops.reset_absent = &access::reset_absent;
        ops.store_text = &access::template store<std::string_view>;
        ops.store_int64 = &access::template store<std::int64_t>;
        ops.store_uint64 = &access::template store<std::uint64_t>;
    }
    return ops;
}

// Compile-time facts about a root type, checked against the handler's fixed capacities: how deep its typed
// containers nest, how many vector members it holds (a bound on the scratches it needs), the longest key.

template <class T>
constexpr std::size_t typed_depth();

template <class T, class... D>
constexpr std::size_t deepest_member(boost::mp11::mp_list<D...>) {
    std::size_t deepest = 0;
    ((deepest = deepest < typed_depth<member_type_t<T, D>>() ? typed_depth<member_type_t<T, D>>() : deepest), ...);
    return deepest;
}

template <class T>
constexpr std::size_t typed_depth() {
    if constexpr (is_optional<T>::value) return typed_depth<typename T::value_type>();
    else if constexpr (is_vector<T>::value) return 1 + typed_depth<typename T::value_type>();
    else if constexpr (is_scalar_v<T>) return 0;
    else return 1 + deepest_member<T>(member_list<T>{});
}

template <class T>
constexpr std::size_t vector_count();

template <class T, class... D>
constexpr std::size_t member_vector_count(boost::mp11::mp_list<D...>) {
    return (std::size_t{0} + ... + vector_count<member_type_t<T, D>>());
}

template <class T>
constexpr std::size_t vector_count() {
    if constexpr (is_optional<T>::value) return vector_count<typename T::value_type>();
    else if constexpr (is_vector<T>::value) return 1 + vector_count<typename T::value_type>();
    else if constexpr (is_scalar_v<T>) return 0;
    else return member_vector_count<T>(member_list<T>{});
}

template <class T>
constexpr std::size_t longest_key();

template <class T, class... D>
constexpr std::size_t longest_member_key(boost::mp11::mp_list<D...>) {
    const std::size_t lengths[] = {0, std::string_view(D::name).size()..., longest_key<member_type_t<T, D>>()...};
    std::size_t longest = 0;
    for (std::size_t length : lengths) longest = length > longest ? length : longest;
    return longest;
}

template <class T>
constexpr std::size_t longest_key() {
    if constexpr (is_optional<T>::value || is_vector<T>::value) return longest_key<typename T::value_type>();
    else if constexpr (is_scalar_v<T>) return 0;
    else return longest_member_key<T>(member_list<T>{});
}

} // namespace detail::sax
TCCHAT_NAMESPACE_END
