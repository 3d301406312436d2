#pragma once
// Helpers shared by the test files: reading fixtures, comparing JSON by value and model values by member.

#include <boost/describe/members.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace tcchat::test {

/// The SDKAppID of every test identity (the spec's samples use it too).
constexpr std::uint32_t app = 1400000000;

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::string sample(const std::string& name) { return read_file(std::string(TCCHAT_SAMPLES_DIR) + "/" + name); }

/// JSON values compared structurally: key order and whitespace do not matter.
inline bool same_json(const std::string& a, const std::string& b) { return boost::json::parse(a) == boost::json::parse(b); }

/// Where two values of a model type first differ, member by member through Boost.Describe (bases included),
/// as a JSON-Pointer-like path; std::nullopt when they are equal. A comparison that needs neither the encoder
/// nor the decoder, so a round-trip test can hold the decoded value against the original independently.
template <class T>
std::optional<std::string> first_difference(const T& a, const T& b, const std::string& at = "");

namespace detail {
template <class T>
std::optional<std::string> difference_of(const std::optional<T>& a, const std::optional<T>& b, const std::string& at) {
    if (a.has_value() != b.has_value()) return at + (a ? " (only in the first)" : " (only in the second)");
    return a ? first_difference(*a, *b, at) : std::nullopt;
}

template <class T>
std::optional<std::string> difference_of(const std::vector<T>& a, const std::vector<T>& b, const std::string& at) {
    if (a.size() != b.size())
        return at + " (" + std::to_string(a.size()) + " items against " + std::to_string(b.size()) + ")";
    for (std::size_t i = 0; i < a.size(); ++i)
        if (auto found = first_difference(a[i], b[i], at + "/" + std::to_string(i))) return found;
    return std::nullopt;
}

template <class T>
std::optional<std::string> difference_of(const T& a, const T& b, const std::string& at) {
    if constexpr (boost::describe::has_describe_members<T>::value) {
        using members = boost::describe::describe_members<T, boost::describe::mod_any_access | boost::describe::mod_inherited>;
        static_assert(boost::mp11::mp_size<members>::value > 0 || std::is_empty_v<T>, "a described type without members");
        std::optional<std::string> found;
        boost::mp11::mp_for_each<members>([&](auto member) {
            if (!found) found = first_difference(a.*member.pointer, b.*member.pointer, at + "/" + member.name);
        });
        return found;
    } else {
        if (a == b) return std::nullopt;
        return at.empty() ? std::string("/") : at;
    }
}
} // namespace detail

template <class T>
std::optional<std::string> first_difference(const T& a, const T& b, const std::string& at) {
    return detail::difference_of(a, b, at);
}

} // namespace tcchat::test
