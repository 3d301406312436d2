#pragma once
// Decoding of described structs straight from Boost.JSON's SAX parser (basic_parser): no DOM is built.
//
// The semantics are those of dom_decoder.hpp, and tests/test_sax_decoder.cpp compares the two on every
// sample, every truncation and many mutations. What makes that parity hold although a SAX handler sees the
// document in text order while the DOM decoder walks members in declaration order:
//
// - A type error never stops the parser. The failed value's subtree is skipped, the error is parked, and
//   parsing goes on to the end, so a later syntax or depth error still wins, as it does when the DOM is
//   parsed first.
// - Parked errors are ranked the way the DOM walk meets them. Each open object keeps at most one error per
//   member (a duplicate key forgets the error of the occurrence it overrides: the last one wins), and when the
//   object closes, the first member in declaration order that failed or is missing is the object's error.
//   An array keeps its first failing item and skips the rest; its own limit error outranks its items, since
//   the DOM decoder checks the size before the items. The winner moves up one level at a time.
// - Limits are enforced while tokens arrive: a string past max_string_bytes stops growing at once and is
//   only counted, so that the message gives its full size like the DOM's; items past max_array_items are
//   counted and skipped. Keys are never stored (a fixed buffer holds a split key up to the longest member
//   name); unknown keys and their subtrees are skipped at the token level.
// - Absent optional members are reset when their object closes, as the DOM decoder resets them (this
//   matters for defaults such as get_list_request::AssistFlags = 63).
//
// Array items are decoded into a scratch vector per vector type, reused for every array of that type, and
// moved into the member at the array's end: one exact-size allocation per non-empty vector, whatever its
// length, instead of a reallocation every time std::vector doubles. Short arrays never touch the heap
// before that allocation; a long one costs the scratch O(log length) allocations once per decode (see
// array_scratch::commit for how a page avoids the final copy).

#include <tcchat/config.hpp>
#include <tcchat/detail/dom_decoder.hpp>
#include <tcchat/detail/json_pointer.hpp>
#include <tcchat/detail/reflect.hpp>
#include <tcchat/error.hpp>
#include <tcchat/standard_mark.hpp>

#include <boost/assert.hpp>
#include <boost/endian/conversion.hpp>
#include <boost/json/array.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/string.hpp>
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

namespace tcchat::detail {
namespace sax {

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
    const std::uint64_t* signatures; ///< key_signature of each name
    std::size_t member_count;
    std::uint64_t required;  ///< bit i: member i is not optional
    std::uint64_t optionals; ///< bit i: member i is optional
    slot (*member)(void* object, std::size_t index) noexcept;
    void (*reset_absent)(void* object, std::uint64_t absent) noexcept;
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

/// Where the items of an array of type V are decoded before they move into the member. The first few live in
/// inline storage (no allocation for the short arrays most bodies carry); more spill into a vector that is
/// reused for every array of type V in the document.
template <class V>
class array_scratch {
public:
    using item = typename V::value_type;
    static constexpr std::size_t inline_capacity = sizeof(item) * 2 > 512 ? 2 : 512 / sizeof(item);

    array_scratch() noexcept {}
    array_scratch(const array_scratch&) = delete;
    array_scratch& operator=(const array_scratch&) = delete;
    ~array_scratch() { clear(); }

    item* push() {
        if (!spilled_) {
            if (inline_size_ < inline_capacity) return ::new (static_cast<void*>(inline_item(inline_size_++))) item();
            spill_.reserve(inline_capacity * 4 > 16 ? inline_capacity * 4 : 16);
            for (std::size_t i = 0; i < inline_size_; ++i) spill_.push_back(std::move(*inline_item(i)));
            destroy_inline();
            spilled_ = true;
        }
        return &spill_.emplace_back();
    }

    /// The member gets exactly the items, moved. A long, nearly full spill vector (a page of items) becomes the
    /// member instead: no copy, and no second buffer of the page's size at the peak, for at most 1/8 of unused
    /// capacity.
    void commit(V& member) {
        if (!spilled_) {
            member.assign(std::make_move_iterator(inline_item(0)), std::make_move_iterator(inline_item(inline_size_)));
            destroy_inline();
            return;
        }
        if (spill_.size() >= 256 && spill_.capacity() - spill_.size() <= spill_.size() / 8)
            member.swap(spill_);
        else
            member.assign(std::make_move_iterator(spill_.begin()), std::make_move_iterator(spill_.end()));
        spill_.clear();
        spilled_ = false;
    }

    void clear() noexcept {
        destroy_inline();
        spill_.clear();
        spilled_ = false;
    }

private:
    item* inline_item(std::size_t i) noexcept {
        return std::launder(reinterpret_cast<item*>(storage_)) + i;
    }
    void destroy_inline() noexcept {
        for (std::size_t i = 0; i < inline_size_; ++i) inline_item(i)->~item();
        inline_size_ = 0;
    }

    alignas(item) unsigned char storage_[inline_capacity * sizeof(item)];
    std::size_t inline_size_ = 0;
    bool spilled_ = false;
    V spill_;
};

template <class V>
struct vector_access {
    static void construct(void* storage) { ::new (storage) array_scratch<V>(); }
    static void destroy(void* items) noexcept { static_cast<array_scratch<V>*>(items)->~array_scratch(); }
    static void* push(void* items) { return static_cast<array_scratch<V>*>(items)->push(); }
    static void commit(void* target, void* items) { static_cast<array_scratch<V>*>(items)->commit(*static_cast<V*>(target)); }
    static void clear(void* items) noexcept { static_cast<array_scratch<V>*>(items)->clear(); }
};

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

    static constexpr std::array<std::uint64_t, count> make_signatures() {
        std::array<std::uint64_t, count> out{};
        for (std::size_t i = 0; i < count; ++i) out[i] = key_signature(names[i]);
        return out;
    }
    static constexpr std::array<std::uint64_t, count> signatures = make_signatures();

    template <class... D>
    static constexpr std::uint64_t make_mask(boost::mp11::mp_list<D...>, bool optional) {
        std::uint64_t mask = 0, bit = 1;
        ((mask |= (is_optional<member_type_t<T, D>>::value == optional ? bit : 0), bit <<= 1), ...);
        return mask;
    }

    static slot member(void* object, std::size_t index) noexcept {
        if constexpr (count == 0) {
            (void)object, (void)index;
            return {nullptr, nullptr};
        } else {
            T& out = *static_cast<T*>(object);
            return boost::mp11::mp_with_index<count>(index, [&](auto i) {
                using D = boost::mp11::mp_at_c<members, decltype(i)::value>;
                return slot{&ops_of<member_type_t<T, D>>, static_cast<void*>(&(out.*D::pointer))};
            });
        }
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
    } else if constexpr (std::is_same_v<T, std::string>) {
        ops.kind = shape::string;
    } else if constexpr (std::is_same_v<T, standard_mark>) {
        ops.kind = shape::mark;
    } else if constexpr (std::is_enum_v<T> || is_integer_v<T>) {
        using Int = typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>,
                                                std::enable_if<true, T>>::type;
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
        ops.signatures = access::signatures.data();
        ops.member_count = access::count;
        ops.required = access::make_mask(typename access::members{}, false);
        ops.optionals = access::make_mask(typename access::members{}, true);
        ops.member = &access::member;
        ops.reset_absent = &access::reset_absent;
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

/// The incremental state of the string being received (a string may arrive in several parts).
struct string_state {
    enum class mode : std::uint8_t { skip, text, mark, digits };
    mode kind = mode::skip;
    slot at{};
    bool overflow = false;   // text: past max_string_bytes, only counted from now on
    std::uint8_t failure = 0; // mark: 1 not a binary digit, 2 more than 64 significant bits; digits: 1 invalid
    bool negative = false;
    bool any_digit = false;
    bool too_big = false;
    unsigned significant = 0;
    std::uint64_t value = 0; // mark bits, or the magnitude of a numeric string
    std::size_t fed = 0;
};

/// The basic_parser handler that fills the root slot. It knows its types only through type_ops, so one
/// basic_parser<handler> serves every root type: a program compiles Boost.JSON's parser once, not once per
/// message type. Use through sax_decoder below.
class handler {
public:
    // The same bounds as Boost.JSON's DOM parser, so both reject the same oversized documents the same way.
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    /// Bounds every root type must fit (sax_decoder checks them at compile time): typed nesting depth, and the
    /// longest member name, which is as much of a split key as is kept (a longer key is unknown anyway).
    static constexpr std::size_t frame_capacity = 8;
    static constexpr std::size_t key_capacity = 32;
    static constexpr std::size_t scratch_slots = 16; ///< vector members: one scratch per vector type

    handler(slot root, const decode_options& options) noexcept : root_(root), options_(options) {}
    ~handler() {
        for (std::size_t i = 0; i < scratch_count_; ++i) {
            scratches_[i].ops->destroy_scratch(scratches_[i].storage);
            if (scratches_[i].on_heap)
                ::operator delete(scratches_[i].storage, std::align_val_t(scratches_[i].ops->scratch_align));
        }
    }
    handler(const handler&) = delete;
    handler& operator=(const handler&) = delete;

    /// The first error in the DOM decoder's order, once the document has been parsed without syntax errors.
    bool failed() const noexcept { return !errors_.empty(); }
    error take_error() {
        BOOST_ASSERT(errors_.size() == 1 && errors_.front().depth == 0);
        return std::move(errors_.front().value);
    }

    bool on_document_begin(boost::json::error_code&) noexcept { return true; }
    bool on_document_end(boost::json::error_code&) noexcept { return true; }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_number_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }

    bool on_object_begin(boost::json::error_code&) {
        if (skip_depth_ != 0) return ++skip_depth_, true;
        slot s = next_slot();
        if (s.ops == nullptr) return skip_depth_ = 1, true;
        s = engage(s);
        if (s.ops->kind != shape::object) {
            wrong_type(*s.ops, "an object");
            return skip_depth_ = 1, true;
        }
        BOOST_ASSERT(top_ < frames_.size());
        frames_[top_++] = frame{s.ops, s.target, nullptr, npos, 0, 0, false};
        return true;
    }

    bool on_object_end(std::size_t, boost::json::error_code&) {
        if (skip_depth_ != 0) return --skip_depth_, true;
        close_object();
        return true;
    }

    bool on_array_begin(boost::json::error_code&) {
        if (skip_depth_ != 0) return ++skip_depth_, true;
        slot s = next_slot();
        if (s.ops == nullptr) return skip_depth_ = 1, true;
        s = engage(s);
        if (s.ops->kind != shape::array) {
            wrong_type(*s.ops, "an array");
            return skip_depth_ = 1, true;
        }
        void* scratch = scratch_for(s.ops);
        s.ops->clear(scratch); // a failed array may have left items behind
        BOOST_ASSERT(top_ < frames_.size());
        frames_[top_++] = frame{s.ops, s.target, scratch, 0, 0, 0, false};
        return true;
    }

    bool on_array_end(std::size_t, boost::json::error_code&) {
        if (skip_depth_ != 0) return --skip_depth_, true;
        close_array();
        return true;
    }

    bool on_key_part(boost::json::string_view part, std::size_t total, boost::json::error_code&) noexcept {
        if (skip_depth_ != 0) return true;
        if (total <= key_buffer_.size()) std::memcpy(key_buffer_.data() + (total - part.size()), part.data(), part.size());
        return true;
    }

    bool on_key(boost::json::string_view last, std::size_t total, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        std::string_view key(last.data(), last.size());
        if (total != last.size()) { // the key came in parts: the earlier ones are in the buffer
            if (total > key_buffer_.size()) {
                pending_ = {nullptr, nullptr}; // longer than every member name: unknown
                return true;
            }
            std::memcpy(key_buffer_.data() + (total - last.size()), last.data(), last.size());
            key = std::string_view(key_buffer_.data(), total);
        }
        select_member(key);
        return true;
    }

    bool on_string_part(boost::json::string_view part, std::size_t total, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        if (!in_string_) {
            begin_string();
            in_string_ = true;
        }
        feed_string(part, total);
        return true;
    }

    bool on_string(boost::json::string_view last, std::size_t total, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        if (!in_string_) {
            slot s = next_slot();
            if (s.ops == nullptr) return true;
            s = engage(s);
            if (total <= options_.max_string_bytes) { // the common cases: the string in one piece
                if (s.ops->kind == shape::string) {
                    static_cast<std::string*>(s.target)->assign(last.data(), last.size());
                    return true;
                }
                if (s.ops->kind == shape::mark) {
                    const std::string_view text(last.data(), last.size());
                    std::uint64_t bits = 0;
                    if (parse_mark_fast(text, bits)) {
                        *static_cast<standard_mark*>(s.target) = standard_mark(bits);
                        return true;
                    }
                    auto parsed = standard_mark::parse(text);
                    if (parsed) *static_cast<standard_mark*>(s.target) = *parsed;
                    else fail_value(code::invalid_parameters, std::move(parsed.error().message));
                    return true;
                }
            }
            begin_string(s);
        }
        in_string_ = false;
        feed_string(last, total);
        finish_string(total);
        return true;
    }

    bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        s = engage(s);
        if (s.ops->kind != shape::integer) return wrong_type(*s.ops, "an integer"), true;
        if (!s.ops->from_int64(s.target, value)) out_of_range(*s.ops, std::to_string(value));
        return true;
    }

    bool on_uint64(std::uint64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        s = engage(s);
        if (s.ops->kind != shape::integer) return wrong_type(*s.ops, "an integer"), true;
        if (!s.ops->from_uint64(s.target, value)) out_of_range(*s.ops, std::to_string(value));
        return true;
    }

    bool on_double(double, boost::json::string_view, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        s = engage(s);
        if (s.ops->kind != shape::integer) return wrong_type(*s.ops, "a non-integer number"), true;
        fail_value(code::invalid_parameters,
                   "expected an integer (" + std::string(s.ops->integer_name) +
                       "), found a number with a fraction, an exponent or more than 64 bits");
        return true;
    }

    bool on_bool(bool, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        wrong_type(*engage(s).ops, "a boolean");
        return true;
    }

    bool on_null(boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        if (s.ops->kind == shape::optional) s.ops->reset(s.target);
        else wrong_type(*s.ops, "null");
        return true;
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// An open typed object or array.
    struct frame {
        const type_ops* ops;
        void* target;
        void* scratch;      ///< arrays: where the items are decoded before the commit
        std::size_t index;  ///< objects: the member whose value comes next; arrays: items seen so far
        std::size_t hint;   ///< objects: where the next key is looked up first (keys usually come in order)
        std::uint64_t seen; ///< objects: members present
        bool failed;        ///< arrays: an item failed, the rest are only counted
    };

    struct parked_error {
        std::size_t depth; ///< the frame whose value slot failed (0: the root)
        std::size_t slot;  ///< objects: the member index; arrays: 0
        error value;
    };

    /// One array scratch per vector type met in the document, made on first use: in the handler's own arena
    /// while it has room (so decoding a typical body allocates nothing for it), on the heap past that.
    struct scratch_entry {
        const type_ops* ops;
        void* storage;
        bool on_heap;
    };
    static constexpr std::size_t arena_bytes = 6144;

    void* scratch_for(const type_ops* ops) {
        for (std::size_t i = 0; i < scratch_count_; ++i)
            if (scratches_[i].ops == ops) return scratches_[i].storage;
        BOOST_ASSERT(scratch_count_ < scratch_slots);
        const std::size_t start = (arena_used_ + ops->scratch_align - 1) / ops->scratch_align * ops->scratch_align;
        const bool on_heap = ops->scratch_align > alignof(std::max_align_t) || start + ops->scratch_size > arena_bytes;
        void* storage = on_heap ? ::operator new(ops->scratch_size, std::align_val_t(ops->scratch_align)) : arena_ + start;
        if (!on_heap) arena_used_ = start + ops->scratch_size;
        ops->construct_scratch(storage);
        scratches_[scratch_count_++] = scratch_entry{ops, storage, on_heap};
        return storage;
    }

    BOOST_FORCEINLINE slot next_slot() {
        if (top_ == 0) return root_;
        frame& f = frames_[top_ - 1];
        if (f.ops->kind == shape::object) return pending_;
        ++f.index;
        if (f.failed || f.index > options_.max_array_items) return {nullptr, nullptr}; // counted, not stored
        return {f.ops->element, f.ops->push(f.scratch)};
    }

    /// A non-null value fills an optional: emplace it, as the DOM decoder does before decoding.
    static BOOST_FORCEINLINE slot engage(slot s) {
        while (s.ops->kind == shape::optional) s = {s.ops->value, s.ops->emplace(s.target)};
        return s;
    }

    void select_member(std::string_view key) {
        frame& f = frames_[top_ - 1];
        const type_ops& ops = *f.ops;
        const std::uint64_t signature = runtime_key_signature(key);
        const auto matches = [&](std::size_t k) {
            return ops.signatures[k] == signature && (key.size() <= 7 || same_tail(ops.names[k], key));
        };
        std::size_t i = f.hint;
        if (i >= ops.member_count || !matches(i)) {
            for (i = 0; i < ops.member_count && !matches(i); ++i) {
            }
            if (i == ops.member_count) {
                pending_ = {nullptr, nullptr};
                return;
            }
        }
        const std::uint64_t bit = std::uint64_t{1} << i;
        if ((f.seen & bit) != 0) forget_error(top_, i); // a duplicate key: the last occurrence wins
        f.seen |= bit;
        f.index = i;
        f.hint = i + 1;
        pending_ = ops.member(f.target, i);
    }

    /// Bytes 7.. of two keys of the same length (their signatures matched). Names are short: an inline loop
    /// beats a call to memcmp.
    static BOOST_FORCEINLINE bool same_tail(std::string_view name, std::string_view key) noexcept {
        for (std::size_t k = 7; k < key.size(); ++k)
            if (name[k] != key[k]) return false;
        return true;
    }

    // --- strings -----------------------------------------------------------------------------------------

    void begin_string() {
        slot s = next_slot();
        if (s.ops == nullptr) {
            str_.kind = string_state::mode::skip;
            return;
        }
        begin_string(engage(s));
    }

    void begin_string(slot s) {
        str_ = string_state{};
        str_.at = s;
        switch (s.ops->kind) {
        case shape::string:
            str_.kind = string_state::mode::text;
            static_cast<std::string*>(s.target)->clear();
            break;
        case shape::mark: str_.kind = string_state::mode::mark; break;
        case shape::integer:
            if (s.ops->accepts_numeric_string) {
                str_.kind = string_state::mode::digits;
                break;
            }
            [[fallthrough]];
        default:
            str_.kind = string_state::mode::skip;
            wrong_type(*s.ops, "a string");
        }
    }

    void feed_string(boost::json::string_view part, std::size_t total) {
        switch (str_.kind) {
        case string_state::mode::skip: return;
        case string_state::mode::text:
            if (total > options_.max_string_bytes) str_.overflow = true; // never grows past the limit
            if (!str_.overflow) static_cast<std::string*>(str_.at.target)->append(part.data(), part.size());
            return;
        case string_state::mode::mark: feed_mark(part); return;
        case string_state::mode::digits:
            for (char c : part) feed_digit(c);
            return;
        }
    }

    /// standard_mark::parse, resumable across parts (the state is kept in locals while a part is scanned).
    void feed_mark(boost::json::string_view part) noexcept {
        if (str_.failure != 0) return;
        std::uint64_t value = str_.value;
        unsigned significant = str_.significant;
        for (char c : part) {
            if (c != '0' && c != '1') {
                str_.failure = 1;
                return;
            }
            if (significant == 0 && c == '0') continue;
            if (++significant > standard_mark::bit_count) {
                str_.failure = 2;
                return;
            }
            value = (value << 1) | static_cast<std::uint64_t>(c - '0');
        }
        str_.value = value;
        str_.significant = significant;
    }

    /// parse_numeric_string (an optional '-' for signed types, then decimal digits), one character at a time.
    void feed_digit(char c) noexcept {
        const std::size_t position = str_.fed++;
        if (str_.failure != 0) return;
        if (position == 0 && c == '-') {
            if (!str_.at.ops->is_signed) str_.failure = 1;
            str_.negative = true;
            return;
        }
        if (c < '0' || c > '9') {
            str_.failure = 1;
            return;
        }
        str_.any_digit = true;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (str_.value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) str_.too_big = true;
        else if (!str_.too_big) str_.value = str_.value * 10 + digit;
    }

    void finish_string(std::size_t total) {
        switch (str_.kind) {
        case string_state::mode::skip: return;
        case string_state::mode::text:
        case string_state::mode::mark:
            if (total > options_.max_string_bytes) {
                string_too_long(total);
                return;
            }
            if (str_.kind == string_state::mode::text) return;
            if (str_.failure != 0) {
                // The message is standard_mark::parse's own, produced from a canonical input of the same fault.
                static constexpr char too_many_bits[] = "11111111111111111111111111111111111111111111111111111111111111111";
                auto parsed = standard_mark::parse(str_.failure == 1 ? std::string_view("2") : std::string_view(too_many_bits));
                fail_value(code::invalid_parameters, std::move(parsed.error().message));
                return;
            }
            *static_cast<standard_mark*>(str_.at.target) = standard_mark(str_.value);
            return;
        case string_state::mode::digits:
            if (str_.failure != 0 || !str_.any_digit || str_.too_big ||
                !str_.at.ops->from_digits(str_.at.target, str_.negative, str_.value))
                fail_value(code::invalid_parameters, "expected an integer or a string of decimal digits for " +
                                                         std::string(str_.at.ops->integer_name));
            return;
        }
    }

    // --- closing containers --------------------------------------------------------------------------------

    void close_object() {
        frame& f = frames_[top_ - 1];
        const type_ops& ops = *f.ops;
        const std::uint64_t all = ops.member_count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << ops.member_count) - 1;
        const std::uint64_t absent = all & ~f.seen;
        if ((absent & ops.optionals) != 0) ops.reset_absent(f.target, absent & ops.optionals);
        if ((absent & ops.required) == 0 && !has_errors_at(top_)) {
            --top_;
            return;
        }
        // The DOM decoder walks members in declaration order: the first one missing or failed is the error.
        std::size_t first = npos;
        std::size_t parked = npos;
        for (std::size_t k = first_error_at(top_); k < errors_.size(); ++k)
            if (errors_[k].slot < first) first = errors_[k].slot, parked = k;
        const std::uint64_t missing = absent & ops.required;
        std::size_t first_missing = npos;
        for (std::size_t i = 0; i < ops.member_count && first_missing == npos; ++i)
            if (((missing >> i) & 1u) != 0) first_missing = i;
        error winner = first_missing < first
                           ? make_error(code::invalid_parameters, error_origin::decode,
                                        pointer_to(top_ - 1, ops.names[first_missing]), "required key is missing")
                           : std::move(errors_[parked].value);
        errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(first_error_at(top_)), errors_.end());
        --top_;
        raise(std::move(winner));
    }

    void close_array() {
        frame& f = frames_[top_ - 1];
        const std::size_t items = f.index;
        if (items > options_.max_array_items) { // checked before the items, as the DOM decoder does
            errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(first_error_at(top_)), errors_.end());
            --top_;
            fail_value(code::local_limit_exceeded, "array holds " + std::to_string(items) + " items; the limit is " +
                                                       std::to_string(options_.max_array_items));
            return;
        }
        if (has_errors_at(top_)) {
            error item_error = std::move(errors_.back().value);
            errors_.pop_back();
            --top_;
            raise(std::move(item_error));
            return;
        }
        f.ops->commit(f.target, f.scratch);
        --top_;
    }

    // --- errors ----------------------------------------------------------------------------------------------
    // Parked errors are ordered by depth (a frame's errors are resolved into its parent when it closes), so
    // the errors of the top frame are the tail of the list.

    bool has_errors_at(std::size_t depth) const noexcept { return !errors_.empty() && errors_.back().depth == depth; }

    std::size_t first_error_at(std::size_t depth) const noexcept {
        std::size_t k = errors_.size();
        while (k > 0 && errors_[k - 1].depth == depth) --k;
        return k;
    }

    void forget_error(std::size_t depth, std::size_t member) {
        for (std::size_t k = first_error_at(depth); k < errors_.size(); ++k)
            if (errors_[k].slot == member) {
                errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(k));
                return;
            }
    }

    /// Parks an error for the value slot of the top frame (the root when no frame is open).
    void raise(error e) {
        std::size_t member = 0;
        if (top_ != 0) {
            frame& f = frames_[top_ - 1];
            if (f.ops->kind == shape::object) member = f.index;
            else f.failed = true;
        }
        errors_.push_back(parked_error{top_, member, std::move(e)});
    }

    void fail_value(code c, std::string message) {
        raise(make_error(c, error_origin::decode, pointer_to(top_), std::move(message)));
    }

    void wrong_type(const type_ops& expected, std::string_view found) {
        std::string_view name = "an integer";
        switch (expected.kind) {
        case shape::object: name = "an object"; break;
        case shape::array: name = "an array"; break;
        case shape::string:
        case shape::mark: name = "a string"; break;
        default: break;
        }
        fail_value(code::invalid_parameters, "expected " + std::string(name) + ", found " + std::string(found));
    }

    void out_of_range(const type_ops& ops, std::string found) {
        fail_value(code::invalid_parameters, std::move(found) + " is out of range for " + std::string(ops.integer_name));
    }

    void string_too_long(std::size_t total) {
        fail_value(code::local_limit_exceeded, "string is " + std::to_string(total) + " bytes; the limit is " +
                                                   std::to_string(options_.max_string_bytes));
    }

    /// The JSON Pointer of the value that frame `depth` is filling (the root for 0), then of `key` when given.
    std::string pointer_to(std::size_t depth, std::string_view key = {}) const {
        return pointer_from(0, depth, path{}, key);
    }

    std::string pointer_from(std::size_t i, std::size_t depth, const path& at, std::string_view key) const {
        if (i == depth) return key.empty() ? at.to_pointer() : at.key(key).to_pointer();
        const frame& f = frames_[i];
        if (f.ops->kind == shape::object) return pointer_from(i + 1, depth, at.key(f.ops->names[f.index]), key);
        return pointer_from(i + 1, depth, at.index(f.index - 1), key);
    }

    slot root_;
    const decode_options& options_;
    std::array<frame, frame_capacity> frames_;
    std::size_t top_ = 0;
    slot pending_{nullptr, nullptr};
    std::size_t skip_depth_ = 0; ///< open containers being skipped (unknown key, wrong type, item past a limit)
    bool in_string_ = false;
    string_state str_;
    std::array<char, key_capacity> key_buffer_;
    std::vector<parked_error> errors_;
    std::array<scratch_entry, scratch_slots> scratches_;
    std::size_t scratch_count_ = 0;
    std::size_t arena_used_ = 0;
    alignas(std::max_align_t) unsigned char arena_[arena_bytes];
};

} // namespace sax

/// Decodes a T from JSON text given in one piece or in several (a body streamed from the network).
///
///   T out{};
///   sax_decoder<T> decoder(out, options);
///   for (piece : body) if (!decoder.write(piece)) break;
///   if (!decoder.finish()) return decoder.take_error();
///
/// With the whole body in one write the outcome is dom_decoder's exactly. With several pieces the only
/// difference is the body-size message, which counts the bytes received so far instead of the whole body.
/// The part of sax_decoder that does not depend on the root type (all of it but the constructor).
class document_decoder {
public:
    document_decoder(sax::slot root, const decode_options& options) : options_(options), parser_(parser_options(options), root, options) {}

    /// Parses the next piece of the body. False once the decode has failed (stop writing, take_error()).
    bool write(std::string_view piece) { return write(piece, true); }

    /// Ends the body (after the pieces, or with the last one). True when `out` holds the decoded value.
    bool finish(std::string_view last = {}) {
        if (!write(last, false)) return false;
        if (!parser_.handler().failed()) return true;
        error_ = parser_.handler().take_error();
        failed_ = true;
        return false;
    }

    error take_error() { return std::move(error_); }

private:
    static boost::json::parse_options parser_options(const decode_options& options) noexcept {
        boost::json::parse_options parse;
        parse.max_depth = options.max_depth;
        return parse;
    }

    bool write(std::string_view piece, bool more) {
        if (failed_) return false;
        received_ += piece.size();
        if (received_ > options_.max_body_bytes) {
            error_ = body_too_large(received_, options_);
            failed_ = true;
            return false;
        }
        boost::json::error_code ec;
        const std::size_t consumed = parser_.write_some(more, piece.data(), piece.size(), ec);
        if (!ec && consumed < piece.size()) ec = boost::json::error::extra_data; // as boost::json::parser::write
        if (!ec) {
            offset_ += consumed;
            return true;
        }
        failed_ = true;
        error_ = parse_failure(ec, offset_ + consumed, options_);
        return false;
    }

    const decode_options& options_;
    boost::json::basic_parser<sax::handler> parser_;
    std::size_t received_ = 0;
    std::size_t offset_ = 0;
    bool failed_ = false;
    error error_;
};

template <class T>
class sax_decoder : public document_decoder {
    static_assert(sax::typed_depth<T>() <= sax::handler::frame_capacity, "tcchat: raise sax::handler::frame_capacity");
    static_assert(sax::longest_key<T>() <= sax::handler::key_capacity, "tcchat: raise sax::handler::key_capacity");
    static_assert(sax::vector_count<T>() <= sax::handler::scratch_slots, "tcchat: raise sax::handler::scratch_slots");

public:
    sax_decoder(T& out, const decode_options& options) : document_decoder({&sax::ops_of<T>, &out}, options) {}
};

/// Decodes the whole body into `out` (codec.hpp's decode_into); answers the error, if any.
template <class T>
std::optional<error> sax_decode_into(T& out, std::string_view text, const decode_options& options) {
    if (text.size() > options.max_body_bytes) return body_too_large(text.size(), options); // before anything is parsed
    sax_decoder<T> decoder(out, options);
    if (!decoder.finish(text)) return decoder.take_error();
    return std::nullopt;
}

} // namespace tcchat::detail
