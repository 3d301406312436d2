// The HTTP/1.1 server of `tcchat serve`. One strand per connection; the io_context runs on several threads
// because emulator::handle blocks for the length of an injected latency fault, and one slow answer must not
// hold up the other connections.

#include "serve_http.hpp"

#if defined(__SANITIZE_THREAD__) && !defined(BOOST_ASIO_DISABLE_FENCED_BLOCK)
// ThreadSanitizer does not model the fences Asio puts around handler calls (GCC refuses them under -Werror=tsan);
// without them the scheduler's mutex still orders every handler.
#define BOOST_ASIO_DISABLE_FENCED_BLOCK 1
#endif

#include "cli_common.hpp"
#include "serve_session.hpp"

#include <tcchat/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#if TCCHAT_CLI_WITH_TLS
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#endif
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/status.hpp>

#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
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

using tcp_session = session<beast::tcp_stream>;
#if TCCHAT_CLI_WITH_TLS
using tls_session = session<beast::ssl_stream<beast::tcp_stream>>;
using tls_context = asio::ssl::context;
#else
struct tls_context {}; // serve without OpenSSL: --tls-cert is refused before a listener exists
#endif

std::string peer_of(const tcp::socket& socket) {
    beast::error_code ec;
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    return ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
}

/// Accepts connections. When accept fails (out of descriptors, most often), it waits accept_pause() before trying
/// again; the episode is logged when it starts and when it ends. A connection past --max-connections is answered
/// 503 and closed, so a client learns why instead of waiting in the listen backlog.
class listener : public std::enable_shared_from_this<listener> {
public:
    /// `tls`: the server's certificate and key, or null for plain HTTP.
    listener(asio::io_context& io, tcp::acceptor acceptor, const server_context& context, connection_limit& connections,
             tls_context* tls)
        : io_(io), acceptor_(std::move(acceptor)), retry_timer_(acceptor_.get_executor()), context_(context),
          connections_(connections), tls_(tls) {}

    void accept() {
        acceptor_.async_accept(asio::make_strand(io_), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) return pause_accepting(ec);
        if (failed_accepts_ > 0) {
            context_.log.line("accepting again after " + std::to_string(failed_accepts_) + " failed accepts");
            failed_accepts_ = 0;
        }
        context_.counters->accepted.fetch_add(1, std::memory_order_relaxed);
        std::string peer = peer_of(socket);
        if (auto slot = connections_.try_open()) {
            if (refused_connections_ > 0) {
                context_.log.line("serving again after " + std::to_string(refused_connections_) + " connections refused past --max-connections");
                refused_connections_ = 0;
            }
#if TCCHAT_CLI_WITH_TLS
            if (tls_ != nullptr) {
                std::make_shared<tls_session>(beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls_), context_,
                                              std::move(peer), std::move(*slot))
                    ->start();
                return accept();
            }
#endif
            std::make_shared<tcp_session>(beast::tcp_stream(std::move(socket)), context_, std::move(peer), std::move(*slot))->start();
        } else {
            // Refused in plain text even on a TLS port: a handshake would cost the flood more CPU than the answer.
            // One log line for the first refusal of an episode and one when it ends, however long the flood.
            std::make_shared<tcp_session>(beast::tcp_stream(std::move(socket)), context_, std::move(peer))
                ->start_refused(http::status::service_unavailable,
                                std::to_string(connections_.most()) + " connections are open, the most --max-connections allows",
                                refused_connections_++ == 0);
        }
        accept();
    }

    void pause_accepting(beast::error_code ec) {
        if (failed_accepts_++ == 0)
            context_.log.line("accept failed: " + ec.message() + "; open connections are still served, and accepting resumes"
                              " with backoff (logged again when it succeeds)");
        retry_timer_.expires_after(accept_pause(failed_accepts_));
        retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_error) {
            if (!wait_error) self->accept();
        });
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    const server_context& context_;
    connection_limit& connections_;
    std::uint64_t failed_accepts_ = 0;
    std::uint64_t refused_connections_ = 0; ///< since the last connection that got a slot
    [[maybe_unused]] tls_context* tls_; // unused without TCCHAT_CLI_WITH_TLS
};

/// The TLS context of --tls-cert and --tls-key, or why there is none.
std::variant<std::unique_ptr<tls_context>, std::string> load_tls([[maybe_unused]] const http_server_options& options) {
#if TCCHAT_CLI_WITH_TLS
    auto tls = std::make_unique<tls_context>(tls_context::tls_server);
    beast::error_code ec;
    tls->set_options(tls_context::default_workarounds | tls_context::no_sslv2 | tls_context::no_sslv3 | tls_context::no_tlsv1 |
                         tls_context::no_tlsv1_1 | tls_context::single_dh_use,
                     ec);
    tls->use_certificate_chain_file(options.tls_certificate_file, ec);
    if (ec) return "cannot load --tls-cert " + options.tls_certificate_file + ": " + ec.message();
    tls->use_private_key_file(options.tls_key_file, tls_context::pem, ec);
    if (ec) return "cannot load --tls-key " + options.tls_key_file + ": " + ec.message(); // never its contents
    return tls;
#else
    return std::string("--tls-cert needs a tcchat built with TCCHAT_WITH_BEAST (OpenSSL)");
#endif
}

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

std::string url_of(const tcp::endpoint& endpoint, bool tls) {
    const std::string host = endpoint.address().to_string();
    return (tls ? "https://" : "http://") + (endpoint.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(endpoint.port());
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

int serve_http(emulation::emulator& service, const http_server_options& options) {
    beast::error_code address_error;
    const auto address = asio::ip::make_address(options.bind_address, address_error);
    if (address_error) {
        std::cerr << "tcchat serve: --bind needs an IP address, not '" << options.bind_address << "'\n";
        return exit_usage;
    }
    std::unique_ptr<tls_context> tls;
    if (!options.tls_certificate_file.empty()) {
        auto loaded = load_tls(options);
        if (auto* problem = std::get_if<std::string>(&loaded)) {
            std::cerr << "tcchat serve: " << *problem << "\n";
            return exit_usage;
        }
        tls = std::move(std::get<std::unique_ptr<tls_context>>(loaded));
    }
    server_log log(options.quiet);
    connection_counters counters;
    // Declared before the io_context, whose destruction drops the connections that still refer to them.
    const server_context context{service, log, options.max_body_bytes, options.idle_timeout, options.openapi_document, &counters};
    connection_limit connections(options.max_connections);
    asio::io_context io(static_cast<int>(options.threads));
    auto acceptor = open_acceptor(io, tcp::endpoint(address, options.port));
    if (auto* failure = std::get_if<std::string>(&acceptor)) {
        std::cerr << "tcchat serve: cannot listen on " << options.bind_address << ":" << options.port << ": " << *failure
                  << "\n";
        return exit_unavailable;
    }
    const tcp::endpoint bound = std::get<tcp::acceptor>(acceptor).local_endpoint();
    std::make_shared<listener>(io, std::move(std::get<tcp::acceptor>(acceptor)), context, connections, tls.get())->accept();

    asio::signal_set stop_signals(io, SIGINT, SIGTERM);
    stop_signals.async_wait([&](beast::error_code ec, int signal_number) {
        if (ec) return;
        log.line(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
        // Open connections are dropped with the io_context: a stopped emulator has nothing left to answer.
        io.stop();
    });

    std::cout << "listening on " << url_of(bound, tls != nullptr) << std::endl;
    log.line("listening on " + url_of(bound, tls != nullptr) + " with " + std::to_string(options.threads) + " threads");

    std::vector<std::thread> workers;
    for (unsigned i = 1; i < options.threads; ++i) workers.emplace_back([&] { serve_until_stopped(io, log); });
    serve_until_stopped(io, log);
    for (auto& worker : workers) worker.join();
    return exit_ok;
}

} // namespace tcchat::cli
