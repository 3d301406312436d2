#pragma once
// The emulator's side of a URL: a request target ("/path?query" or a whole URL) split into its path and its
// decoded query, as a server reads it. The client only builds URLs (url.hpp); this is what `tcchat serve`, the
// in-memory emulator and the tests read them back with.

#include <tcchat/version.hpp>
#include <tcchat/url.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace emulation {

/// A request target split into its path and decoded query parameters, in order.
struct request_target {
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;

    /// The decoded value of the first query parameter called `name`, or nullptr when there is none.
    const std::string* find(std::string_view name) const noexcept {
        for (const auto& [key, value] : query)
            if (key == name) return &value;
        return nullptr;
    }
};

/// Parses "scheme://host/path?query" or "/path?query". Fails on a malformed percent escape.
inline std::optional<request_target> parse_request_target(std::string_view url) {
    const std::size_t start = detail::request_target_start(url);
    url = start == std::string_view::npos ? std::string_view("/") : url.substr(start);
    request_target target;
    const auto question = url.find('?');
    auto path = percent_decode(url.substr(0, question));
    if (!path) return std::nullopt;
    target.path = std::move(*path);
    if (question == std::string_view::npos) return target;
    std::string_view query = url.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq));
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!key || !value) return std::nullopt;
        target.query.emplace_back(std::move(*key), std::move(*value));
    }
    return target;
}

} // namespace emulation
TCCHAT_NAMESPACE_END
