#pragma once
// The RapidJSON anchor of bench/: RapidJSON 1.1's SAX Reader with a handler that decodes into tcchat's
// structs, and its Writer for encode, both generic over Boost.Describe as an expert would write them for sixteen
// message types:
//
// - decode: one Reader reused across documents (its token stack keeps its capacity), in-situ parsing of a copy of
//   the body, strings copied once from there into the member; UTF-8 validation is optional (see decoder). The
//   handler keeps a stack of open containers, each a (type operations, object) pair made at compile time per type;
//   keys are looked up by comparing with each member name; unknown keys and their subtrees are skipped; a missing
//   non-optional member fails the decode; an absent optional member is reset; wire enums take numeric strings as
//   tcchat does.
// - encode: one Writer reused (Reset onto a fresh StringBuffer per message), members in declaration order,
//   absent optionals left out, as tcchat::encode writes them. The result is the StringBuffer: no copy into a
//   std::string.
//
// Allocator is the allocator of the Reader's stack and of the output buffer (bench_codec.cpp passes one that counts).

#include <tcchat/detail/codec/reflect.hpp>
#include <tcchat/standard_mark.hpp>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2 // whitespace skipping and string scanning 16 bytes at a time (every x86-64 has SSE2)
#endif
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace tcchat_bench::rapidjson_anchor {

namespace detail = tcchat::detail;

// --- decode -------------------------------------------------------------------------------------------------

enum class kind : std::uint8_t { scalar, optional, array, object };

struct type_ops;

/// Where the next value goes: its type's operations and the object to fill ({nullptr, nullptr}: skip it).
struct slot {
    const type_ops* type;
    void* target;
};

/// What the handler can do with a value of one C++ type; nullptr where the JSON type does not fit it.
struct type_ops {
    kind shape;
    bool (*from_int)(void*, std::int64_t);         ///< integers and wire enums
    bool (*from_uint)(void*, std::uint64_t);       ///< integers and wire enums
    bool (*from_text)(void*, std::string_view);    ///< strings, marks, wire enums' numeric strings
    const type_ops* inner;                         ///< optional: its value; array: its items
    void* (*emplace)(void*);                       ///< optional: emplace(); array: emplace_back()
    void (*reset)(void*);                          ///< optional: reset(); array: clear()
    slot (*member)(void*, std::string_view key, std::uint64_t& bit); ///< object: the member named `key`
    std::uint64_t required;                        ///< object: bit i set when member i is not optional
    void (*reset_absent)(void*, std::uint64_t seen); ///< object: resets the optional members not seen
};

template <class T>
constexpr type_ops make_ops();
template <class T>
inline constexpr type_ops ops_of = make_ops<T>();

template <class T, class D>
using member_t = detail::remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>;
template <class T>
using members_of = boost::mp11::mp_rename<detail::wire_members<T>, boost::mp11::mp_list>;

template <class Int>
struct integer_ops {
    template <class Source>
    static bool store(void* target, Source value) {
        if constexpr (std::is_signed_v<Source>) {
            if constexpr (std::is_unsigned_v<Int>) {
                if (value < 0) return false;
            } else if constexpr (sizeof(Int) < sizeof(Source)) {
                if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) return false;
            }
        } else if (value > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
            return false;
        }
        const Int narrow = static_cast<Int>(value);
        std::memcpy(target, &narrow, sizeof narrow); // the target may be a wire enum whose underlying type is Int
        return true;
    }
    static bool from_int(void* target, std::int64_t value) { return store(target, value); }
    static bool from_uint(void* target, std::uint64_t value) { return store(target, value); }
    /// A wire enum's numeric string ("2", "-1"), as tcchat accepts it (docs/protocol.md §6.2).
    static bool from_digits(void* target, std::string_view text) {
        const bool negative = !text.empty() && text.front() == '-';
        if (negative) text.remove_prefix(1);
        if (text.empty() || text.size() > 10) return false;
        std::int64_t value = 0;
        for (const char c : text) {
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        return store(target, negative ? -value : value);
    }
};

template <class T>
struct object_ops {
    using members = members_of<T>;
    using indices = std::make_index_sequence<boost::mp11::mp_size<members>::value>;

    template <class... D>
    static constexpr std::uint64_t required_mask(boost::mp11::mp_list<D...>) {
        std::uint64_t mask = 0, bit = 1;
        ((mask |= detail::is_optional<member_t<T, D>>::value ? 0 : bit, bit <<= 1), ...);
        return mask;
    }

    template <class... D, std::size_t... I>
    static slot find(T& out, std::string_view key, std::uint64_t& bit, boost::mp11::mp_list<D...>,
                     std::index_sequence<I...>) {
        slot found{nullptr, nullptr};
        ((key == std::string_view(D::name)
              ? (found = {&ops_of<member_t<T, D>>, &(out.*D::pointer)}, bit = std::uint64_t{1} << I, true)
              : false) ||
         ...);
        return found;
    }
    static slot member(void* object, std::string_view key, std::uint64_t& bit) {
        return find(*static_cast<T*>(object), key, bit, members{}, indices{});
    }

    template <class... D, std::size_t... I>
    static void reset(T& out, std::uint64_t seen, boost::mp11::mp_list<D...>, std::index_sequence<I...>) {
        (
            [&] {
                if constexpr (detail::is_optional<member_t<T, D>>::value)
                    if (((seen >> I) & 1u) == 0) (out.*D::pointer).reset();
            }(),
            ...);
    }
    static void reset_absent(void* object, std::uint64_t seen) {
        reset(*static_cast<T*>(object), seen, members{}, indices{});
    }
};

template <class T>
constexpr type_ops make_ops() {
    type_ops ops{};
    if constexpr (detail::is_optional<T>::value) {
        ops.shape = kind::optional;
        ops.inner = &ops_of<typename T::value_type>;
        ops.emplace = [](void* p) -> void* { return &static_cast<T*>(p)->emplace(); };
        ops.reset = [](void* p) { static_cast<T*>(p)->reset(); };
    } else if constexpr (detail::is_vector<T>::value) {
        ops.shape = kind::array;
        ops.inner = &ops_of<typename T::value_type>;
        ops.emplace = [](void* p) -> void* { return &static_cast<T*>(p)->emplace_back(); };
        ops.reset = [](void* p) { static_cast<T*>(p)->clear(); };
    } else if constexpr (std::is_same_v<T, std::string>) {
        ops.shape = kind::scalar;
        ops.from_text = [](void* p, std::string_view text) {
            static_cast<std::string*>(p)->assign(text.data(), text.size());
            return true;
        };
    } else if constexpr (std::is_same_v<T, tcchat::standard_mark>) {
        ops.shape = kind::scalar;
        ops.from_text = [](void* p, std::string_view text) {
            auto mark = tcchat::standard_mark::parse(text);
            if (mark) *static_cast<tcchat::standard_mark*>(p) = *mark;
            return static_cast<bool>(mark);
        };
    } else if constexpr (std::is_enum_v<T> || detail::is_integer_v<T>) {
        using Int =
            typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::enable_if<true, T>>::type;
        ops.shape = kind::scalar;
        ops.from_int = &integer_ops<Int>::from_int;
        ops.from_uint = &integer_ops<Int>::from_uint;
        if constexpr (std::is_enum_v<T>) ops.from_text = &integer_ops<Int>::from_digits;
    } else {
        static_assert(detail::is_described<T>::value, "no decoding for this member type");
        ops.shape = kind::object;
        ops.member = &object_ops<T>::member;
        ops.required = object_ops<T>::required_mask(typename object_ops<T>::members{});
        ops.reset_absent = &object_ops<T>::reset_absent;
    }
    return ops;
}

/// The SAX handler: a stack of the open objects and arrays being filled. Returning false stops the Reader.
class handler {
public:
    explicit handler(slot root) : root_(root) {}

    bool StartObject() {
        if (skip_ != 0) return ++skip_, true;
        const slot s = value_slot();
        if (s.type == nullptr) return skip_ = 1, true;
        if (s.type->shape != kind::object || depth_ == stack_.size()) return false;
        stack_[depth_++] = {s, 0};
        return true;
    }
    bool Key(const char* text, rapidjson::SizeType length, bool) {
        if (skip_ != 0) return true;
        frame& f = stack_[depth_ - 1];
        std::uint64_t bit = 0;
        pending_ = f.at.type->member(f.at.target, std::string_view(text, length), bit);
        f.seen |= bit;
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        if (skip_ != 0) return --skip_, true;
        const frame& f = stack_[--depth_];
        if ((f.seen & f.at.type->required) != f.at.type->required) return false; // a required member is missing
        f.at.type->reset_absent(f.at.target, f.seen);
        return true;
    }
    bool StartArray() {
        if (skip_ != 0) return ++skip_, true;
        const slot s = value_slot();
        if (s.type == nullptr) return skip_ = 1, true;
        if (s.type->shape != kind::array || depth_ == stack_.size()) return false;
        s.type->reset(s.target);
        stack_[depth_++] = {s, 0};
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        if (skip_ != 0) return --skip_, true;
        --depth_;
        return true;
    }
    bool String(const char* text, rapidjson::SizeType length, bool) {
        if (skip_ != 0) return true;
        const slot s = value_slot();
        return s.type == nullptr ||
               (s.type->from_text != nullptr && s.type->from_text(s.target, std::string_view(text, length)));
    }
    bool Int(int value) { return signed_value(value); }
    bool Int64(std::int64_t value) { return signed_value(value); }
    bool Uint(unsigned value) { return unsigned_value(value); }
    bool Uint64(std::uint64_t value) { return unsigned_value(value); }
    bool Double(double) { return skip_ != 0 || value_slot().type == nullptr; }
    bool Bool(bool) { return skip_ != 0 || value_slot().type == nullptr; }
    bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; } // not enabled (kParseNumbersAsStringsFlag)
    bool Null() {
        if (skip_ != 0) return true;
        const slot s = next_slot();
        if (s.type == nullptr) return true;
        if (s.type->shape != kind::optional) return false;
        s.type->reset(s.target);
        return true;
    }

private:
    struct frame {
        slot at;
        std::uint64_t seen; ///< objects: members present
    };

    bool signed_value(std::int64_t value) {
        if (skip_ != 0) return true;
        const slot s = value_slot();
        return s.type == nullptr || (s.type->from_int != nullptr && s.type->from_int(s.target, value));
    }
    bool unsigned_value(std::uint64_t value) {
        if (skip_ != 0) return true;
        const slot s = value_slot();
        return s.type == nullptr || (s.type->from_uint != nullptr && s.type->from_uint(s.target, value));
    }

    /// The slot of the value that starts now: the root, the next item of the open array, or the member whose key
    /// came last (nothing for an unknown key).
    slot next_slot() {
        if (depth_ == 0) return root_;
        const frame& f = stack_[depth_ - 1];
        if (f.at.type->shape == kind::array) return {f.at.type->inner, f.at.type->emplace(f.at.target)};
        return std::exchange(pending_, slot{nullptr, nullptr});
    }
    /// next_slot(), with the optionals on the way engaged (a non-null value fills them).
    slot value_slot() {
        slot s = next_slot();
        while (s.type != nullptr && s.type->shape == kind::optional) s = {s.type->inner, s.type->emplace(s.target)};
        return s;
    }

    slot root_;
    slot pending_{nullptr, nullptr};
    std::array<frame, 16> stack_{};
    std::size_t depth_ = 0;
    std::size_t skip_ = 0; ///< open containers being skipped (an unknown key's value)
};

/// In-situ parsing, RapidJSON's fastest mode: the Reader unescapes strings over the text instead of copying them to
/// its stack, so it needs a mutable copy of the body (made into a buffer kept across documents, and timed).
/// `validate_utf8` adds kParseValidateEncodingFlag: the same verdict as Boost.JSON, simdjson and serde_json on a
/// body that is not UTF-8, at a large cost in RapidJSON 1.1 (it transcodes character by character).
template <class Allocator, bool validate_utf8>
class decoder {
public:
    static constexpr unsigned flags =
        rapidjson::kParseInsituFlag | (validate_utf8 ? rapidjson::kParseValidateEncodingFlag : 0);

    /// Decodes `text` into `out`, a value-initialized T: nullptr, or what went wrong.
    template <class T>
    const char* decode(std::string_view text, T& out) {
        buffer_.assign(text.data(), text.size());
        handler h(slot{&ops_of<T>, &out});
        rapidjson::InsituStringStream in(buffer_.data());
        const rapidjson::ParseResult done = reader_.template Parse<flags>(in, h);
        return done.IsError() ? rapidjson::GetParseError_En(done.Code()) : nullptr;
    }

private:
    Allocator allocator_;
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, Allocator> reader_{&allocator_};
    std::string buffer_; // NUL-terminated, as the in-situ stream needs
};

// --- encode -------------------------------------------------------------------------------------------------

template <class Allocator>
class encoder {
public:
    using buffer = rapidjson::GenericStringBuffer<rapidjson::UTF8<>, Allocator>;

    template <class T>
    buffer encode(const T& value) {
        buffer out(&allocator_); // given an allocator, the buffer does not allocate one for itself
        writer_.Reset(out);
        write(value);
        return out;
    }

private:
    template <class T>
    void write(const T& value) {
        if constexpr (detail::is_optional<T>::value) {
            write(*value);
        } else if constexpr (detail::is_vector<T>::value) {
            writer_.StartArray();
            for (const auto& item : value) write(item);
            writer_.EndArray();
        } else if constexpr (std::is_same_v<T, std::string>) {
            writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
        } else if constexpr (std::is_same_v<T, tcchat::standard_mark>) {
            char text[64];
            const std::uint64_t bits = value.bits();
            unsigned digits = 0;
            while (digits < 64 && (bits >> digits) != 0) ++digits;
            for (unsigned i = 0; i < digits; ++i) text[i] = static_cast<char>('0' + ((bits >> (digits - 1 - i)) & 1u));
            writer_.String(text, digits);
        } else if constexpr (std::is_enum_v<T>) {
            writer_.Int(static_cast<int>(value));
        } else if constexpr (std::is_same_v<T, std::int32_t>) {
            writer_.Int(value);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
            writer_.Int64(value);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
            writer_.Uint64(value);
        } else {
            static_assert(detail::is_described<T>::value, "no encoding for this member type");
            writer_.StartObject();
            detail::for_each_member(value, [&](std::string_view name, const auto& member) {
                if constexpr (detail::is_optional<detail::remove_cvref_t<decltype(member)>>::value)
                    if (!member) return;
                writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
                write(member);
            });
            writer_.EndObject();
        }
    }

    Allocator allocator_;
    rapidjson::Writer<buffer, rapidjson::UTF8<>, rapidjson::UTF8<>, Allocator> writer_{&allocator_};
};

} // namespace tcchat_bench::rapidjson_anchor
