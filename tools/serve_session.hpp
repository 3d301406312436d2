#pragma once
// One connection of `tcchat serve`: read a request within bounds, answer it, keep the connection or close it.
// A template on the stream so that the same code runs on a TCP socket in the server (plain, or with TLS when
// serve has --tls-cert), and on one end of a socketpair in tests and in the fuzzer (fuzz/serve_http.cpp), with
// no listener.

#include "serve_framing.hpp"

#include <tcchat/codec.hpp>
#include <tcchat/emulator.hpp>
#include <tcchat/model.hpp>
#include <tcchat/url.hpp>
#include <tcchat/version.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace tcchat::cli {

/// A request header longer than this is answered 431.
constexpr std::uint32_t request_header_limit = 8 * 1024;
/// What the read buffer may hold beyond a whole header: room for a chunk-size line with its extensions, or a
/// trailer line, which must fit whole in the buffer before Beast can parse it; a longer one is answered 400.
constexpr std::size_t chunk_line_allowance = 4 * 1024;
/// The read buffer's bound. Without one, a chunk-size line, extension or trailer that never ends grows it for as
/// long as the client sends.
constexpr std::size_t read_buffer_limit = request_header_limit + chunk_line_allowance;
/// What one request may cost in bytes read beyond its header and --max-body-bytes of body: the chunk framing.
/// Without a bound, one-byte chunks with long extensions keep a connection reading long past the body limit.
constexpr std::size_t chunk_framing_allowance = 64 * 1024;

/// Long enough for a client to read a rejection (413, 400) before the socket closes under what it still sends.
constexpr std::chrono::seconds lingering_close_time{2};

/// `text` with every byte outside printable ASCII (0x20-0x7E) written as \xHH: a request target may carry ESC,
/// C1 controls, NEL or U+2028, which a terminal or a log viewer would act on or read as a line break.
inline std::string log_escaped(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte <= 0x7e) {
            out.push_back(c);
        } else {
            out += "\\x";
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xf]);
        }
    }
    return out;
}

/// Whole lines on one stream (stderr in the server) from any thread, each escaped by log_escaped. Callers pass
/// request targets through redact_usersig first.
class server_log {
public:
    explicit server_log(bool quiet, std::ostream& out = std::cerr) : quiet_(quiet), out_(out) {}

    void line(std::string_view text) {
        const std::string escaped = log_escaped(text);
        const std::lock_guard<std::mutex> lock(mutex_);
        out_ << "tcchat serve: " << escaped << '\n' << std::flush;
    }

    bool requests_enabled() const noexcept { return !quiet_; }

private:
    const bool quiet_;
    std::ostream& out_;
    std::mutex mutex_;
};

/// Connections accepted and open since the server started: `GET /connections` answers them, so that tests can
/// count the sockets a client opens and reuses.
struct connection_counters {
    std::atomic<std::uint64_t> accepted{0}; ///< every accepted socket, refused ones and the asking one included
    std::atomic<std::uint64_t> open{0};     ///< sessions not yet closed
};

/// What every connection of one server shares.
struct server_context {
    emulation::emulator& service;
    server_log& log;
    std::size_t max_body_bytes;
    std::chrono::seconds idle_timeout;
    const std::string& openapi_document;
    connection_counters* counters = nullptr; ///< null in tests and the fuzzer, which serve one connection
};

/// Whether a session's stream carries TLS, which it shakes hands on before the first request.
template <class Stream, class = void>
struct is_tls_stream : std::false_type {};
template <class Stream>
struct is_tls_stream<Stream, std::void_t<decltype(std::declval<Stream&>().native_handle()), typename Stream::next_layer_type>>
    : std::true_type {};

/// Open connections against --max-connections. A connection holds a slot until it closes its socket.
class connection_limit {
public:
    explicit connection_limit(std::size_t most) : most_(most) {}

    /// Releases its place on destruction; an empty slot (the default) counts nothing.
    class slot {
    public:
        slot() = default;
        slot(slot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)) {}
        slot& operator=(slot&&) = delete;
        ~slot() { release(); }

        /// Gives the place back now; later calls and the destructor count nothing.
        void release() noexcept {
            if (limit_ != nullptr) std::exchange(limit_, nullptr)->open_.fetch_sub(1, std::memory_order_relaxed);
        }

    private:
        friend class connection_limit;
        explicit slot(connection_limit& limit) : limit_(&limit) {}
        connection_limit* limit_ = nullptr;
    };

    /// A slot, or nullopt when `most` connections are open.
    std::optional<slot> try_open() {
        if (open_.fetch_add(1, std::memory_order_relaxed) >= most_) {
            open_.fetch_sub(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        return slot(*this);
    }

    std::size_t most() const noexcept { return most_; }

private:
    const std::size_t most_;
    std::atomic<std::size_t> open_{0};
};

/// A FAIL envelope in the emulator's own shape, for what the HTTP layer rejects before the emulator sees it.
inline std::string http_failure_envelope(std::string info) {
    return encode(response_envelope{"FAIL", static_cast<int>(code::http_parse_error), std::move(info), ""});
}

/// One connection on a beast::basic_stream (`Stream`): requests in order, each read within the bounds above,
/// answered, and the connection kept or closed. Owned by shared_ptr; every handler holds one.
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
    /// `peer` names the client in log lines; `slot` is released when the session ends.
    session(Stream stream, const server_context& context, std::string peer, connection_limit::slot slot = {})
        : stream_(std::move(stream)), context_(context), peer_(std::move(peer)), slot_(std::move(slot)) {}

    /// Serves requests until the client leaves or a request cannot be served.
    void start() {
        if (context_.counters != nullptr) context_.counters->open.fetch_add(1, std::memory_order_relaxed);
        counted_ = context_.counters != nullptr;
        if constexpr (is_tls_stream<Stream>::value) {
            // The handshake is bounded like a request: a client that connects and never speaks holds nothing for long.
            boost::beast::get_lowest_layer(stream_).expires_after(context_.idle_timeout);
            stream_.async_handshake(Stream::server, [self = this->shared_from_this()](io_error ec) {
                if (ec) {
                    self->context_.log.line(self->peer_ + " TLS handshake failed: " + ec.message());
                    return self->close();
                }
                self->read_header();
            });
        } else {
            boost::asio::dispatch(stream_.get_executor(), boost::beast::bind_front_handler(&session::read_header, this->shared_from_this()));
        }
    }

    /// Answers `status` without reading a request, then closes at once (a connection past --max-connections):
    /// no lingering, which would hold a descriptor for seconds per refused connection in a flood. `logged`:
    /// whether the refusal gets a log line (the listener logs one per episode, not one per connection).
    void start_refused(boost::beast::http::status status, std::string info, bool logged) {
        refused_at_accept_ = true;
        boost::asio::dispatch(stream_.get_executor(), [self = this->shared_from_this(), status, info = std::move(info), logged]() mutable {
            self->reject(status, std::move(info), logged);
        });
    }

    /// The most the read buffer has held room for: bounded by read_buffer_limit.
    std::size_t read_buffer_capacity() const noexcept { return buffer_.capacity(); }

private:
    using io_error = boost::beast::error_code;
    using http_status = boost::beast::http::status;

    static std::string_view to_std(boost::beast::string_view text) { return {text.data(), text.size()}; }

    // The header comes first and alone, so an oversized Content-Length is refused before any body byte is read.
    void read_header() {
        parser_.emplace();
        parser_->header_limit(request_header_limit);
        parser_->body_limit(context_.max_body_bytes);
        boost::beast::get_lowest_layer(stream_).expires_after(context_.idle_timeout);
        boost::beast::http::async_read_header(stream_, buffer_, *parser_,
                                              boost::beast::bind_front_handler(&session::on_header, this->shared_from_this()));
    }

    void on_header(io_error ec, std::size_t header_bytes) {
        namespace http = boost::beast::http;
        if (ec) return on_read_error(ec);
        request_bytes_ = header_bytes;
        const auto& request = parser_->get();
        if (auto refused = framing_refusal(request)) return reject(refused->status, std::move(refused->reason));
        // RFC 9110 §10.1.1: an HTTP/1.0 client knows no 100 Continue, so its Expect is ignored.
        if (request.version() < 11 || !boost::beast::iequals(request[http::field::expect], "100-continue")) return read_body();
        // curl holds back a body over 1 KiB for a second unless told to go on.
        auto go_on = std::make_shared<http::response<http::empty_body>>(http_status::continue_, request.version());
        http::async_write(stream_, *go_on, [self = this->shared_from_this(), go_on](io_error write_error, std::size_t) {
            if (write_error) return self->close();
            self->read_body();
        });
    }

    // The body in pieces, counting what each costs: the parser's body limit does not see chunk framing. The timer
    // set in read_header bounds the whole request: restarted for each piece, a byte every 29 s would hold the
    // connection (and a --max-connections slot) for ever.
    void read_body() {
        if (parser_->is_done()) return on_request();
        boost::beast::http::async_read_some(stream_, buffer_, *parser_,
                                            boost::beast::bind_front_handler(&session::on_body_part, this->shared_from_this()));
    }

    void on_body_part(io_error ec, std::size_t consumed) {
        if (ec) return on_read_error(ec);
        request_bytes_ += consumed;
        const std::size_t most = request_header_limit + context_.max_body_bytes + chunk_framing_allowance;
        if (request_bytes_ > most)
            return reject(http_status::payload_too_large,
                          "the request with its chunk framing is longer than " + std::to_string(most) + " bytes");
        read_body();
    }

    void on_read_error(io_error ec) {
        namespace http = boost::beast::http;
        if (ec == http::error::body_limit)
            return reject(http_status::payload_too_large, "the body is larger than " + std::to_string(context_.max_body_bytes) + " bytes");
        if (ec == http::error::header_limit) return reject(http_status::request_header_fields_too_large, "the request header is too large");
        if (ec == http::error::buffer_overflow)
            return reject(http_status::bad_request, "a chunk-size line, chunk extension or trailer is longer than " +
                                                   std::to_string(chunk_line_allowance) + " bytes");
        // end_of_stream and partial_message are the client leaving; a timeout or reset leaves nobody to answer.
        const bool malformed = ec.category() == http::make_error_code(http::error::bad_method).category() &&
                               ec != http::error::end_of_stream && ec != http::error::partial_message;
        if (malformed) return reject(http_status::bad_request, "malformed HTTP request: " + ec.message());
        close();
    }

    void on_request() {
        namespace http = boost::beast::http;
        const auto started = std::chrono::steady_clock::now();
        const auto& request = parser_->get();
        response_ = {};
        response_.version(request.version());
        int error_code = 0;
        const bool contract = request.target() == "/openapi.json";
        const bool counts = request.target() == "/connections" && context_.counters != nullptr;
        const bool reads = request.method() == http::verb::get || request.method() == http::verb::head;
        if (contract && reads) {
            response_.result(http_status::ok);
            set_body(context_.openapi_document, "application/json");
        } else if (counts && reads) {
            response_.result(http_status::ok);
            set_body("{\"accepted\":" + std::to_string(context_.counters->accepted.load()) +
                         ",\"open\":" + std::to_string(context_.counters->open.load()) + "}",
                     "application/json");
        } else if (request.method() != http::verb::post) {
            response_.result(http_status::method_not_allowed);
            response_.set(http::field::allow, contract || counts ? "GET, HEAD" : "POST");
            set_body(http_failure_envelope("only POST is served, not " + std::string(to_std(request.method_string()))),
                     "application/json");
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
                 << response_.result_int() << " ErrorCode " << error_code << " (" << response_.body().size() << " bytes, "
                 << std::fixed << std::setprecision(3) << took.count() << " ms)";
            context_.log.line(line.str());
        }
        write_response(request.keep_alive(), request.method() == http::verb::head);
    }

    void set_body(std::string body, const char* content_type) {
        namespace http = boost::beast::http;
        response_.set(http::field::server, "tcchat-emulator/" TCCHAT_VERSION_STRING);
        response_.set(http::field::content_type, content_type);
        response_.body() = std::move(body);
    }

    /// Answers what cannot be served, then closes: the rest of the connection's bytes cannot be trusted.
    void reject(http_status code, std::string info, bool logged = true) {
        if (logged) context_.log.line(peer_ + " rejected with " + std::to_string(static_cast<unsigned>(code)) + ": " + info);
        response_ = {};
        response_.version(11);
        response_.result(code);
        set_body(http_failure_envelope(std::move(info)), "application/json");
        write_response(false, false);
    }

    /// `head`: the answer to a HEAD request, which carries the Content-Length a GET would get and no body
    /// (RFC 9110 §9.3.2); a body here would be read as the next answer on the connection.
    void write_response(bool keep_alive, bool head) {
        response_.keep_alive(keep_alive);
        response_.prepare_payload();
        if (head) response_.body().clear(); // after prepare_payload, which set the length from it
        boost::beast::get_lowest_layer(stream_).expires_after(context_.idle_timeout);
        boost::beast::http::async_write(stream_, response_, [self = this->shared_from_this(), keep_alive](io_error ec, std::size_t) {
            if (ec) return self->close();
            if (keep_alive) return self->read_header();
            if (self->refused_at_accept_) return self->close();
            self->close_lingering();
        });
    }

    // Closing with unread bytes makes the kernel send a reset, which can destroy the answer before the client
    // reads it; so stop sending, then read and discard (constant memory) until the client closes or time is up.
    // With TLS too this happens below TLS: the raw bytes are discarded undecrypted.
    void close_lingering() {
        io_error ignored;
        auto& lowest = boost::beast::get_lowest_layer(stream_);
        lowest.socket().shutdown(boost::asio::socket_base::shutdown_send, ignored);
        lowest.expires_after(lingering_close_time);
        discard_until_closed();
    }

    void discard_until_closed() {
        boost::beast::get_lowest_layer(stream_).async_read_some(boost::asio::buffer(discarded_), [self = this->shared_from_this()](io_error ec, std::size_t) {
            if (ec) return self->close();
            self->discard_until_closed();
        });
    }

    // The slot goes back before the socket closes: a client that sees this connection end may connect again at
    // once, and the session object (which would release it on destruction) can outlive the socket for a while.
    // After a timeout the order cannot be kept: tcp_stream has closed the socket before the handler calls this.
    void close() {
        slot_.release();
        if (std::exchange(counted_, false)) context_.counters->open.fetch_sub(1, std::memory_order_relaxed);
        boost::beast::get_lowest_layer(stream_).close();
    }

    Stream stream_;
    const server_context& context_;
    const std::string peer_;
    connection_limit::slot slot_;
    bool refused_at_accept_ = false;
    bool counted_ = false; ///< in context_.counters->open until close()
    boost::beast::flat_buffer buffer_{read_buffer_limit};
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_; // one per request
    std::size_t request_bytes_ = 0; ///< read for the current request: header, body and chunk framing
    boost::beast::http::response<boost::beast::http::string_body> response_;
    std::array<char, 4096> discarded_{};
};

} // namespace tcchat::cli
