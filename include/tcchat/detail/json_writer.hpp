#pragma once
// Direct JSON encoding of described structs into a std::string: no DOM, one pass, correct escaping.

#include <tcchat/detail/byte_scan.hpp>
#include <tcchat/detail/reflect.hpp>

#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace tcchat::detail {

/// The length of `text`'s leading run of bytes that JSON writes as they are (not a control byte, '"' or '\\'):
/// the whole text, for nearly every account, group name and mark. Eight bytes at a time while no byte of the
/// word needs escaping (the zero-byte test of Mycroft: below 0x20, or equal to '"' or '\\'). With member_key
/// it took the encode of the 1,000-item pages from 1.52x and 1.65x serde_json's time to 1.09x (tools/bench.sh).
inline std::size_t unescaped_prefix(std::string_view text) noexcept {
    const std::size_t size = text.size();
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        const std::uint64_t word = load_word(text.data() + i);
        if (any_byte_below(word, 0x20) || any_byte_equal(word, '"') || any_byte_equal(word, '\\')) break;
    }
    return i;
}

inline void write_escaped(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run_start = 0;
    for (std::size_t i = unescaped_prefix(text); i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + run_start, i - run_start);
        run_start = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
    out.append(text.data() + run_start, text.size() - run_start);
    out.push_back('"');
}

template <class Int>
void write_integer(std::string& out, Int value) {
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec; // 24 characters hold every 64-bit integer
    out.append(buffer, end);
}

template <class T>
void write_value(std::string& out, const T& value);

/// `,"Name":` for one member, made once per member: a key costs one append instead of four. Wire keys are plain
/// identifiers, with nothing to escape.
template <class Member>
const std::string& member_key(Member) {
    static const std::string key = std::string(",\"") + Member::name + "\":";
    return key;
}

template <class T>
void write_object(std::string& out, const T& object) {
    out.push_back('{');
    bool first = true;
    boost::mp11::mp_for_each<wire_members<T>>([&](auto descriptor) {
        const auto& member = object.*descriptor.pointer;
        using member_type = remove_cvref_t<decltype(member)>;
        if constexpr (is_optional<member_type>::value) {
            if (!member) return; // absent, never null
        }
        const std::string& key = member_key(descriptor);
        out.append(key.data() + (first ? 1 : 0), key.size() - (first ? 1 : 0)); // the first key has no comma
        first = false;
        write_value(out, member);
    });
    out.push_back('}');
}

template <class T>
void write_value(std::string& out, const T& value) {
    if constexpr (is_optional<T>::value) {
        write_value(out, *value);
    } else if constexpr (is_vector<T>::value) {
        out.push_back('[');
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i != 0) out.push_back(',');
            write_value(out, value[i]);
        }
        out.push_back(']');
    } else if constexpr (std::is_same_v<T, std::string>) {
        write_escaped(out, value);
    } else if constexpr (std::is_same_v<T, standard_mark>) {
        out.push_back('"'); // a binary numeral needs no escaping
        value.append_to(out);
        out.push_back('"');
    } else if constexpr (std::is_enum_v<T>) {
        write_integer(out, static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (is_integer_v<T>) {
        write_integer(out, value);
    } else {
        static_assert(is_described<T>::value, "tcchat: no JSON encoding for this member type");
        write_object(out, value);
    }
}

} // namespace tcchat::detail
