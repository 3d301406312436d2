// `tcchat serve`: tcchat::emulation::emulator behind a real HTTP/1.1 server, so curl, load tools and clients in any
// language can exercise the documented v4/recentcontact answers over a socket. This file reads the options and
// wires the parts together: the emulator's settings, the UserSig check, the seed file (serve_seed.cpp) and the
// HTTP server (serve_http.cpp).

#include "serve.hpp"

#include "cli_common.hpp"
#include "openapi.hpp"
#include "serve_http.hpp"
#include "serve_seed.hpp"

#include <tcchat/config.hpp>
#include <tcchat/emulator.hpp>
#if TCCHAT_CLI_WITH_USERSIG
#include <tcchat/usersig.hpp>
#endif

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcchat::cli {
namespace {

constexpr const char* serve_usage_text = R"(usage: tcchat serve [options]

Runs the v4/recentcontact emulator as an HTTP/1.1 server. The first line on stdout is
"listening on http://ADDR:PORT"; logs go to stderr with every usersig redacted, one line per
request with its HTTP status and ErrorCode. GET /openapi.json answers the contract, and
GET /connections {"accepted":N,"open":M}: the sockets accepted since the start (the asking one
included) and those open now.

options:
  --bind ADDR            address to listen on (default 127.0.0.1)
  --port N               port to listen on; 0 picks a free one (default 0)
  --page-size N          get_contact_group and get_list page length (default 100)
  --qps N                answer 60007 past N calls per second for each app and command, as each
                         endpoint page states its own limit (default: no cap)
  --edition basic|pro    basic answers 51013 to group and mark commands (default pro)
  --seed FILE            preload state and faults from a JSON file (format below)
  --secret-key           verify each usersig with the SecretKey in $TCCHAT_SECRET_KEY
                         (never given on the command line, where ps would show it)
  --max-body-bytes N     answer 413 to larger bodies without reading them (default TCCHAT_MAX_BODY_BYTES);
                         a chunked body may bring at most 64 KiB of chunk framing on top, a header
                         8 KiB (431 past it), a chunk-size line or trailer 4 KiB (400 past it)
  --idle-timeout SECONDS close a connection whose next request takes longer to arrive (default 30)
  --threads N            threads serving connections (default 4)
  --max-connections N    connections served at once; one more is answered 503 and closed
                         (default 512)
  --fixed-time SECONDS   write this Unix time as every Timestamp, for reproducible answers
  --max-groups N         conversation groups per user; one more answers 51010 (default 20)
  --conversation-quota N conversations per user in groups or with marks; one more fails its item with
                         51008 (default 1000): small values reach the quotas in a few calls
  --max-users N          users with stored state; a write that would add one more answers 70398
                         (default 100000; reads of unknown users store nothing)
  --max-state-bytes N    stored state; past it, create/update/mark answer 51008 until deletes free
                         some (default 268435456)
  --tls-cert FILE        serve HTTPS with this PEM certificate chain (needs --tls-key); the first
                         stdout line then says https://
  --tls-key FILE         the PEM private key of --tls-cert
  --quiet                no log line per request

seed file:
  {"sdkappid": 1400000000,
   "calls": [{"command": "create_contact_group", "body": {...request...}}],
   "conversations": [{"user": "u1", "type": 1, "peer": "u2", "msg_time": 1700000000, "pinned": true}],
   "faults": [{"command": "get_list", "count": 1, "rate": 0, "error_code": 0, "http_status": 502,
               "truncate_body": false, "latency_ms": 0}]}
  Every member is optional; "sdkappid" (default 1400000000) may also be given per call or conversation.
  A fault's "http_status" is 0 (none) or 200-599 other than 204 and 304, which carry no body.
  Calls replay through the emulator in order and must all succeed.

exit codes: 0 stopped by SIGINT or SIGTERM, 64 usage error or bad seed file, 69 cannot listen
)";

int serve_usage_error(const std::string& why) {
    std::cerr << "tcchat serve: " << why << "\n" << serve_usage_text;
    return exit_usage;
}

struct serve_options {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t page_size = emulation::emulator_options{}.page_size;
    double qps_cap = 0;
    bool groups_supported = true;
    std::string seed_file;
    bool verify_usersig = false;
    std::size_t max_body_bytes = TCCHAT_MAX_BODY_BYTES;
    std::chrono::seconds idle_timeout{30};
    unsigned threads = 4;
    std::size_t max_connections = http_server_options{}.max_connections;
    std::optional<std::int64_t> fixed_time;
    bool quiet = false;
    std::size_t max_groups_per_user = emulation::emulator_options{}.max_groups_per_user;
    std::size_t conversation_quota = emulation::emulator_options{}.conversation_quota;
    std::size_t max_users = emulation::emulator_options{}.max_users;
    std::size_t max_state_bytes = emulation::emulator_options{}.max_state_bytes;
    std::string tls_certificate_file;
    std::string tls_key_file;
};

template <class Number>
std::optional<Number> parse_number(std::string_view text, Number min, Number max) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    // Written as "not within" so that a NaN from "--qps nan" is refused too.
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(min <= value && value <= max))
        return std::nullopt;
    return value;
}

/// Fills `options` from args[1..]; returns the usage error, if any. Values come as "--name VALUE" or
/// "--name=VALUE".
std::optional<std::string> parse_options(const std::vector<std::string>& args, serve_options& options) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string name = args[i];
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (name == "--secret-key") {
            if (inline_value) return "--secret-key takes no value: put the key in TCCHAT_SECRET_KEY";
            options.verify_usersig = true;
            continue;
        }
        if (name == "--quiet" && !inline_value) {
            options.quiet = true;
            continue;
        }
        std::string value;
        if (inline_value) {
            value = *inline_value;
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return "unknown option or missing value: " + name;
        }
        auto bad_value = [&](std::string_view expectation) {
            return name + " needs " + std::string(expectation) + ", not '" + value + "'";
        };
        if (name == "--bind") {
            boost::system::error_code not_an_address;
            (void)boost::asio::ip::make_address(value, not_an_address);
            if (not_an_address) return bad_value("an IP address");
            options.bind_address = value;
        } else if (name == "--port") {
            const auto port = parse_number<std::uint16_t>(value, 0, 65535);
            if (!port) return bad_value("a port number (0-65535)");
            options.port = *port;
        } else if (name == "--page-size") {
            const auto size = parse_number<std::size_t>(value, 1, 1000000);
            if (!size) return bad_value("a positive number");
            options.page_size = *size;
        } else if (name == "--qps") {
            const auto qps = parse_number<double>(value, 0, 1e9);
            if (!qps) return bad_value("a number of calls per second (0: no cap)");
            options.qps_cap = *qps;
        } else if (name == "--edition") {
            if (value != "basic" && value != "pro") return bad_value("basic or pro");
            options.groups_supported = value == "pro";
        } else if (name == "--seed") {
            options.seed_file = value;
        } else if (name == "--max-body-bytes") {
            const auto bytes = parse_number<std::size_t>(value, 1, std::numeric_limits<std::uint32_t>::max());
            if (!bytes) return bad_value("a positive number of bytes");
            options.max_body_bytes = *bytes;
        } else if (name == "--idle-timeout") {
            const auto seconds = parse_number<int>(value, 1, 86400);
            if (!seconds) return bad_value("a number of seconds (1-86400)");
            options.idle_timeout = std::chrono::seconds(*seconds);
        } else if (name == "--threads") {
            const auto threads = parse_number<unsigned>(value, 1, 256);
            if (!threads) return bad_value("a number of threads (1-256)");
            options.threads = *threads;
        } else if (name == "--max-connections") {
            const auto connections = parse_number<std::size_t>(value, 1, 1000000);
            if (!connections) return bad_value("a number of connections (1-1000000)");
            options.max_connections = *connections;
        } else if (name == "--fixed-time") {
            const auto seconds = parse_number<std::int64_t>(value, 0, std::numeric_limits<std::int64_t>::max());
            if (!seconds) return bad_value("a Unix time in seconds");
            options.fixed_time = *seconds;
        } else if (name == "--max-groups") {
            const auto groups = parse_number<std::size_t>(value, 0, 1000000);
            if (!groups) return bad_value("a number of groups (0-1000000)");
            options.max_groups_per_user = *groups;
        } else if (name == "--conversation-quota") {
            const auto conversations = parse_number<std::size_t>(value, 0, 100000000);
            if (!conversations) return bad_value("a number of conversations (0-100000000)");
            options.conversation_quota = *conversations;
        } else if (name == "--max-users") {
            const auto users = parse_number<std::size_t>(value, 1, std::numeric_limits<std::uint32_t>::max());
            if (!users) return bad_value("a positive number of users");
            options.max_users = *users;
        } else if (name == "--max-state-bytes") {
            const auto bytes = parse_number<std::size_t>(value, 1, std::numeric_limits<std::size_t>::max());
            if (!bytes) return bad_value("a positive number of bytes");
            options.max_state_bytes = *bytes;
        } else if (name == "--tls-cert") {
            options.tls_certificate_file = value;
        } else if (name == "--tls-key") {
            options.tls_key_file = value;
        } else {
            return "unknown option " + name;
        }
    }
    if (options.tls_certificate_file.empty() != options.tls_key_file.empty()) return "--tls-cert and --tls-key go together";
    return std::nullopt;
}

/// The emulator's usersig check from --secret-key; returns the usage error, if any.
std::optional<std::string> configure_usersig_check([[maybe_unused]] emulation::emulator_options& options) {
#if TCCHAT_CLI_WITH_USERSIG
    const char* key_text = std::getenv("TCCHAT_SECRET_KEY");
    if (key_text == nullptr || *key_text == '\0') return "--secret-key needs the SecretKey in TCCHAT_SECRET_KEY";
    // Shared, not copied: std::function needs a copyable callable and secret_key wipes its single block.
    auto key = std::make_shared<const usersig::secret_key>(key_text);
    options.verify_usersig = [key](const call_parameters& call) {
        const auto verdict = usersig::verify(call.usersig, call.sdkappid, call.identifier, key->reveal(), usersig::unix_now());
        if (verdict) return 0;
        // The service knows no local-limit code: an over-long usersig is simply one that does not verify.
        if (verdict.error().value() == static_cast<int>(code::local_limit_exceeded))
            return static_cast<int>(code::usersig_verification_failed);
        return verdict.error().value();
    };
    return std::nullopt;
#else
    return "--secret-key needs a tcchat built with TCCHAT_WITH_USERSIG (OpenSSL and zlib)";
#endif
}

} // namespace

int run_serve(const std::vector<std::string>& args) {
    // Every write to a closed pipe or socket then fails with EPIPE instead of killing the server: a log reader
    // that goes away (`tcchat serve 2>&1 | head -1`) must not take the emulator down with it.
    std::signal(SIGPIPE, SIG_IGN);
    if (args.size() == 2 && (args[1] == "--help" || args[1] == "-h")) {
        std::cout << serve_usage_text;
        return exit_ok;
    }
    serve_options options;
    if (auto problem = parse_options(args, options)) return serve_usage_error(*problem);

    emulation::emulator_options settings;
    settings.page_size = options.page_size;
    settings.edition_supports_groups = options.groups_supported;
    settings.decoding.max_body_bytes = options.max_body_bytes;
    settings.max_groups_per_user = options.max_groups_per_user;
    settings.conversation_quota = options.conversation_quota;
    settings.max_users = options.max_users;
    settings.max_state_bytes = options.max_state_bytes;
    // Nothing in serve reads the call log, and its entries hold request fields of up to a header's size.
    settings.call_log_limit = 0;
    if (options.fixed_time) settings.clock = [at = *options.fixed_time] { return at; };
    if (options.verify_usersig)
        if (auto problem = configure_usersig_check(settings)) return serve_usage_error(*problem);

    emulation::emulator service(std::move(settings));
    service.set_qps_cap(options.qps_cap);
    if (!options.seed_file.empty())
        if (auto problem = load_seed(service, options.seed_file)) return serve_usage_error(*problem);

    return serve_http(service, {options.bind_address, options.port, options.max_body_bytes, options.idle_timeout,
                                options.threads, options.max_connections, options.quiet, openapi_document(false),
                                options.tls_certificate_file, options.tls_key_file});
}

} // namespace tcchat::cli
