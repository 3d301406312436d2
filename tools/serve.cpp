// `tcchat serve`: tcchat::emulator behind a real HTTP/1.1 server (Boost.Beast), so curl, load tools and clients
// in any language can exercise the documented v4/recentcontact answers over a socket.
//
// One strand per connection; the io_context runs on several threads because emulator::handle blocks for the
// length of an injected latency fault, and one slow answer must not hold up the other connections.

#include "serve.hpp"

#if defined(__SANITIZE_THREAD__) && !defined(BOOST_ASIO_DISABLE_FENCED_BLOCK)
// ThreadSanitizer does not model the fences Asio puts around handler calls (GCC refuses them under -Werror=tsan);
// without them the scheduler's mutex still orders every handler.
#define BOOST_ASIO_DISABLE_FENCED_BLOCK 1
#endif

#include <tcchat/codec.hpp>
#include <tcchat/config.hpp>
#include <tcchat/emulator.hpp>
#include <tcchat/url.hpp>
#include <tcchat/version.hpp>
#if TCCHAT_CLI_WITH_USERSIG
#include <tcchat/usersig.hpp>
#endif

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace tcchat::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr int exit_ok = 0;
constexpr int exit_usage = 64;
constexpr int exit_unavailable = 69; // sysexits EX_UNAVAILABLE: the address cannot be listened on

constexpr std::uint32_t default_seed_sdkappid = 1400000000;
// Long enough for a client to read a rejection (413, 400) before the socket closes under what it still sends.
constexpr std::chrono::seconds lingering_close_time{2};

constexpr const char* serve_usage_text = R"(usage: tcchat serve [options]

Runs the v4/recentcontact emulator as an HTTP/1.1 server. The first line on stdout is
"listening on http://ADDR:PORT"; logs go to stderr with every usersig redacted, one line per
request with its HTTP status and ErrorCode.

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
  --max-body-bytes N     answer 413 to larger bodies without reading them (default TCCHAT_MAX_BODY_BYTES)
  --idle-timeout SECONDS close a connection whose next request takes longer to arrive (default 30)
  --threads N            threads serving connections (default 4)
  --fixed-time SECONDS   write this Unix time as every Timestamp, for reproducible answers
  --max-users N          users with stored state; a write that would add one more answers 70398
                         (default 100000; reads of unknown users store nothing)
  --max-state-bytes N    stored state; past it, create/update/mark answer 51008 until deletes free
                         some (default 268435456)
  --quiet                no log line per request

seed file:
  {"sdkappid": 1400000000,
   "calls": [{"command": "create_contact_group", "body": {...request...}}],
   "conversations": [{"user": "u1", "Type": 1, "peer": "u2", "MsgTime": 1700000000, "TopFlag": 1}],
   "faults": [{"command": "get_list", "count": 1, "rate": 0, "error_code": 0, "http_status": 502,
               "truncate_body": false, "latency_ms": 0}]}
  Every member is optional; "sdkappid" (default 1400000000) may also be given per call or conversation.
  Calls replay through the emulator in order and must all succeed.

exit codes: 0 stopped by SIGINT or SIGTERM, 64 usage error or bad seed file, 69 cannot listen
)";

int usage_error(const std::string& why) {
    std::cerr << "tcchat serve: " << why << "\n" << serve_usage_text;
    return exit_usage;
}

struct serve_options {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t page_size = emulator_options{}.page_size;
    double qps_cap = 0;
    bool groups_supported = true;
    std::string seed_file;
    bool verify_usersig = false;
    std::size_t max_body_bytes = TCCHAT_MAX_BODY_BYTES;
    std::chrono::seconds idle_timeout{30};
    unsigned threads = 4;
    std::optional<std::int64_t> fixed_time;
    bool quiet = false;
    std::size_t max_users = emulator_options{}.max_users;
    std::size_t max_state_bytes = emulator_options{}.max_state_bytes;
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
        } else if (name == "--fixed-time") {
            const auto seconds = parse_number<std::int64_t>(value, 0, std::numeric_limits<std::int64_t>::max());
            if (!seconds) return bad_value("a Unix time in seconds");
            options.fixed_time = *seconds;
        } else if (name == "--max-users") {
            const auto users = parse_number<std::size_t>(value, 1, std::numeric_limits<std::uint32_t>::max());
            if (!users) return bad_value("a positive number of users");
            options.max_users = *users;
        } else if (name == "--max-state-bytes") {
            const auto bytes = parse_number<std::size_t>(value, 1, std::numeric_limits<std::size_t>::max());
            if (!bytes) return bad_value("a positive number of bytes");
            options.max_state_bytes = *bytes;
        } else {
            return "unknown option " + name;
        }
    }
    return std::nullopt;
}

// ---- seed file ---------------------------------------------------------------------------------------------

struct seed_error : std::runtime_error {
    seed_error(const std::string& pointer, const std::string& message)
        : std::runtime_error((pointer.empty() ? "" : pointer + ": ") + message) {}
};

/// Typed access to one JSON object of the seed file; every error names the member's JSON Pointer.
class seed_object {
public:
    seed_object(const boost::json::value& value, std::string pointer) : pointer_(std::move(pointer)) {
        object_ = value.if_object();
        if (object_ == nullptr) throw seed_error(pointer_, "expected an object");
    }

    /// Rejects members the format does not know, so a typo does not silently seed nothing.
    void allow_only(std::initializer_list<std::string_view> names) const {
        for (const auto& member : *object_)
            if (std::find(names.begin(), names.end(), std::string_view(member.key())) == names.end())
                throw seed_error(pointer_, "unknown member \"" + std::string(member.key()) + "\"");
    }

    const boost::json::value* find(std::string_view name) const { return object_->if_contains(name); }

    std::string at(std::string_view name) const { return pointer_ + "/" + std::string(name); }

    template <class Number>
    Number number(std::string_view name, Number fallback, Number min, Number max) const {
        const boost::json::value* value = find(name);
        if (value == nullptr) return fallback;
        boost::json::error_code ec;
        const auto number = value->to_number<Number>(ec);
        if (ec || number < min || number > max)
            throw seed_error(at(name), "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
        return number;
    }

    std::string text(std::string_view name, std::optional<std::string> fallback = std::nullopt) const {
        const boost::json::value* value = find(name);
        if (value == nullptr && fallback) return *fallback;
        if (value == nullptr || !value->is_string()) throw seed_error(at(name), "expected a string");
        return std::string(value->get_string());
    }

    bool flag(std::string_view name) const {
        const boost::json::value* value = find(name);
        if (value == nullptr) return false;
        if (!value->is_bool()) throw seed_error(at(name), "expected true or false");
        return value->get_bool();
    }

    /// The array member `name` (empty when absent), each element with its pointer.
    std::vector<std::pair<const boost::json::value*, std::string>> items(std::string_view name) const {
        std::vector<std::pair<const boost::json::value*, std::string>> out;
        const boost::json::value* value = find(name);
        if (value == nullptr) return out;
        if (!value->is_array()) throw seed_error(at(name), "expected an array");
        for (std::size_t i = 0; i < value->get_array().size(); ++i)
            out.emplace_back(&value->get_array()[i], at(name) + "/" + std::to_string(i));
        return out;
    }

private:
    const boost::json::object* object_ = nullptr;
    std::string pointer_;
};

void apply_seed(emulator& service, const boost::json::value& root) {
    const seed_object seed(root, "");
    seed.allow_only({"sdkappid", "calls", "conversations", "faults"});
    constexpr std::uint32_t any_app = std::numeric_limits<std::uint32_t>::max();
    const std::uint32_t default_app = seed.number<std::uint32_t>("sdkappid", default_seed_sdkappid, 0, any_app);
    const auto app_of = [&](const seed_object& item) { return item.number<std::uint32_t>("sdkappid", default_app, 0, any_app); };

    for (const auto& [value, pointer] : seed.items("calls")) {
        const seed_object call(*value, pointer);
        call.allow_only({"command", "body", "sdkappid"});
        const std::string command = call.text("command");
        const boost::json::value* body = call.find("body");
        if (body == nullptr || !body->is_object()) throw seed_error(call.at("body"), "expected the request object");
        const std::string answer = service.execute(command, app_of(call), boost::json::serialize(*body));
        const auto envelope = decode<response_envelope>(answer);
        if (!envelope || !envelope->ok())
            throw seed_error(pointer, command + " did not succeed: " + answer);
    }

    for (const auto& [value, pointer] : seed.items("conversations")) {
        const seed_object conversation(*value, pointer);
        conversation.allow_only({"user", "Type", "peer", "MsgTime", "TopFlag", "sdkappid"});
        conversation_seed entry;
        if (conversation.find("Type") == nullptr) throw seed_error(conversation.at("Type"), "expected 1 (C2C) or 2 (group)");
        entry.type = static_cast<conversation_type>(conversation.number<int>("Type", 0, 1, 2));
        entry.peer = conversation.text("peer");
        entry.msg_time = conversation.number<std::int64_t>("MsgTime", 0, 0, std::numeric_limits<std::int64_t>::max());
        entry.pinned = conversation.number<int>("TopFlag", 0, 0, 1) == 1;
        service.seed_conversation(app_of(conversation), conversation.text("user"), entry);
    }

    for (const auto& [value, pointer] : seed.items("faults")) {
        const seed_object item(*value, pointer);
        item.allow_only({"command", "count", "rate", "error_code", "http_status", "truncate_body", "latency_ms"});
        fault injected;
        injected.command = item.text("command", "");
        injected.count = item.number<std::size_t>("count", 1, 1, std::numeric_limits<std::uint32_t>::max());
        injected.rate = item.number<double>("rate", 0, 0, 1);
        injected.error_code = item.number<int>("error_code", 0, 0, std::numeric_limits<int>::max());
        injected.http_status = item.number<int>("http_status", 0, 0, 599);
        injected.truncate_body = item.flag("truncate_body");
        injected.latency = std::chrono::milliseconds(item.number<int>("latency_ms", 0, 0, 600000));
        service.add_fault(std::move(injected));
    }
}

/// Reads and applies the seed file; returns the usage error, if any.
std::optional<std::string> load_seed(emulator& service, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot read seed file " + path;
    std::ostringstream text;
    text << in.rdbuf();
    boost::json::error_code ec;
    const boost::json::value root = boost::json::parse(text.str(), ec);
    if (ec) return "seed file " + path + " is not JSON: " + ec.message();
    try {
        apply_seed(service, root);
    } catch (const seed_error& e) {
        return "bad seed file " + path + ": " + e.what();
    }
    return std::nullopt;
}

// ---- usersig verification ----------------------------------------------------------------------------------

/// The emulator's usersig check from --secret-key; returns the usage error, if any.
std::optional<std::string> configure_usersig_check([[maybe_unused]] emulator_options& options) {
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

// ---- HTTP --------------------------------------------------------------------------------------------------

/// Whole lines on stderr from any thread. Callers pass request targets through redact_usersig first.
class server_log {
public:
    explicit server_log(bool quiet) : quiet_(quiet) {}

    void line(const std::string& text) {
        const std::lock_guard<std::mutex> lock(mutex_);
        std::cerr << "tcchat serve: " << text << '\n' << std::flush;
    }

    bool requests_enabled() const noexcept { return !quiet_; }

private:
    const bool quiet_;
    std::mutex mutex_;
};

struct server_context {
    emulator& service;
    server_log& log;
    std::size_t max_body_bytes;
    std::chrono::seconds idle_timeout;
};

/// A FAIL envelope in the emulator's own shape, for what the HTTP layer rejects before the emulator sees it.
std::string http_failure_envelope(std::string info) {
    return encode(response_envelope{"FAIL", static_cast<int>(code::http_parse_error), std::move(info), ""});
}

std::string_view to_std(beast::string_view text) { return {text.data(), text.size()}; }

struct refusal {
    http::status status;
    std::string reason;
};

/// Whether the body's length can be trusted (RFC 9112 §6.1, §6.3). Beast reads a Transfer-Encoding whose final
/// coding is not chunked as "no body", so the body's bytes would run as a second request on the connection: a
/// request smuggled past whatever looked at the first. The only coding served is a lone "chunked"; every
/// other Transfer-Encoding is refused, and the connection closed, before a body byte is read.
std::optional<refusal> framing_refusal(const http::request_header<>& request) {
    const auto fields = request.equal_range(http::field::transfer_encoding);
    if (fields.first == fields.second) return std::nullopt;
    const auto bad = [](std::string reason) { return refusal{http::status::bad_request, std::move(reason)}; };
    if (request.version() < 11) return bad("Transfer-Encoding in an HTTP/1.0 request");
    if (request.find(http::field::content_length) != request.end())
        return bad("Transfer-Encoding together with Content-Length");
    std::vector<std::string_view> codings; // in order, across every Transfer-Encoding field
    for (auto field = fields.first; field != fields.second; ++field) {
        std::string_view list = to_std(field->value());
        while (!list.empty()) {
            const auto comma = list.find(',');
            std::string_view coding = list.substr(0, comma);
            coding = coding.substr(0, coding.find(';')); // a coding's parameters do not change its name
            const auto first = coding.find_first_not_of(" \t");
            coding = first == std::string_view::npos ? std::string_view() : coding.substr(first, coding.find_last_not_of(" \t") - first + 1);
            if (!coding.empty()) codings.push_back(coding);
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
    }
    const auto is = [](std::string_view coding, std::string_view name) { return beast::iequals(coding, name); };
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

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, const server_context& context) : stream_(std::move(socket)), context_(context) {
        beast::error_code ec;
        const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
        peer_ = ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
    }

    void start() {
        asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::read_header, shared_from_this()));
    }

private:
    // The header comes first and alone, so an oversized Content-Length is refused before any body byte is read.
    void read_header() {
        parser_.emplace();
        parser_->body_limit(context_.max_body_bytes);
        stream_.expires_after(context_.idle_timeout);
        http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        const auto& request = parser_->get();
        if (auto refusal = framing_refusal(request)) return reject(refusal->status, std::move(refusal->reason));
        if (!beast::iequals(request[http::field::expect], "100-continue")) return read_body();
        // curl holds back a body over 1 KiB for a second unless told to go on.
        auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, request.version());
        http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code write_error, std::size_t) {
            if (write_error) return self->close();
            self->read_body();
        });
    }

    void read_body() {
        stream_.expires_after(context_.idle_timeout);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_request, shared_from_this()));
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::body_limit)
            return reject(http::status::payload_too_large,
                          "the body is larger than " + std::to_string(context_.max_body_bytes) + " bytes");
        if (ec == http::error::header_limit)
            return reject(http::status::request_header_fields_too_large, "the request header is too large");
        // end_of_stream and partial_message are the client leaving; a timeout or reset leaves nobody to answer.
        const bool malformed = ec.category() == http::make_error_code(http::error::bad_method).category() &&
                               ec != http::error::end_of_stream && ec != http::error::partial_message;
        if (malformed) return reject(http::status::bad_request, "malformed HTTP request: " + ec.message());
        close();
    }

    void on_request(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        const auto started = std::chrono::steady_clock::now();
        const auto& request = parser_->get();
        response_ = {};
        response_.version(request.version());
        int error_code = 0;
        if (request.method() != http::verb::post) {
            response_.result(http::status::method_not_allowed);
            response_.set(http::field::allow, "POST");
            set_body(http_failure_envelope("only POST is served, not " + std::string(to_std(request.method_string()))),
                     "application/json");
            // A HEAD answer carries no body; one here would be read as the next answer on the connection.
            if (request.method() == http::verb::head) response_.body().clear();
        } else {
            http_response answer = context_.service.handle(to_std(request.target()), request.body(), &error_code);
            response_.result(static_cast<unsigned>(answer.status));
            // An injected HTTP status comes with the HTML page a gateway would send.
            set_body(std::move(answer.body), answer.status == 200 ? "application/json" : "text/html");
        }
        if (context_.log.requests_enabled()) {
            const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
            std::ostringstream line;
            line << peer_ << ' ' << request.method_string() << ' ' << redact_usersig(to_std(request.target())) << " -> "
                 << response_.result_int() << " ErrorCode " << error_code << " (" << response_.body().size() << " bytes, " << std::fixed
                 << std::setprecision(3) << took.count() << " ms)";
            context_.log.line(line.str());
        }
        write_response(request.keep_alive());
    }

    void set_body(std::string body, const char* content_type) {
        response_.set(http::field::server, "tcchat-emulator/" TCCHAT_VERSION_STRING);
        response_.set(http::field::content_type, content_type);
        response_.body() = std::move(body);
    }

    /// Answers what cannot be served, then closes: the rest of the connection's bytes cannot be trusted.
    void reject(http::status status, std::string info) {
        context_.log.line(peer_ + " rejected with " + std::to_string(static_cast<unsigned>(status)) + ": " + info);
        response_ = {};
        response_.version(11);
        response_.result(status);
        set_body(http_failure_envelope(std::move(info)), "application/json");
        write_response(false);
    }

    void write_response(bool keep_alive) {
        response_.keep_alive(keep_alive);
        response_.prepare_payload();
        stream_.expires_after(context_.idle_timeout);
        http::async_write(stream_, response_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            if (keep_alive) return self->read_header();
            self->close_lingering();
        });
    }

    // Closing with unread bytes makes the kernel send a reset, which can destroy the answer before the client
    // reads it; so stop sending, then read and discard (constant memory) until the client closes or time is up.
    void close_lingering() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(lingering_close_time);
        discard_until_closed();
    }

    void discard_until_closed() {
        stream_.async_read_some(asio::buffer(discarded_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->discard_until_closed();
        });
    }

    void close() { stream_.close(); }

    beast::tcp_stream stream_;
    const server_context& context_;
    std::string peer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_; // one per request: parsers are not reusable
    http::response<http::string_body> response_;
    std::array<char, 4096> discarded_{};
};

/// Accepts connections. When accept fails (out of descriptors, most often), it waits before trying again, from
/// 10 ms doubling to 1 s, instead of failing again at once: a failing accept returns immediately, so retrying
/// at once spins a core and writes a log line per try. The episode is logged when it starts and when it ends.
class listener : public std::enable_shared_from_this<listener> {
public:
    listener(asio::io_context& io, tcp::acceptor acceptor, const server_context& context)
        : io_(io), acceptor_(std::move(acceptor)), retry_timer_(acceptor_.get_executor()), context_(context) {}

    void accept() {
        acceptor_.async_accept(asio::make_strand(io_), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

private:
    static constexpr std::chrono::milliseconds first_pause{10};
    static constexpr std::chrono::milliseconds longest_pause{1000};

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) return pause_accepting(ec);
        if (failed_accepts_ > 0) {
            context_.log.line("accepting again after " + std::to_string(failed_accepts_) + " failed accepts");
            failed_accepts_ = 0;
            pause_ = first_pause;
        }
        std::make_shared<session>(std::move(socket), context_)->start();
        accept();
    }

    void pause_accepting(beast::error_code ec) {
        if (failed_accepts_++ == 0)
            context_.log.line("accept failed: " + ec.message() + "; open connections are still served, and accepting resumes"
                              " with backoff (logged again when it succeeds)");
        retry_timer_.expires_after(pause_);
        pause_ = std::min(pause_ * 2, longest_pause);
        retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_error) {
            if (!wait_error) self->accept();
        });
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    const server_context& context_;
    std::uint64_t failed_accepts_ = 0;
    std::chrono::milliseconds pause_ = first_pause;
};

/// A listening acceptor, or the reason there is none.
std::variant<tcp::acceptor, std::string> open_acceptor(asio::io_context& io, const tcp::endpoint& endpoint) {
    tcp::acceptor acceptor(asio::make_strand(io));
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec.message();
    return acceptor;
}

std::string url_of(const tcp::endpoint& endpoint) {
    const std::string host = endpoint.address().to_string();
    return "http://" + (endpoint.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(endpoint.port());
}

/// Runs the io_context until it is stopped; a handler that throws costs its connection, not the server.
void serve_until_stopped(asio::io_context& io, server_log& log) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            log.line(std::string("a connection failed: ") + e.what());
        }
    }
}

} // namespace

int run_serve(const std::vector<std::string>& args) {
    if (args.size() == 2 && (args[1] == "--help" || args[1] == "-h")) {
        std::cout << serve_usage_text;
        return exit_ok;
    }
    serve_options options;
    if (auto problem = parse_options(args, options)) return usage_error(*problem);

    beast::error_code address_error;
    const auto address = asio::ip::make_address(options.bind_address, address_error);
    if (address_error) return usage_error("--bind needs an IP address, not '" + options.bind_address + "'");

    emulator_options settings;
    settings.page_size = options.page_size;
    settings.edition_supports_groups = options.groups_supported;
    settings.decoding.max_body_bytes = options.max_body_bytes;
    settings.max_users = options.max_users;
    settings.max_state_bytes = options.max_state_bytes;
    if (options.fixed_time) settings.clock = [at = *options.fixed_time] { return at; };
    if (options.verify_usersig)
        if (auto problem = configure_usersig_check(settings)) return usage_error(*problem);

    emulator service(std::move(settings));
    service.set_qps_cap(options.qps_cap);
    if (!options.seed_file.empty())
        if (auto problem = load_seed(service, options.seed_file)) return usage_error(*problem);

    server_log log(options.quiet);
    // Declared before the io_context, whose destruction drops the connections that still refer to it.
    const server_context context{service, log, options.max_body_bytes, options.idle_timeout};
    asio::io_context io(static_cast<int>(options.threads));
    auto acceptor = open_acceptor(io, tcp::endpoint(address, options.port));
    if (auto* failure = std::get_if<std::string>(&acceptor)) {
        std::cerr << "tcchat serve: cannot listen on " << options.bind_address << ":" << options.port << ": " << *failure
                  << "\n";
        return exit_unavailable;
    }
    const tcp::endpoint bound = std::get<tcp::acceptor>(acceptor).local_endpoint();
    std::make_shared<listener>(io, std::move(std::get<tcp::acceptor>(acceptor)), context)->accept();

    asio::signal_set stop_signals(io, SIGINT, SIGTERM);
    stop_signals.async_wait([&](beast::error_code ec, int signal_number) {
        if (ec) return;
        log.line(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
        // Open connections are dropped with the io_context: a stopped emulator has nothing left to answer.
        io.stop();
    });

    std::cout << "listening on " << url_of(bound) << std::endl;
    log.line("listening on " + url_of(bound) + " with " + std::to_string(options.threads) + " threads");

    std::vector<std::thread> workers;
    for (unsigned i = 1; i < options.threads; ++i) workers.emplace_back([&] { serve_until_stopped(io, log); });
    serve_until_stopped(io, log);
    for (auto& worker : workers) worker.join();
    return exit_ok;
}

} // namespace tcchat::cli
