#pragma once
// Request URLs (docs/protocol.md §1.1, §1.2): region domains, percent-encoding, the query every call carries, and the
// reverse (parsing a request target), which the emulator and the tests use.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

enum class region : std::uint8_t { china, singapore, seoul, tokyo, frankfurt, silicon_valley, jakarta, mumbai_legacy };

/// One row of `regions`: the id, the name find_region reads, and the two domains (docs/protocol.md §1.2).
struct region_info {
    region id;
    std::string_view name;
    std::string_view domain;
    std::string_view backup_domain;
};

/// docs/protocol.md §1.2. Mumbai appears on older pages only and is kept as a legacy region (§6.13).
inline constexpr region_info regions[] = {
    {region::china, "china", "console.tim.qq.com", "adminapi.my-imcloud.com"},
    {region::singapore, "singapore", "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"},
    {region::seoul, "seoul", "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"},
    {region::tokyo, "tokyo", "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"},
    {region::frankfurt, "frankfurt", "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"},
    {region::silicon_valley, "silicon_valley", "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"},
    {region::jakarta, "jakarta", "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"},
    {region::mumbai_legacy, "mumbai_legacy", "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"},
};

/// The domains and name of a region.
inline const region_info& region_details(region r) noexcept { return regions[static_cast<std::size_t>(r)]; }

inline std::optional<region> find_region(std::string_view name) noexcept {
    for (const auto& row : regions)
        if (row.name == name) return row.id;
    return std::nullopt;
}

/// "https://<domain>" of a region, or of its backup domain.
inline std::string region_base_url(region r, bool backup = false) {
    return "https://" + std::string(backup ? region_details(r).backup_domain : region_details(r).domain);
}

/// The parts of "scheme://host[:port][/path][?query]" that decide where a request goes.
struct http_url_parts {
    bool https = false;
    std::string_view host;   ///< without the brackets of an IPv6 literal
    std::uint16_t port = 0;  ///< the scheme's default (80, 443) when the URL names none
    std::string_view target; ///< "/path?query", "/" when the URL has neither; holds the usersig of a call URL
};

/// Splits `url`, or answers why it cannot be a tcchat URL. Only http and https are allowed: libcurl would also
/// take gopher://, dict:// or file:// and deliver the UserSig and raw bytes to any port. User-info
/// ("user:password@") is refused as well, since it would travel in every request. The reason never repeats the
/// URL, which may hold a password or a usersig.
inline std::variant<http_url_parts, std::string> split_http_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    const auto lowercase_scheme = [&] {
        std::string scheme(url.substr(0, scheme_end));
        for (char& c : scheme)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return scheme;
    };
    if (scheme_end == std::string_view::npos || (lowercase_scheme() != "http" && lowercase_scheme() != "https"))
        return std::string("the URL must start with http:// or https://");
    http_url_parts parts;
    parts.https = lowercase_scheme() == "https";
    const auto authority_end = std::min(url.find_first_of("/?#", scheme_end + 3), url.size());
    const std::string_view authority = url.substr(scheme_end + 3, authority_end - (scheme_end + 3));
    if (authority.find('@') != std::string_view::npos) return std::string("the URL must not carry user-info (user:password@)");
    // A port follows the last ':' that is outside an IPv6 literal's brackets.
    const auto colon = authority.rfind(':');
    const bool has_port = colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
    parts.host = has_port ? authority.substr(0, colon) : authority;
    if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']')
        parts.host = parts.host.substr(1, parts.host.size() - 2);
    if (parts.host.empty()) return std::string("the URL has no host");
    parts.port = parts.https ? 443 : 80;
    if (has_port) {
        const std::string_view digits = authority.substr(colon + 1);
        unsigned port = 0;
        const auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (digits.empty() || failure != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535)
            return std::string("the URL's port must be a number from 1 to 65535");
        parts.port = static_cast<std::uint16_t>(port);
    }
    if (authority_end < url.size() && url[authority_end] != '/') return std::string("the URL's path must start with '/'");
    parts.target = authority_end < url.size() ? url.substr(authority_end) : std::string_view("/");
    return parts;
}

/// Why `base_url` cannot be the base of calls ("scheme://host[:port][/path]"), or nullopt when it can: see
/// split_http_url.
inline std::optional<std::string> base_url_problem(std::string_view base_url) {
    auto parts = split_http_url(base_url);
    if (auto* problem = std::get_if<std::string>(&parts)) return std::move(*problem);
    return std::nullopt;
}

/// RFC 3986 percent-encoding of a query value. Unreserved characters and '*' stay as they are: the UserSig
/// alphabet uses '*', '-' and '_' (docs/protocol.md §5.1), and the official SDKs send it unescaped.
namespace detail {
/// [A-Za-z0-9]: what percent-encoding never escapes, and what a word is made of when redacting.
constexpr bool is_ascii_alphanumeric(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
} // namespace detail

inline void append_percent_encoded(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    const auto plain = [](unsigned char c) {
        return detail::is_ascii_alphanumeric(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '*';
    };
    // Runs of plain characters are copied whole: commands and UserSigs are nearly all plain.
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = at;
        while (end < text.size() && plain(static_cast<unsigned char>(text[end]))) ++end;
        out.append(text.data() + at, end - at);
        if (end == text.size()) break;
        const auto c = static_cast<unsigned char>(text[end]);
        const char escape[3] = {'%', hex[c >> 4], hex[c & 0xF]};
        out.append(escape, 3);
        at = end + 1;
    }
}

/// Decodes %XX escapes; '+' is kept literally (the query is not form-encoded). Malformed escapes fail.
inline std::optional<std::string> percent_decode(std::string_view text) {
    auto hex_value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

/// What identifies one call on the wire (docs/protocol.md §1.1). `usersig` is a secret.
struct call_parameters {
    std::uint32_t sdkappid = 0;
    std::string identifier;
    std::string usersig;
    std::uint32_t random = 0;
};

/// "<base>/v4/recentcontact/": what every URL of one base has before the command.
inline std::string service_root(std::string_view base_url) {
    std::string root(base_url);
    if (root.empty() || root.back() != '/') root.push_back('/');
    root.append(service_path);
    return root;
}

/// "?sdkappid=..&identifier=..&usersig=..&random=": the part of the query that changes only with the
/// UserSig, so a client encodes it once per signature rather than once per call.
inline void append_signed_query(std::string& out, std::uint32_t sdkappid, std::string_view identifier,
                                std::string_view usersig) {
    out += "?sdkappid=";
    out += std::to_string(sdkappid);
    out += "&identifier=";
    append_percent_encoded(out, identifier);
    out += "&usersig=";
    append_percent_encoded(out, usersig);
    out += "&random=";
}

namespace detail {
inline constexpr std::size_t max_random_digits = 10; // a uint32
inline constexpr std::string_view format_parameter = "&contenttype=json";

/// Writes `value` in decimal at `out` (room for 10 characters) and answers the end. Every uint32 is written
/// as ten digits, two at a time, and the leading zeros skipped: `random` is uniform, so its length varies
/// from call to call, and std::to_chars, which finds the length first, mispredicts on it. This takes about
/// half as long.
inline char* write_uint32(char* out, std::uint32_t value) noexcept {
    static constexpr char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";
    char digits[max_random_digits];
    const std::uint32_t high = value / 100000000u, low = value % 100000000u; // high <= 42
    const std::uint32_t upper = low / 10000u, lower = low % 10000u;
    std::memcpy(digits, pairs + 2 * high, 2);
    std::memcpy(digits + 2, pairs + 2 * (upper / 100u), 2);
    std::memcpy(digits + 4, pairs + 2 * (upper % 100u), 2);
    std::memcpy(digits + 6, pairs + 2 * (lower / 100u), 2);
    std::memcpy(digits + 8, pairs + 2 * (lower % 100u), 2);
    std::size_t first = 0;
    while (first + 1 < max_random_digits && digits[first] == '0') ++first; // "0" keeps its one digit
    std::memcpy(out, digits + first, max_random_digits - first);
    return out + (max_random_digits - first);
}
} // namespace detail

/// Replaces `url` with root + command + signed query: everything before the random digits, which
/// append_random_tail adds. Reuses the string's capacity.
inline void assemble_url_prefix(std::string& url, std::string_view root, std::string_view command, std::string_view signed_query) {
    url.clear();
    url.reserve(root.size() + 3 * command.size() + signed_query.size() + detail::max_random_digits +
                detail::format_parameter.size());
    url.append(root);
    append_percent_encoded(url, command);
    url.append(signed_query);
}

/// Appends random + "&contenttype=json" to a URL prefix.
inline void append_random_tail(std::string& url, std::uint32_t random) {
    using detail::format_parameter;
    char tail[detail::max_random_digits + format_parameter.size()];
    char* end = detail::write_uint32(tail, random);
    end = std::copy(format_parameter.begin(), format_parameter.end(), end);
    url.append(tail, static_cast<std::size_t>(end - tail));
}

/// Replaces `url` with root + command + signed query + random + "&contenttype=json", reusing its capacity.
inline void assemble_url(std::string& url, std::string_view root, std::string_view command,
                         std::string_view signed_query, std::uint32_t random) {
    assemble_url_prefix(url, root, command, signed_query);
    append_random_tail(url, random);
}

/// "<base>/v4/recentcontact/<command>?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json".
inline std::string build_url(std::string_view base_url, std::string_view command, const call_parameters& call) {
    std::string signed_query;
    append_signed_query(signed_query, call.sdkappid, call.identifier, call.usersig);
    std::string url;
    assemble_url(url, service_root(base_url), command, signed_query, call.random);
    return url;
}

namespace detail {
/// Where the request target ("/path?query") of "scheme://host/path?query" or "/path?query" starts: the offset
/// into `url`, or npos for a URL with a scheme and host but no path. The parser and the redaction both split
/// here, so they always agree on which bytes are the query.
inline std::size_t request_target_start(std::string_view url) noexcept {
    // A scheme only where it can be one: before the path and the query, which may hold "://" themselves.
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos || scheme >= url.find_first_of("/?")) return 0;
    return url.find('/', scheme + 3);
}
} // namespace detail

/// The URL with the value of every usersig parameter replaced, for logs, hooks and error messages. A key is
/// matched as the emulator decodes it (parse_request_target) ("us%65rsig" is the usersig the verifier reads), ignoring case
/// (a proxy may not); a key that does not decode hides its value too, since what it names cannot be told.
inline std::string redact_usersig(std::string_view url) {
    // The query the parser reads; for a URL with no path, whose query the parser ignores, any '?' at all.
    const std::size_t target = detail::request_target_start(url);
    const auto question = url.find('?', target == std::string_view::npos ? 0 : target);
    if (question == std::string_view::npos) return std::string(url);
    std::string out(url.substr(0, question + 1));
    out.reserve(url.size());
    std::string_view query = url.substr(question + 1);
    for (bool first = true;; first = false) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (!first) out.push_back('&');
        const auto eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        const auto decoded_key = percent_decode(key);
        const bool secret = !decoded_key || (decoded_key->size() == 7 && std::equal(decoded_key->begin(), decoded_key->end(), "usersig", [](char a, char b) {
                                                 return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
                                             }));
        if (secret && eq != std::string_view::npos) {
            out.append(key);
            out.append("=REDACTED");
        } else {
            out.append(pair);
        }
        if (amp == std::string_view::npos) break;
        query = query.substr(amp + 1);
    }
    return out;
}

/// Replaces every occurrence of `secret` in `text` with "REDACTED": as it is, as append_percent_encoded writes
/// it, and with every byte outside [A-Za-z0-9] escaped in upper or lower case hex, the forms in which an HTTP
/// stack or a server echoing a URL may write it back. A secret shorter than 16 bytes (a test's placeholder; real
/// UserSigs run to hundreds) is replaced only where it stands alone, not inside a word, so that a UserSig "x"
/// does not turn "does not exist" into "does not eREDACTEDist".
inline void redact_secret(std::string& text, std::string_view secret) {
    if (secret.empty()) return;
    std::string forms[4] = {std::string(secret), {}, {}, {}};
    append_percent_encoded(forms[1], secret);
    for (const unsigned char c : secret) {
        for (int lower = 0; lower < 2; ++lower) {
            std::string& form = forms[2 + lower];
            if (detail::is_ascii_alphanumeric(c)) {
                form.push_back(static_cast<char>(c));
                continue;
            }
            const char* hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
            form += '%';
            form += hex[c >> 4];
            form += hex[c & 0xF];
        }
    }
    static constexpr std::string_view placeholder = "REDACTED";
    constexpr std::size_t always_redacted_size = 16;
    auto word_byte = [&](std::size_t at) { return detail::is_ascii_alphanumeric(static_cast<unsigned char>(text[at])); };
    for (const std::string& form : forms)
        for (auto at = text.find(form); at != std::string::npos;) {
            const std::size_t end = at + form.size();
            const bool inside_word = (at > 0 && word_byte(at - 1)) || (end < text.size() && word_byte(end));
            if (secret.size() < always_redacted_size && inside_word) {
                at = text.find(form, at + 1);
                continue;
            }
            text.replace(at, form.size(), placeholder);
            at = text.find(form, at + placeholder.size());
        }
}

/// Parses a decimal uint32 query value such as sdkappid or random.
inline std::optional<std::uint32_t> parse_uint32(std::string_view text) noexcept {
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

TCCHAT_NAMESPACE_END
