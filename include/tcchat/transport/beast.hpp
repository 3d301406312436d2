#pragma once
// Opt-in HTTP/1.1 transport over Boost.Beast, with TLS by OpenSSL (the only tcchat header that includes Beast's
// client side and OpenSSL's TLS). Link tcchat::beast.
//
// One beast_transport serves any number of threads and concurrent calls:
//   - async_send runs every exchange on a strand of the executor given at construction and completes each one
//     exactly once, on that strand. With the client: tcchat::async_call (asio.hpp) or client::async_call.
//   - send blocks the calling thread until the exchange completes. Called on a thread that runs the executor, it
//     fails at once (90001): it would wait for work that only that thread can do.
//   - Connections are kept alive and reused, at most max_connections_per_host per (scheme, host, port); further
//     requests wait in FIFO order, at most max_waiting_per_host of them, and past that fail at once (90001).
//   - An idle connection is closed once idle_timeout has passed, when the pool is next used or with the transport
//     (no timer waits for it, so io_context::run() returns after the last exchange). One that the server closed while it was idle is noticed
//     when it is taken again (a non-blocking peek sees the end of the stream), and the exchange moves to another
//     connection; so it does when the first write on a reused connection fails before a byte went out. Once a
//     byte of the request has gone out, an exchange is never moved: the server may have acted on it, and the
//     answer is 90001 (docs/transports.md, "When an exchange is moved").
//   - https verifies the peer by default (the system CA store, or ca_file) with SNI and host name verification,
//     and resumes the TLS session on the host's next connections. A verification failure is 90001 with
//     OpenSSL's reason; there is no fallback to an unverified or a plain connection.
//   - request.timeout bounds the whole exchange (resolve, connect, handshake, write, read): past it, 90003.
//     connect_timeout bounds each connect on its own (90003 too). A body over max_response_bytes is 90005; a
//     malformed answer, a Content-Length that does not match, or a connection closed mid-answer is 90001.
//   - Destroying the transport aborts the exchanges in flight: each completes with 90001 on the strand, when the
//     executor next runs. If the executor never runs again, the handlers are destroyed uncalled with it.
// Error messages name the host and port, never the URL's query, which holds the usersig.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/transport.hpp>
#include <tcchat/url.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

/// Settings of beast_transport (see the top of this header for what each bounds).
struct beast_options {
    std::size_t max_connections_per_host = 16;
    std::size_t max_waiting_per_host = 4096; ///< requests waiting for a connection; one more fails at once
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds idle_timeout{30000};
    std::chrono::milliseconds dns_ttl{60000}; ///< how long a resolved address list is reused
    bool verify_peer = true;                  ///< TLS certificate and host name verification
    std::optional<std::string> ca_file;       ///< PEM bundle; default: the system store
    std::size_t max_response_bytes = TCCHAT_MAX_BODY_BYTES;
};

/// What a beast_transport has done since it was made; for tests, metrics and the benchmark.
struct beast_statistics {
    std::uint64_t connections_opened = 0;   ///< TCP connections that connected
    std::uint64_t exchanges_on_reused = 0;  ///< exchanges sent on a connection that had served one before
    std::uint64_t stale_connections = 0;    ///< pooled connections found closed and replaced
    std::uint64_t tls_sessions_resumed = 0; ///< TLS handshakes that resumed an earlier session
};

namespace detail::beast {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

/// More interim (1xx) answers than this before the real one is a hostile server, not HTTP.
inline constexpr int max_interim_responses = 8;

inline error failure(code c, std::string message) {
    return make_error(c, error_origin::transport, "", std::move(message));
}

/// One kept-alive connection: a TCP stream, with TLS on top for https.
struct connection {
    boost::beast::tcp_stream& lowest() { return tls ? boost::beast::get_lowest_layer(*tls) : *plain; }
    /// Calls `f` with the stream that carries HTTP.
    template <class F>
    void with_stream(F&& f) {
        if (tls) f(*tls);
        else f(*plain);
    }
    void close() {
        error_code ignored;
        lowest().socket().close(ignored);
    }

    std::optional<boost::beast::tcp_stream> plain;
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
    boost::beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point idle_since{};
    bool served = false; ///< has completed an exchange, so a next one is a reuse
};

using session_ptr = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;

class pool;

/// One request on its way: from the queue through a connection to the handler.
struct exchange {
    std::string key; ///< "https://host:port": which host_pool
    std::string host;
    std::uint16_t port = 0;
    bool https = false;
    http::request<http::string_body> message;
    completion_handler handler;
    std::chrono::milliseconds timeout{};
    std::optional<asio::steady_timer> deadline;
    std::optional<tcp::resolver> resolver;
    std::shared_ptr<connection> conn;
    std::optional<http::response_parser<http::string_body>> parser;
    cancellation_token token;
    std::uint64_t cancel_id = 0; ///< of the token's callback
    std::uint64_t flight_id = 0; ///< in pool::in_flight_
    int interim_responses = 0;
    bool moved = false;    ///< moved off a dead pooled connection once already
    bool finished = false; ///< the handler has been called (or is being)
};

/// Per (scheme, host, port): the idle connections, how many are open, who waits, and what can be reused.
struct host_pool {
    std::deque<std::shared_ptr<connection>> idle; ///< the most recently used last
    std::size_t open = 0;                          ///< connecting, busy or idle: bounded by max_connections_per_host
    std::deque<std::shared_ptr<exchange>> waiting;
    session_ptr tls_session{nullptr, &SSL_SESSION_free};
    std::optional<tcp::resolver::results_type> addresses;
    std::chrono::steady_clock::time_point addresses_expire{};
};

/// Whether `host` is an IP literal, which gets no SNI and is verified against the certificate's IP entries.
inline bool is_ip_literal(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

/// Everything the transport owns, on one strand. Operations hold a shared_ptr to it, so it outlives them.
class pool : public std::enable_shared_from_this<pool> {
public:
    pool(asio::any_io_executor executor, beast_options options)
        : strand_(asio::make_strand(std::move(executor))), options_(std::move(options)), tls_(asio::ssl::context::tls_client) {
        error_code ec;
        tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                             asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                         ec);
        if (options_.verify_peer) {
            tls_.set_verify_mode(asio::ssl::verify_peer, ec);
            if (options_.ca_file) tls_.load_verify_file(*options_.ca_file, ec);
            else tls_.set_default_verify_paths(ec);
            if (ec) tls_problem_ = "cannot load the CA certificates" + std::string(options_.ca_file ? " of ca_file" : "") + ": " + ec.message();
        } else {
            tls_.set_verify_mode(asio::ssl::verify_none, ec);
        }
        SSL_CTX_set_session_cache_mode(tls_.native_handle(), SSL_SESS_CACHE_CLIENT);
    }

    const asio::strand<asio::any_io_executor>& strand() const noexcept { return strand_; }

    beast_statistics statistics() const {
        return {opened_.load(), reused_.load(), stale_.load(), resumed_.load()};
    }

    /// Checks the URL and builds the message on the caller's thread, then continues on the strand.
    void submit(const http_request& request, completion_handler handler, cancellation_token token) {
        auto parts = split_http_url(request.url);
        if (auto* problem = std::get_if<std::string>(&parts)) {
            asio::post(strand_, [handler = std::move(handler), why = std::move(*problem)]() mutable {
                handler(failure(code::transport_failed, "beast_transport: " + why));
            });
            return;
        }
        const auto& url = std::get<http_url_parts>(parts);
        auto ex = std::make_shared<exchange>();
        ex->https = url.https;
        ex->host.assign(url.host);
        ex->port = url.port;
        ex->key = (url.https ? "https://" : "http://") + ex->host + ":" + std::to_string(url.port);
        ex->message = {http::verb::post, boost::beast::string_view(url.target.data(), url.target.size()), 11};
        const bool default_port = url.port == (url.https ? 443 : 80);
        const std::string host_field = (ex->host.find(':') != std::string::npos ? "[" + ex->host + "]" : ex->host);
        ex->message.set(http::field::host, default_port ? host_field : host_field + ":" + std::to_string(url.port));
        for (const auto& header : request.headers)
            ex->message.set(boost::beast::string_view(header.name.data(), header.name.size()),
                            boost::beast::string_view(header.value.data(), header.value.size()));
        ex->message.body() = request.body;
        ex->message.prepare_payload();
        ex->handler = std::move(handler);
        ex->timeout = request.timeout;
        ex->token = std::move(token);
        asio::post(strand_, [self = shared_from_this(), ex] { self->start(ex); });
    }

    /// Aborts every exchange in flight and closes every connection (the transport is being destroyed).
    void shut_down() {
        asio::post(strand_, [self = shared_from_this()] {
            self->closed_ = true;
            auto in_flight = std::move(self->in_flight_);
            for (auto& [id, weak] : in_flight)
                if (auto ex = weak.lock()) self->abort(ex, code::transport_failed, "the beast_transport was destroyed");
            for (auto& [key, host] : self->hosts_) {
                for (auto& idle : host.idle) idle->close();
                host.open -= host.idle.size();
                host.idle.clear();
            }
        });
    }

private:
    void start(const std::shared_ptr<exchange>& ex) {
        if (closed_) return finish(ex, failure(code::transport_failed, "the beast_transport was destroyed"));
        ex->flight_id = ++last_flight_;
        in_flight_.emplace(ex->flight_id, ex);
        ex->deadline.emplace(strand_);
        ex->deadline->expires_after(ex->timeout);
        ex->deadline->async_wait([self = shared_from_this(), ex](error_code ec) {
            if (!ec) self->abort(ex, code::timeout, "no answer from " + ex->key + " within " + std::to_string(ex->timeout.count()) + " ms");
        });
        // The callback runs on the cancelling thread; the abort itself on the strand.
        const std::weak_ptr<exchange> weak = ex;
        ex->cancel_id = ex->token.on_cancel([self = shared_from_this(), weak] {
            asio::post(self->strand_, [self, weak] {
                if (auto alive = weak.lock()) self->abort(alive, code::cancelled, "the exchange was cancelled");
            });
        });
        acquire(ex);
    }

    /// A pooled connection that still works, a new one within the cap, or a place in the queue.
    void acquire(const std::shared_ptr<exchange>& ex) {
        if (ex->finished) return;
        host_pool& host = hosts_[ex->key];
        close_expired_idle(host);
        while (!host.idle.empty()) {
            auto conn = std::move(host.idle.back());
            host.idle.pop_back();
            if (still_open(*conn)) return send_on(ex, std::move(conn));
            ++stale_;
            conn->close();
            --host.open;
        }
        if (host.open < options_.max_connections_per_host) {
            ++host.open;
            return open_connection(ex, host);
        }
        if (host.waiting.size() >= options_.max_waiting_per_host)
            return finish(ex, failure(code::transport_failed,
                                      std::to_string(host.waiting.size()) + " requests already wait for one of the " +
                                          std::to_string(options_.max_connections_per_host) + " connections to " + ex->key +
                                          " (beast_options::max_waiting_per_host)"));
        host.waiting.push_back(ex);
    }

    /// Whether a pooled connection can carry a request: open, nothing unread, and no end of stream from the
    /// server while it was idle (a non-blocking peek; with TLS, a close_notify counts as unread bytes).
    static bool still_open(connection& conn) {
        auto& socket = conn.lowest().socket();
        if (!socket.is_open() || conn.buffer.size() != 0) return false;
        char byte = 0;
        error_code ec;
        socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
        return ec == asio::error::would_block;
    }

    /// Closes the connections idle for longer than idle_timeout. No timer waits for them: a pending timer would
    /// keep io_context::run() from returning after the last exchange. They close when the pool is next used, or
    /// with the transport.
    void close_expired_idle(host_pool& host) {
        const auto oldest_kept = std::chrono::steady_clock::now() - options_.idle_timeout;
        while (!host.idle.empty() && host.idle.front()->idle_since < oldest_kept) {
            host.idle.front()->close();
            host.idle.pop_front();
            --host.open;
        }
    }

    void open_connection(const std::shared_ptr<exchange>& ex, host_pool& host) {
        if (ex->https && tls_problem_) return fail_connection(ex, *tls_problem_);
        ex->conn = std::make_shared<connection>();
        if (ex->https) {
            ex->conn->tls.emplace(boost::beast::tcp_stream(strand_), tls_);
        } else {
            ex->conn->plain.emplace(strand_);
        }
        if (host.addresses && std::chrono::steady_clock::now() < host.addresses_expire) return connect(ex, *host.addresses);
        ex->resolver.emplace(strand_);
        ex->resolver->async_resolve(ex->host, std::to_string(ex->port),
                                    [self = shared_from_this(), ex](error_code ec, tcp::resolver::results_type addresses) {
                                        if (ex->finished) return;
                                        if (ec) return self->fail_connection(ex, "cannot resolve " + ex->host + ": " + ec.message());
                                        host_pool& cache = self->hosts_[ex->key];
                                        cache.addresses = addresses;
                                        cache.addresses_expire = std::chrono::steady_clock::now() + self->options_.dns_ttl;
                                        self->connect(ex, addresses);
                                    });
    }

    void connect(const std::shared_ptr<exchange>& ex, const tcp::resolver::results_type& addresses) {
        ex->conn->lowest().expires_after(options_.connect_timeout);
        ex->conn->lowest().async_connect(addresses, [self = shared_from_this(), ex](error_code ec, const tcp::endpoint&) {
            if (ex->finished) return;
            if (ec == boost::beast::error::timeout)
                return self->fail_connection(ex, "connecting to " + ex->key + " took longer than connect_timeout (" +
                                                     std::to_string(self->options_.connect_timeout.count()) + " ms)",
                                             code::timeout);
            if (ec) return self->fail_connection(ex, "cannot connect to " + ex->key + ": " + ec.message());
            ++self->opened_;
            auto& stream = ex->conn->lowest();
            stream.expires_never(); // the exchange's deadline covers the rest
            error_code ignored;
            stream.socket().set_option(tcp::no_delay(true), ignored);
            stream.socket().non_blocking(true, ignored); // for still_open's peek; Asio's own operations do not mind
            if (ex->https) return self->handshake(ex);
            self->write(ex);
        });
    }

    void handshake(const std::shared_ptr<exchange>& ex) {
        SSL* ssl = ex->conn->tls->native_handle();
        if (is_ip_literal(ex->host)) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ex->host.c_str());
        } else {
            SSL_set_tlsext_host_name(ssl, ex->host.c_str());
            SSL_set1_host(ssl, ex->host.c_str());
        }
        if (auto& session = hosts_[ex->key].tls_session) SSL_set_session(ssl, session.get());
        ex->conn->tls->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this(), ex](error_code ec) {
            if (ex->finished) return;
            SSL* tls = ex->conn->tls->native_handle();
            if (ec) {
                const long verdict = SSL_get_verify_result(tls);
                const std::string reason = verdict != X509_V_OK ? std::string("certificate verify failed: ") + X509_verify_cert_error_string(verdict)
                                                                : ec.message();
                return self->fail_connection(ex, "TLS handshake with " + ex->key + " failed: " + reason);
            }
            if (SSL_session_reused(tls)) ++self->resumed_;
            self->write(ex);
        });
    }

    void send_on(const std::shared_ptr<exchange>& ex, std::shared_ptr<connection> conn) {
        ++reused_;
        ex->conn = std::move(conn);
        write(ex);
    }

    void write(const std::shared_ptr<exchange>& ex) {
        ex->conn->with_stream([&](auto& stream) {
            http::async_write(stream, ex->message, [self = shared_from_this(), ex](error_code ec, std::size_t written) {
                if (ex->finished) return;
                if (!ec) return self->read(ex);
                // A reused connection that failed before a byte went out is moved once; see the header's top.
                if (written == 0 && ex->conn->served && !ex->moved) {
                    ex->moved = true;
                    ++self->stale_;
                    self->drop_connection(ex);
                    return self->acquire(ex);
                }
                self->fail_connection(ex, "sending the request to " + ex->key + " failed: " + ec.message());
            });
        });
    }

    void read(const std::shared_ptr<exchange>& ex) {
        ex->parser.emplace();
        ex->parser->body_limit(options_.max_response_bytes);
        ex->conn->with_stream([&](auto& stream) {
            http::async_read(stream, ex->conn->buffer, *ex->parser, [self = shared_from_this(), ex](error_code ec, std::size_t) {
                if (ex->finished) return;
                if (ec == http::error::body_limit)
                    return self->fail_connection(ex,
                                                 "the answer of " + ex->key + " is longer than max_response_bytes (" +
                                                     std::to_string(self->options_.max_response_bytes) + ")",
                                                 code::local_limit_exceeded);
                if (ec) return self->fail_connection(ex, "reading the answer of " + ex->key + " failed: " + ec.message());
                self->on_answer(ex);
            });
        });
    }

    void on_answer(const std::shared_ptr<exchange>& ex) {
        auto& answer = ex->parser->get();
        const unsigned status = answer.result_int();
        if (status >= 100 && status < 200) { // interim answers (RFC 9110 §15.2) come before the real one
            if (++ex->interim_responses > max_interim_responses)
                return fail_connection(ex, ex->key + " sent more than " + std::to_string(max_interim_responses) + " interim (1xx) answers");
            return read(ex);
        }
        const bool keep = ex->parser->keep_alive();
        http_response response{static_cast<int>(status), std::move(answer.body())};
        if (ex->https && keep) {
            // A TLS 1.3 session ticket arrives after the handshake, so the session is taken after the first answer.
            if (SSL_SESSION* session = SSL_get1_session(ex->conn->tls->native_handle()))
                hosts_[ex->key].tls_session.reset(session);
        }
        ex->conn->served = true;
        release_connection(ex, keep);
        finish(ex, std::move(response));
    }

    /// The exchange's connection failed or is of no further use: close it, give its place to the next waiter.
    void fail_connection(const std::shared_ptr<exchange>& ex, std::string why, code c = code::transport_failed) {
        if (ex->conn) release_connection(ex, false);
        else release_slot(ex->key);
        finish(ex, failure(c, std::move(why)));
    }

    void drop_connection(const std::shared_ptr<exchange>& ex) {
        ex->conn->close();
        ex->conn.reset();
        --hosts_[ex->key].open;
    }

    /// Hands the exchange's connection back: to the first waiter, to the idle list, or closed. A closed one stays
    /// with the exchange, whose handlers keep it alive until an operation still pending on it has ended.
    void release_connection(const std::shared_ptr<exchange>& ex, bool keep) {
        host_pool& host = hosts_[ex->key];
        if (!keep || closed_ || ex->conn->buffer.size() != 0) { // unread bytes after an answer: its framing is off
            ex->conn->close();
            --host.open;
            return serve_waiter(ex->key);
        }
        auto conn = std::move(ex->conn);
        if (!host.waiting.empty()) {
            auto next = std::move(host.waiting.front());
            host.waiting.pop_front();
            return send_on(next, std::move(conn));
        }
        conn->idle_since = std::chrono::steady_clock::now();
        host.idle.push_back(std::move(conn));
    }

    /// A place freed without a connection (a connect failed): the first waiter opens one.
    void release_slot(const std::string& key) {
        --hosts_[key].open;
        serve_waiter(key);
    }

    void serve_waiter(const std::string& key) {
        host_pool& host = hosts_[key];
        if (host.waiting.empty() || host.open >= options_.max_connections_per_host) return;
        auto next = std::move(host.waiting.front());
        host.waiting.pop_front();
        ++host.open;
        open_connection(next, host);
    }

    /// Stops the exchange wherever it is (waiting, resolving, on a connection) and completes it with `c`.
    void abort(const std::shared_ptr<exchange>& ex, code c, std::string why) {
        if (ex->finished) return;
        auto& waiting = hosts_[ex->key].waiting;
        if (const auto at = std::find(waiting.begin(), waiting.end(), ex); at != waiting.end()) {
            waiting.erase(at);
            return finish(ex, failure(c, std::move(why)));
        }
        if (ex->resolver) ex->resolver->cancel();
        // The connection's pending operation ends with operation_aborted and finds the exchange finished.
        fail_connection(ex, std::move(why), c);
    }

    void finish(const std::shared_ptr<exchange>& ex, result<http_response> outcome) {
        if (ex->finished) return;
        ex->finished = true;
        if (ex->deadline) ex->deadline->cancel();
        ex->token.forget(ex->cancel_id);
        in_flight_.erase(ex->flight_id);
        auto handler = std::move(ex->handler);
        handler(std::move(outcome));
    }

    asio::strand<asio::any_io_executor> strand_;
    const beast_options options_;
    asio::ssl::context tls_;
    std::optional<std::string> tls_problem_;
    std::map<std::string, host_pool> hosts_;
    std::map<std::uint64_t, std::weak_ptr<exchange>> in_flight_;
    std::uint64_t last_flight_ = 0;
    bool closed_ = false;
    std::atomic<std::uint64_t> opened_{0}, reused_{0}, stale_{0}, resumed_{0};
};

/// Whether the calling thread runs `executor`, for executors that can tell (io_context's, strands, thread pools).
template <class Executor, class = void>
struct can_tell_thread : std::false_type {};
template <class Executor>
struct can_tell_thread<Executor, std::void_t<decltype(std::declval<const Executor&>().running_in_this_thread())>> : std::true_type {};

} // namespace detail::beast

/// An asynchronous HTTP/1.1 transport with a keep-alive pool and TLS; see the top of this header.
class beast_transport {
public:
    /// Runs on `executor` (an io_context's executor, a strand, a thread pool's executor).
    template <class Executor, class = std::enable_if_t<!std::is_same_v<std::decay_t<Executor>, boost::asio::io_context>>>
    explicit beast_transport(const Executor& executor, beast_options options = {})
        : pool_(std::make_shared<detail::beast::pool>(boost::asio::any_io_executor(executor), std::move(options))) {
        if constexpr (detail::beast::can_tell_thread<Executor>::value)
            on_executor_thread_ = [executor] { return executor.running_in_this_thread(); };
    }
    /// Runs on `io`'s executor.
    explicit beast_transport(boost::asio::io_context& io, beast_options options = {}) : beast_transport(io.get_executor(), std::move(options)) {}

    /// Takes over the pool; the moved-from transport answers every call with 90001.
    beast_transport(beast_transport&&) noexcept = default;
    /// Shuts this transport's pool down (as the destructor does), then takes over `other`'s.
    beast_transport& operator=(beast_transport&& other) noexcept {
        if (this != &other) {
            if (pool_) pool_->shut_down();
            pool_ = std::move(other.pool_);
            on_executor_thread_ = std::move(other.on_executor_thread_);
        }
        return *this;
    }
    beast_transport(const beast_transport&) = delete;
    beast_transport& operator=(const beast_transport&) = delete;

    /// Aborts the exchanges in flight (each completes with 90001) and closes every connection.
    ~beast_transport() {
        if (pool_) pool_->shut_down();
    }

    /// Starts the exchange; `handler` is called exactly once, on the transport's strand.
    void async_send(const http_request& request, completion_handler handler) { async_send(request, std::move(handler), {}); }

    /// As above; cancelling `token` aborts the exchange wherever it is, and the handler gets code::cancelled.
    void async_send(const http_request& request, completion_handler handler, cancellation_token token) {
        if (!pool_) {
            handler(detail::beast::failure(code::transport_failed, "this beast_transport was moved from"));
            return;
        }
        pool_->submit(request, std::move(handler), std::move(token));
    }

    /// Blocks until the exchange completes. On a thread that runs the executor it fails at once instead (90001).
    [[nodiscard]] result<http_response> send(const http_request& request) {
        if (!pool_) return detail::beast::failure(code::transport_failed, "this beast_transport was moved from");
        if (pool_->strand().running_in_this_thread() || (on_executor_thread_ && on_executor_thread_()))
            return detail::beast::failure(code::transport_failed,
                                          "beast_transport::send was called on a thread that runs the transport's executor, "
                                          "and would wait for itself; use async_send there");
        auto answer = std::make_shared<std::promise<result<http_response>>>();
        auto arrived = answer->get_future();
        pool_->submit(request, [answer](result<http_response> outcome) { answer->set_value(std::move(outcome)); }, {});
        return arrived.get();
    }

    /// Counts since construction.
    beast_statistics statistics() const { return pool_ ? pool_->statistics() : beast_statistics{}; }

private:
    std::shared_ptr<detail::beast::pool> pool_;
    std::function<bool()> on_executor_thread_;
};

TCCHAT_NAMESPACE_END
