#pragma once
// Direct JSON encoding of described structs into a std::string: no DOM, one pass, correct escaping.

#include <tcchat/version.hpp>
#include <tcchat/detail/codec/byte_scan.hpp>
#include <tcchat/detail/codec/reflect.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// Whether JSON writes the byte as it is: not a control byte, '"' or '\\'.
constexpr bool needs_no_escape(unsigned char c) noexcept { return c >= 0x20 && c != '"' && c != '\\'; }

/// The length of `text`'s leading run of bytes that JSON writes as they are: the whole text, for nearly every
/// account, group name and mark. Eight bytes at a time while no byte of the word needs escaping (the zero-byte
/// test of Mycroft: below 0x20, or equal to '"' or '\\'), then byte by byte (docs/design-decisions.md §9).
inline std::size_t unescaped_prefix(std::string_view text) noexcept {
    const std::size_t size = text.size();
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        const std::uint64_t word = load_word(text.data() + i);
        if (any_byte_below(word, 0x20) || any_byte_equal(word, '"') || any_byte_equal(word, '\\')) break;
    }
    while (i < size && needs_no_escape(static_cast<unsigned char>(text[i]))) ++i;
    return i;
}

/// Where the encoder writes: a fixed buffer, appended to the string each time it fills. Single characters,
/// keys and numbers become stores into the buffer instead of calls into std::string, whose push_back and
/// append libstdc++ compiles out of line (docs/design-decisions.md §9).
class json_buffer {
public:
    static constexpr std::size_t capacity = 4096;

    explicit json_buffer(std::string& out) noexcept : out_(out) {}
    json_buffer(const json_buffer&) = delete;
    json_buffer& operator=(const json_buffer&) = delete;

    /// Room for `size` more characters (at most capacity): write them at the pointer, then commit(size).
    char* room(std::size_t size) {
        if (capacity - used_ < size) flush();
        return buffer_ + used_;
    }
    void commit(std::size_t size) noexcept { used_ += size; }

    void put(char c) { *room(1) = c, commit(1); }

    void put(const char* text, std::size_t size) {
        if (size > capacity) {
            flush();
            out_.append(text, size);
            return;
        }
        std::memcpy(room(size), text, size);
        commit(size);
    }

    /// Appends what the buffer holds to the string; the encoder calls it once it is done.
    void flush() {
        out_.append(buffer_, used_);
        used_ = 0;
    }

private:
    std::string& out_;
    std::size_t used_ = 0;
    char buffer_[capacity];
};

inline void write_escaped(json_buffer& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t i = unescaped_prefix(text);
    if (i == text.size() && text.size() <= json_buffer::capacity - 2) { // nothing to escape: one copy
        char* at = out.room(text.size() + 2);
        at[0] = '"';
        std::memcpy(at + 1, text.data(), text.size());
        at[text.size() + 1] = '"';
        out.commit(text.size() + 2);
        return;
    }
    out.put('"');
    std::size_t run_start = 0;
    for (; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (needs_no_escape(c)) continue;
        out.put(text.data() + run_start, i - run_start);
        run_start = i + 1;
        char* escape = out.room(6);
        escape[0] = '\\';
        switch (c) {
        case '"': escape[1] = '"'; break;
        case '\\': escape[1] = '\\'; break;
        case '\b': escape[1] = 'b'; break;
        case '\f': escape[1] = 'f'; break;
        case '\n': escape[1] = 'n'; break;
        case '\r': escape[1] = 'r'; break;
        case '\t': escape[1] = 't'; break;
        default:
            std::memcpy(escape + 1, "u00", 3);
            escape[4] = hex[c >> 4];
            escape[5] = hex[c & 0xF];
            out.commit(6);
            continue;
        }
        out.commit(2);
    }
    out.put(text.data() + run_start, text.size() - run_start);
    out.put('"');
}

template <class Int>
void write_integer(json_buffer& out, Int value) {
    constexpr std::size_t longest = 20; // every 64-bit integer, with its sign
    char* digits = out.room(longest);
    auto [end, ec] = std::to_chars(digits, digits + longest, value);
    (void)ec;
    out.commit(static_cast<std::size_t>(end - digits));
}

template <class T>
void write_value(json_buffer& out, const T& value);

/// `,"Name":` for one member, made at compile time. Wire keys are plain identifiers, with nothing to escape.
template <class Member>
struct member_key {
    static constexpr std::size_t name_size = std::string_view(Member::name).size();
    static constexpr std::array<char, name_size + 4> make() {
        std::array<char, name_size + 4> key{};
        key[0] = ',', key[1] = '"';
        for (std::size_t i = 0; i < name_size; ++i) key[2 + i] = Member::name[i];
        key[name_size + 2] = '"', key[name_size + 3] = ':';
        return key;
    }
    static constexpr std::array<char, name_size + 4> text = make();
};

template <class T>
void write_object(json_buffer& out, const T& object) {
    bool empty = true;
    boost::mp11::mp_for_each<wire_members<T>>([&](auto descriptor) {
        const auto& member = object.*descriptor.pointer;
        using member_type = remove_cvref_t<decltype(member)>;
        if constexpr (is_optional<member_type>::value) {
            if (!member) return; // absent, never null
        }
        const auto& key = member_key<decltype(descriptor)>::text;
        char* at = out.room(key.size());
        std::memcpy(at, key.data(), key.size()); // a constant size: a few stores
        if (empty) at[0] = '{';                  // the first key opens the object instead of a comma
        out.commit(key.size());
        empty = false;
        write_value(out, member);
    });
    if (empty) out.put('{');
    out.put('}');
}

template <class T>
void write_value(json_buffer& out, const T& value) {
    if constexpr (is_optional<T>::value) {
        write_value(out, *value);
    } else if constexpr (is_vector<T>::value) {
        out.put('[');
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i != 0) out.put(',');
            write_value(out, value[i]);
        }
        out.put(']');
    } else if constexpr (std::is_same_v<T, std::string>) {
        write_escaped(out, value);
    } else if constexpr (std::is_same_v<T, standard_mark>) {
        char* at = out.room(standard_mark::bit_count + 2); // a binary numeral needs no escaping
        at[0] = '"';
        const std::size_t size = value.write_to(at + 1);
        at[size + 1] = '"';
        out.commit(size + 2);
    } else if constexpr (std::is_enum_v<T>) {
        write_integer(out, static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (is_integer_v<T>) {
        write_integer(out, value);
    } else {
        static_assert(is_described<T>::value, "tcchat: no JSON encoding for this member type");
        write_object(out, value);
    }
}

/// Appends the encoding of `value` to `out`.
template <class T>
void write_json(std::string& out, const T& value) {
    json_buffer buffer(out);
    write_value(buffer, value);
    buffer.flush();
}

} // namespace detail
TCCHAT_NAMESPACE_END
