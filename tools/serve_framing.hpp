#pragma once
// How `tcchat serve` decides whether a request's body length can be trusted (RFC 9112 §6.1, §6.3), on its own so
// that the decision is tested directly, whatever the Beast version in front of it refuses first.

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcchat::cli {

/// What the HTTP layer answers instead of serving a request, and why (the FAIL envelope's ErrorInfo).
struct refusal {
    boost::beast::http::status status;
    std::string reason;
};

namespace framing_detail {

inline std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// RFC 9110 §5.6.2 tchar.
inline bool is_token(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text) {
        const bool alphanumeric = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alphanumeric && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
    }
    return true;
}

/// RFC 9112 §7: transfer-parameter = token BWS "=" BWS ( token / quoted-string ). A quoted string holding ',' or
/// ';' arrives here cut apart and is refused with the rest: refusing is the safe side of a disagreement.
inline bool is_parameter(std::string_view parameter) {
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos || !is_token(trimmed(parameter.substr(0, equals)))) return false;
    const std::string_view value = trimmed(parameter.substr(equals + 1));
    const bool quoted = value.size() >= 2 && value.front() == '"' && value.back() == '"';
    return quoted || is_token(value);
}

} // namespace framing_detail

/// Whether the body's length can be trusted; the refusal when it cannot. Beast reads a Transfer-Encoding whose
/// final coding is not chunked as "no body", so the body's bytes would run as a second request on the connection:
/// a request smuggled past whatever looked at the first. The only coding served is a lone "chunked" (with
/// well-formed parameters, which do not change its name); every other Transfer-Encoding is refused, and the
/// connection closed, before a body byte is read. A coding is compared as a whole token: "chunkedx" is not
/// chunked. A malformed list element ("chunked;", an empty parameter) is refused rather than read one way here
/// and maybe another by a proxy in front.
inline std::optional<refusal> framing_refusal(const boost::beast::http::request_header<>& request) {
    namespace http = boost::beast::http;
    using framing_detail::trimmed;
    const auto fields = request.equal_range(http::field::transfer_encoding);
    if (fields.first == fields.second) return std::nullopt;
    const auto bad = [](std::string reason) { return refusal{http::status::bad_request, std::move(reason)}; };
    if (request.version() < 11) return bad("Transfer-Encoding in an HTTP/1.0 request");
    if (request.find(http::field::content_length) != request.end())
        return bad("Transfer-Encoding together with Content-Length");
    std::vector<std::string_view> codings; // in order, across every Transfer-Encoding field
    for (auto field = fields.first; field != fields.second; ++field) {
        std::string_view list(field->value().data(), field->value().size());
        while (!list.empty()) {
            const auto comma = list.find(',');
            const std::string_view element = trimmed(list.substr(0, comma));
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            if (element.empty()) continue; // RFC 9110 §5.6.1: empty list elements do not count
            std::string_view rest = element;
            const std::string_view name = trimmed(rest.substr(0, rest.find(';')));
            bool well_formed = framing_detail::is_token(name);
            while (well_formed && rest.find(';') != std::string_view::npos) {
                rest = rest.substr(rest.find(';') + 1);
                well_formed = framing_detail::is_parameter(rest.substr(0, rest.find(';')));
            }
            if (!well_formed) return bad("malformed Transfer-Encoding element '" + std::string(element) + "'");
            codings.push_back(name);
        }
    }
    const auto is = [](std::string_view coding, std::string_view name) { return boost::beast::iequals(coding, name); };
    if (codings.empty() || !is(codings.back(), "chunked"))
        return bad("the final Transfer-Encoding is not chunked, so the body length is unknown");
    const auto compression = [&](std::string_view coding) {
        return is(coding, "gzip") || is(coding, "x-gzip") || is(coding, "deflate") || is(coding, "compress") || is(coding, "x-compress");
    };
    codings.pop_back();
    for (const std::string_view coding : codings)
        if (!compression(coding)) return bad("transfer coding '" + std::string(coding) + "' before chunked is not a known coding");
    // A known compression before chunked is well-framed, but the emulator does not decompress (RFC 9112 §6.1: 501).
    if (!codings.empty())
        return refusal{http::status::not_implemented, "transfer coding '" + std::string(codings.front()) + "' is not supported"};
    return std::nullopt;
}

} // namespace tcchat::cli
