// Request URLs (docs/protocol.md §1.1): the first 11 bytes are the call's numbers and lengths (see call_input), the rest
// its identifier, command and usersig bytes. Whatever those bytes are, build_url's URL parses back to exactly
// the call: the path v4/recentcontact/<command> and the five query parameters in §1.1's order, each with
// its value. redact_usersig changes that URL in one place only, the usersig value, so no log line carries
// the secret, however its key is escaped. And parse_request_target and redact_usersig take the whole input as a URL without crashing.
#include "harness_support.hpp"

#include <tcchat/emulator.hpp> // parse_request_target
#include <tcchat/url.hpp>

#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using tcchat_fuzz::require;

namespace {

/// Where the URL starts (a byte of choice): every region's domain (the backup domains differ in text only),
/// a base ending in '/', a local server and none, which gives a bare request target (the emulator's form).
/// build_url adds the '/' before the path when the base lacks it.
std::string base_url(std::uint8_t choice) {
    constexpr std::size_t region_count = std::size(tcchat::regions);
    const std::size_t pick = choice % (region_count + 3);
    if (pick < region_count) return tcchat::region_base_url(tcchat::regions[pick].id);
    if (pick == region_count) return "https://console.tim.qq.com/";
    if (pick == region_count + 1) return "http://127.0.0.1:8080";
    return "";
}

std::uint32_t little_endian_u32(const std::uint8_t* bytes) noexcept {
    return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
           static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

/// The input as a call: sdkappid and random (4 bytes each, little-endian), a flags byte (the endpoint in its low
/// bits, as in harness_support.hpp; the first flag bit: the command is read from the input instead, any bytes),
/// the base URL's byte, the identifier's length and the command's length (each modulo the bytes left), then the
/// identifier, the command when the flag says so, and the usersig as the rest.
struct call_input {
    std::string base;
    std::string command;
    tcchat::call_parameters call;
};

constexpr std::size_t header_bytes = 12;
constexpr unsigned custom_command_bit = tcchat_fuzz::first_flag_bit;

std::optional<call_input> read_call(const std::uint8_t* data, std::size_t size) {
    if (size < header_bytes) return std::nullopt;
    call_input input;
    input.call.sdkappid = little_endian_u32(data);
    input.call.random = little_endian_u32(data + 4);
    const std::uint8_t flags = data[8];
    input.base = base_url(data[9]);
    std::string_view rest = tcchat_fuzz::as_text(data + header_bytes, size - header_bytes);
    auto take = [&rest](std::uint8_t length) {
        const std::string_view taken = rest.substr(0, length % (rest.size() + 1));
        rest.remove_prefix(taken.size());
        return std::string(taken);
    };
    input.call.identifier = take(data[10]);
    if ((flags >> custom_command_bit & 1) != 0) {
        input.command = take(data[11]);
    } else {
        tcchat_fuzz::with_selected_endpoint(flags, [&](auto endpoint) {
            input.command = std::string(decltype(endpoint)::command);
        });
    }
    input.call.usersig = std::string(rest);
    return input;
}

/// The query of docs/protocol.md §1.1, in its order, as parse_request_target must give it back.
std::vector<std::pair<std::string, std::string>> expected_query(const tcchat::call_parameters& call) {
    return {{"sdkappid", std::to_string(call.sdkappid)},
            {"identifier", call.identifier},
            {"usersig", call.usersig},
            {"random", std::to_string(call.random)},
            {"contenttype", "json"}};
}

void check_round_trip(const call_input& input) {
    const std::string url = tcchat::build_url(input.base, input.command, input.call);
    const auto target = tcchat::emulation::parse_request_target(url);
    require(target.has_value(), "build_url's URL parses");
    require(target->path == "/" + std::string(tcchat::service_path) + input.command,
            "the path parses back to /v4/recentcontact/<command>");
    require(target->query == expected_query(input.call), "the query parses back to the call's five parameters");
    require(tcchat::parse_uint32(*target->find("sdkappid")) == input.call.sdkappid &&
                tcchat::parse_uint32(*target->find("random")) == input.call.random,
            "sdkappid and random read back as the same numbers");

    // The usersig value is everything between "usersig=" and the next '&' (percent-encoding leaves no '&'
    // and no '=' in a value), so the redacted URL is known exactly. Equality is stronger than "the secret
    // does not occur": a short usersig such as "1" may legitimately occur elsewhere in the URL.
    tcchat::call_parameters placeholder = input.call;
    placeholder.usersig = "REDACTED";
    require(tcchat::redact_usersig(url) == tcchat::build_url(input.base, input.command, placeholder),
            "redact_usersig replaces the usersig value and nothing else");
}

bool names_usersig(std::string_view key) {
    if (key.size() != 7) return false;
    for (std::size_t i = 0; i < key.size(); ++i)
        if ((key[i] >= 'A' && key[i] <= 'Z' ? key[i] - 'A' + 'a' : key[i]) != "usersig"[i]) return false;
    return true;
}

/// Arbitrary bytes as a URL (what the emulator and the logs get): parsing and redacting never crash, and
/// redacting twice changes nothing more. Where the URL parses, the redacted one parses to the same path and
/// keys, as the verifier decodes them, with every usersig value (any case, any escaping) REDACTED and every
/// other value unchanged. A URL with no '=' has no value to hide and is left as it is.
void check_arbitrary_url(std::string_view url) {
    const auto target = tcchat::emulation::parse_request_target(url);
    const std::string redacted = tcchat::redact_usersig(url);
    require(tcchat::redact_usersig(redacted) == redacted, "redact_usersig is idempotent");
    if (url.find('=') == std::string_view::npos) require(redacted == url, "redact_usersig leaves a URL without a value unchanged");
    if (!target) return;
    const auto after = tcchat::emulation::parse_request_target(redacted);
    require(after && after->path == target->path && after->query.size() == target->query.size(),
            "the redacted URL parses to the same path and number of parameters");
    for (std::size_t i = 0; i < target->query.size(); ++i) {
        const auto& [key, value] = target->query[i];
        require(after->query[i].first == key, "redaction keeps every key");
        if (!names_usersig(key)) require(after->query[i].second == value, "redaction keeps every other value");
        else if (!value.empty()) require(after->query[i].second == "REDACTED", "every usersig value is redacted");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_arbitrary_url(tcchat_fuzz::as_text(data, size));
    if (const auto input = read_call(data, size)) check_round_trip(*input);
    return 0;
}
