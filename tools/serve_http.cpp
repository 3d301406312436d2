// The HTTP/1.1 server of `tcchat serve`. One strand per connection; the io_context runs on several threads
// because emulator::handle blocks for the length of an injected latency fault, and one slow answer must not
// hold up the other connections.

#include "serve_http.hpp"

#include "cli_common.hpp"

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

constexpr int exit_unavailable = 69; // sysexits EX_UNAVAILABLE: the address cannot be listened on

// Long enough for a client to read a rejection (413, 400) before the socket closes under what it still sends.
constexpr std::chrono::seconds lingering_close_time{2};

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
    const std::string& openapi_document;
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
        const bool contract = request.target() == "/openapi.json";
        if (contract && (request.method() == http::verb::get || request.method() == http::verb::head)) {
            response_.result(http::status::ok);
            set_body(context_.openapi_document, "application/json");
            if (request.method() == http::verb::head) response_.body().clear();
        } else if (request.method() != http::verb::post) {
            response_.result(http::status::method_not_allowed);
            response_.set(http::field::allow, contract ? "GET, HEAD" : "POST");
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

int serve_http(emulator& service, const http_server_options& options) {
    beast::error_code address_error;
    const auto address = asio::ip::make_address(options.bind_address, address_error);
    if (address_error) {
        std::cerr << "tcchat serve: --bind needs an IP address, not '" << options.bind_address << "'\n";
        return exit_usage;
    }
    server_log log(options.quiet);
    // Declared before the io_context, whose destruction drops the connections that still refer to it.
    const server_context context{service, log, options.max_body_bytes, options.idle_timeout, options.openapi_document};
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
