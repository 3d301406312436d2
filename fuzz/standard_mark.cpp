// StandardMark text (docs/protocol.md §4): arbitrary bytes. parse() accepts exactly what std::from_chars reads as a
// base-2 uint64 (plus "" for no marks), to_string() is the minimal numeral, and the two are inverse.
#include "harness_support.hpp"

#include <tcchat/standard_mark.hpp>

#include <charconv>
#include <system_error>

using tcchat_fuzz::require;

namespace {

/// An independent reading of the text: [01]+ that fits 64 bits, leading zeros allowed; "" means 0.
std::optional<std::uint64_t> reference_value(std::string_view text) {
    if (text.empty()) return 0;
    std::uint64_t value = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value, 2);
    if (status != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = tcchat_fuzz::as_text(data, size);
    const auto parsed = tcchat::standard_mark::parse(text);
    const auto expected = reference_value(text);
    require(parsed.has_value() == expected.has_value(), "parse accepts exactly the binary numerals of <= 64 bits");
    if (!parsed) {
        require(parsed.error().value() == static_cast<int>(tcchat::code::invalid_parameters),
                "a rejected StandardMark is 50002");
        return 0;
    }
    require(parsed->bits() == *expected, "parse reads the rightmost character as bit 0");

    const std::string minimal = parsed->to_string();
    require(minimal.empty() == parsed->empty(), "to_string is \"\" exactly for no marks");
    require(minimal.empty() || minimal.front() == '1', "to_string has no leading zero");
    for (unsigned bit = 0; bit < minimal.size(); ++bit)
        require((minimal[minimal.size() - 1 - bit] == '1') == parsed->test(bit), "to_string puts bit 0 rightmost");

    const auto reparsed = tcchat::standard_mark::parse(minimal);
    require(reparsed.has_value() && *reparsed == *parsed, "parse(to_string(m)) == m");
    return 0;
}
