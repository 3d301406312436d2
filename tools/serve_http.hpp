#pragma once
// The HTTP/1.1 side of `tcchat serve` (Boost.Beast): one strand per connection, the framing and size checks that
// keep a request from hiding in another, accept with backoff, a redacted log line per request.

#include <tcchat/emulator.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace tcchat::cli {

struct http_server_options {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t max_body_bytes = 0;
    std::chrono::seconds idle_timeout{30};
    unsigned threads = 4;
    std::size_t max_connections = 512; ///< past it, a new connection is answered 503 and closed
    bool quiet = false;
    std::string openapi_document; ///< the answer to GET /openapi.json (tools/openapi.hpp)
    std::string tls_certificate_file; ///< PEM chain; with tls_key_file, serve HTTPS instead of HTTP
    std::string tls_key_file;
};

/// How long the server waits before accepting again after `failed_accepts` accepts in a row failed (out of
/// descriptors, most often): 10 ms after the first, doubling up to 1 s. A failing accept returns at once, so
/// retrying at once would spin a core and write a log line per try.
constexpr std::chrono::milliseconds accept_pause(std::uint64_t failed_accepts) {
    constexpr std::chrono::milliseconds first{10}, longest{1000};
    std::chrono::milliseconds pause = first;
    for (std::uint64_t failure = 1; failure < failed_accepts && pause < longest; ++failure) pause *= 2;
    return std::min(pause, longest);
}

/// Serves `service` until SIGINT or SIGTERM; prints "listening on http://ADDR:PORT" (https:// with TLS) first.
/// Answers the exit code: 0 when stopped by a signal, 69 when the address cannot be listened on, 64 when it is no
/// IP address or the TLS certificate or key cannot be loaded.
int serve_http(emulation::emulator& service, const http_server_options& options);

} // namespace tcchat::cli
