// tcchat::beast_transport over real sockets: against `tcchat serve` (plain and HTTPS with a throwaway CA), and
// against scripted servers that misbehave on purpose. docs/transports.md says what each test holds it to.
#include "serve_harness.hpp"

#include <tcchat/client.hpp>
#include <tcchat/transport/beast.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace tcchat::test;
using tcp = boost::asio::ip::tcp;

namespace {

/// A get_contact_group exchange with the server at `base_url`.
tcchat::http_request read_at(const std::string& base_url, std::chrono::milliseconds timeout = 10s) {
    return get_contact_group_call(base_url + target_of("get_contact_group"), timeout);
}

/// Runs `io` on a thread of its own until destroyed.
class io_thread {
public:
    io_thread() : guard_(boost::asio::make_work_guard(io)), thread_([this] { io.run(); }) {}
    ~io_thread() {
        guard_.reset();
        io.stop();
        thread_.join();
    }
    boost::asio::io_context io;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

/// A TCP server on loopback that reads each request whole and then runs a script on the socket: the hostile
/// servers of these tests. A thread per connection, which reads the next request after the script returns, until
/// the client leaves; sockets stay open until the server is destroyed.
class scripted_server {
public:
    /// `script(socket, stopping)` answers; it returns when done or when `stopping()` turns true. To end the
    /// connection it shuts the socket down (the server closes it later).
    using script = std::function<void(tcp::socket&, const std::function<bool()>& stopping)>;

    explicit scripted_server(script reply) : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)), reply_(std::move(reply)) {
        thread_ = std::thread([this] { accept_all(); });
    }
    ~scripted_server() {
        stopping_ = true;
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes the blocking accept
        thread_.join();
        for (const auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR); // wakes blocking reads
        for (auto& worker : workers_) worker.join();
    }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
    int connections() const { return accepted_.load(); }

private:
    void accept_all() {
        while (!stopping_) {
            auto socket = std::make_shared<tcp::socket>(io_);
            boost::system::error_code ec;
            acceptor_.accept(*socket, ec);
            if (ec || stopping_) return;
            ++accepted_;
            sockets_.push_back(socket);
            workers_.emplace_back([this, socket] { converse(*socket); });
        }
    }

    void converse(tcp::socket& socket) {
        const std::function<bool()> stopping = [this] { return stopping_.load(); };
        boost::asio::streambuf received;
        while (!stopping_) {
            boost::system::error_code ec;
            const std::size_t header = boost::asio::read_until(socket, received, "\r\n\r\n", ec);
            if (ec) return;
            const std::string head(boost::asio::buffers_begin(received.data()),
                                   boost::asio::buffers_begin(received.data()) + static_cast<std::ptrdiff_t>(header));
            const auto length_at = head.find("Content-Length: ");
            const std::size_t length = length_at == std::string::npos ? 0 : std::stoul(head.substr(length_at + 16));
            if (received.size() < header + length) boost::asio::read(socket, received, boost::asio::transfer_exactly(header + length - received.size()), ec);
            if (ec) return;
            received.consume(header + length);
            reply_(socket, stopping);
        }
    }

    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    script reply_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::vector<std::shared_ptr<tcp::socket>> sockets_; // touched by the accepting thread, then by the destructor
    std::vector<std::thread> workers_;
    std::thread thread_;
};

void write_text(tcp::socket& socket, const std::string& text) {
    boost::system::error_code ignored;
    boost::asio::write(socket, boost::asio::buffer(text), ignored);
}

/// A script that writes `text`, then leaves the connection open (or ends it, with `close`).
scripted_server::script answer_with(std::string text, bool close = false) {
    return [text = std::move(text), close](tcp::socket& socket, const std::function<bool()>&) {
        write_text(socket, text);
        boost::system::error_code ignored;
        if (close) socket.shutdown(tcp::socket::shutdown_both, ignored);
    };
}

} // namespace

// --- volume and reuse ----------------------------------------------------------------------------------------

TEST_CASE("beast_transport: 10000 async calls at concurrency 64 on one io thread complete once each over at most 8 sockets", "[serve][beast]") {
    served_emulator server({"--quiet"});
    tcchat::client_options options;
    options.base_url = server.base_url();
    options.identity = {app, "admin"};
    options.usersig = tcchat::fixed_usersig(logged_usersig);
    options.limiter = nullptr;
    boost::asio::io_context io;
    tcchat::beast_options pool;
    pool.max_connections_per_host = 8;
    tcchat::client<tcchat::beast_transport> client(tcchat::beast_transport(io, pool), options);

    constexpr int total = 10000, concurrency = 64;
    std::vector<int> completions(total, 0);
    int started = 0, succeeded = 0;
    std::function<void()> start_next = [&] {
        if (started == total) return;
        const int index = started++;
        client.async_call(tcchat::get_contact_group_request{"user0", 0}, [&, index](auto outcome) {
            ++completions[static_cast<std::size_t>(index)];
            if (outcome) ++succeeded;
            else FAIL_CHECK(outcome.error().message);
            start_next();
        });
    };
    for (int i = 0; i < concurrency; ++i) start_next();
    io.run(); // returns when the last call has completed: an idle pooled connection holds no work

    CHECK(succeeded == total);
    CHECK(std::count(completions.begin(), completions.end(), 1) == total);
    const auto [accepted, open] = connections_of(server);
    CHECK(accepted - 1 <= 8); // the asking connection is counted too
    CHECK(accepted - 1 >= 2); // 64 concurrent calls did use more than one
    CHECK(client.transport().statistics().connections_opened == accepted - 1);
    (void)open;
}

TEST_CASE("beast_transport: 1000 sequential calls use one connection", "[serve][beast]") {
    served_emulator server({"--quiet"});
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    for (int i = 0; i < 1000; ++i) {
        const auto answer = transport.send(read_at(server.base_url()));
        REQUIRE(answer.has_value());
        REQUIRE(answer->status == 200);
    }
    const auto [accepted, open] = connections_of(server);
    CHECK(accepted == 2); // the transport's one, and the asking one
    CHECK(open == 2);     // the transport's is still pooled
    CHECK(transport.statistics().connections_opened == 1);
    CHECK(transport.statistics().exchanges_on_reused == 999);
}

TEST_CASE("beast_transport: a pooled connection that serve closed while idle is replaced - the next call does not fail", "[serve][beast]") {
    served_emulator server({"--idle-timeout", "1"});
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    REQUIRE(transport.send(read_at(server.base_url())).has_value());
    std::this_thread::sleep_for(1500ms); // serve closes the idle connection after 1 s
    const auto after = transport.send(read_at(server.base_url()));
    REQUIRE(after.has_value());
    CHECK(after->status == 200);
    CHECK(transport.statistics().stale_connections == 1);
    CHECK(transport.statistics().connections_opened == 2);
    CHECK(connections_of(server).first == 3);
}

TEST_CASE("beast_transport: idle_timeout closes a pooled connection before its next use", "[serve][beast]") {
    served_emulator server;
    io_thread runner;
    tcchat::beast_options pool;
    pool.idle_timeout = 200ms;
    tcchat::beast_transport transport(runner.io, pool);
    REQUIRE(transport.send(read_at(server.base_url())).has_value());
    REQUIRE(transport.send(read_at(server.base_url())).has_value()); // within idle_timeout: reused
    CHECK(transport.statistics().connections_opened == 1);
    std::this_thread::sleep_for(400ms);
    REQUIRE(transport.send(read_at(server.base_url())).has_value());
    CHECK(transport.statistics().connections_opened == 2);
    CHECK(transport.statistics().stale_connections == 0); // closed for its age, not found dead
    CHECK(connections_of(server).second == 2);            // the expired one is closed: the new one and the asking one
}

// --- limits and bad answers ----------------------------------------------------------------------------------

TEST_CASE("beast_transport: a server that accepts and never answers gives 90003 at request.timeout", "[serve][beast]") {
    scripted_server silent([](tcp::socket&, const std::function<bool()>&) {});
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    const auto began = std::chrono::steady_clock::now();
    const auto answer = transport.send(read_at(silent.base_url(), 300ms));
    const auto took = std::chrono::steady_clock::now() - began;
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().value() == 90003);
    CHECK(took >= 300ms);
    CHECK(answer.error().message.find("within 300 ms") != std::string::npos);
    CHECK(answer.error().message.find(logged_usersig) == std::string::npos);
}

TEST_CASE("beast_transport: a connection closed mid-body gives 90001", "[serve][beast]") {
    scripted_server cut(answer_with("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ActionStatus\":", true));
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    const auto answer = transport.send(read_at(cut.base_url()));
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().value() == 90001);
    CHECK(answer.error().message.find("reading the answer") != std::string::npos);
}

TEST_CASE("beast_transport: a body over max_response_bytes gives 90005 - one byte less is read", "[serve][beast]") {
    const auto body_of = [](std::size_t bytes) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(bytes) + "\r\n\r\n" + std::string(bytes, 'x');
    };
    io_thread runner;
    tcchat::beast_options small;
    small.max_response_bytes = 1000;
    tcchat::beast_transport transport(runner.io, small);
    scripted_server over(answer_with(body_of(1001)));
    const auto refused = transport.send(read_at(over.base_url()));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().value() == 90005);
    scripted_server at(answer_with(body_of(1000)));
    const auto read = transport.send(read_at(at.base_url()));
    REQUIRE(read.has_value());
    CHECK(read->body.size() == 1000);

    // Chunked, with no length up front: the same limit, counted as it arrives.
    scripted_server endless([](tcp::socket& socket, const std::function<bool()>& stopping) {
        write_text(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        boost::system::error_code ec;
        while (!stopping() && !ec) boost::asio::write(socket, boost::asio::buffer(std::string("100\r\n") + std::string(256, 'y') + "\r\n"), ec);
    });
    const auto chunked = transport.send(read_at(endless.base_url()));
    REQUIRE_FALSE(chunked.has_value());
    CHECK(chunked.error().value() == 90005);
}

TEST_CASE("beast_transport: a garbage status line - endless headers - a 1xx flood give 90001", "[serve][beast]") {
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    scripted_server garbage(answer_with("HTTX/9 two hundred\r\n\r\n"));
    const auto bad_status = transport.send(read_at(garbage.base_url()));
    REQUIRE_FALSE(bad_status.has_value());
    CHECK(bad_status.error().value() == 90001);

    scripted_server headers([](tcp::socket& socket, const std::function<bool()>& stopping) {
        write_text(socket, "HTTP/1.1 200 OK\r\n");
        boost::system::error_code ec;
        while (!stopping() && !ec) boost::asio::write(socket, boost::asio::buffer(std::string("X-Junk: ") + std::string(100, 'j') + "\r\n"), ec);
    });
    const auto endless_header = transport.send(read_at(headers.base_url(), 5s));
    REQUIRE_FALSE(endless_header.has_value());
    CHECK(endless_header.error().value() == 90001); // Beast's header limit, long before the 5 s

    std::string flood;
    for (int i = 0; i < 9; ++i) flood += "HTTP/1.1 102 Processing\r\n\r\n";
    scripted_server interim(answer_with(flood + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
    const auto flooded = transport.send(read_at(interim.base_url()));
    REQUIRE_FALSE(flooded.has_value());
    CHECK(flooded.error().value() == 90001);
    CHECK(flooded.error().message.find("interim") != std::string::npos);

    std::string few;
    for (int i = 0; i < 8; ++i) few += "HTTP/1.1 100 Continue\r\n\r\n";
    scripted_server allowed(answer_with(few + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
    const auto after_interim = transport.send(read_at(allowed.base_url()));
    REQUIRE(after_interim.has_value());
    CHECK(after_interim->body == "{}");
}

TEST_CASE("beast_transport: a Content-Length longer than the body then a close is 90001 - a slow drip ends at the deadline", "[serve][beast]") {
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    scripted_server short_body(answer_with("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", true));
    const auto mismatch = transport.send(read_at(short_body.base_url()));
    REQUIRE_FALSE(mismatch.has_value());
    CHECK(mismatch.error().value() == 90001);

    scripted_server drip([](tcp::socket& socket, const std::function<bool()>& stopping) {
        write_text(socket, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        for (int i = 0; i < 1000 && !stopping(); ++i) {
            write_text(socket, "x");
            std::this_thread::sleep_for(20ms);
        }
    });
    const auto began = std::chrono::steady_clock::now();
    const auto dripped = transport.send(read_at(drip.base_url(), 400ms));
    REQUIRE_FALSE(dripped.has_value());
    CHECK(dripped.error().value() == 90003);
    CHECK(std::chrono::steady_clock::now() - began >= 400ms);
}

TEST_CASE("beast_transport: bytes after an answer make its connection unusable - the next call opens another", "[serve][beast]") {
    scripted_server trailing(answer_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n"));
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    const auto first = transport.send(read_at(trailing.base_url(), 2s));
    REQUIRE(first.has_value());
    CHECK(first->body == "{}");
    // Reused, the connection would read the stray bytes as the next answer's start.
    const auto second = transport.send(read_at(trailing.base_url(), 2s));
    REQUIRE(second.has_value());
    CHECK(second->body == "{}");
    CHECK(trailing.connections() == 2);
    // Closed when its answer ended, not pooled to be found dead on the next call.
    CHECK(transport.statistics().stale_connections == 0);
}

TEST_CASE("beast_transport: bad URLs fail at once with the reason and no connection", "[serve][beast]") {
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    const std::pair<std::string, std::string> refused[] = {
        {"gopher://127.0.0.1:70/x", "http:// or https://"},
        {"http://alice:hunter2@127.0.0.1/x", "user-info"},
        {"http://127.0.0.1:70000/x", "port"},
        {"http:///x", "no host"},
    };
    for (const auto& [url, reason] : refused) {
        INFO(url);
        tcchat::http_request request;
        request.url = url;
        const auto answer = transport.send(request);
        REQUIRE_FALSE(answer.has_value());
        CHECK(answer.error().value() == 90001);
        CHECK(answer.error().message.find(reason) != std::string::npos);
        CHECK(answer.error().message.find("hunter2") == std::string::npos);
    }
    CHECK(transport.statistics().connections_opened == 0);
}

TEST_CASE("beast_transport: past max_waiting_per_host a request fails at once - the waiting ones are served in order", "[serve][beast]") {
    std::vector<std::string> order;
    std::mutex order_mutex;
    scripted_server slow([](tcp::socket& socket, const std::function<bool()>&) {
        std::this_thread::sleep_for(100ms);
        write_text(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    });
    io_thread runner;
    tcchat::beast_options pool;
    pool.max_connections_per_host = 1;
    pool.max_waiting_per_host = 2;
    tcchat::beast_transport transport(runner.io, pool);
    std::vector<std::future<tcchat::result<tcchat::http_response>>> answers;
    for (int i = 0; i < 4; ++i) {
        auto answer = std::make_shared<std::promise<tcchat::result<tcchat::http_response>>>();
        answers.push_back(answer->get_future());
        transport.async_send(read_at(slow.base_url()), [answer, i, &order, &order_mutex](auto outcome) {
            {
                const std::lock_guard<std::mutex> lock(order_mutex);
                order.push_back(std::to_string(i));
            }
            answer->set_value(std::move(outcome));
        });
    }
    const auto fourth = answers[3].get();
    REQUIRE_FALSE(fourth.has_value());
    CHECK(fourth.error().value() == 90001);
    CHECK(fourth.error().message.find("wait") != std::string::npos);
    for (int i = 0; i < 3; ++i) CHECK(answers[static_cast<std::size_t>(i)].get().has_value());
    CHECK(order == std::vector<std::string>{"3", "0", "1", "2"});
    CHECK(slow.connections() == 1); // one socket, reused by the two that waited
}

// --- threads, cancellation, lifetime -------------------------------------------------------------------------

TEST_CASE("beast_transport: send on the executor's own thread fails at once instead of deadlocking", "[serve][beast]") {
    served_emulator server;
    boost::asio::io_context io;
    tcchat::beast_transport transport(io);
    std::optional<tcchat::result<tcchat::http_response>> inside;
    boost::asio::post(io, [&] { inside = transport.send(read_at(server.base_url())); });
    io.run();
    REQUIRE(inside.has_value());
    REQUIRE_FALSE(inside->has_value());
    CHECK(inside->error().value() == 90001);
    CHECK(inside->error().message.find("would wait for itself") != std::string::npos);
}

TEST_CASE("beast_transport: one client shared by 8 threads of sync calls - and by async calls at once", "[serve][beast][concurrency]") {
    served_emulator server({"--quiet"});
    io_thread runner;
    tcchat::client_options options;
    options.base_url = server.base_url();
    options.identity = {app, "admin"};
    options.usersig = tcchat::fixed_usersig(logged_usersig);
    options.limiter = nullptr;
    tcchat::client<tcchat::beast_transport> client(tcchat::beast_transport(runner.io), options);
    std::atomic<int> succeeded{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                if (client.call(tcchat::get_contact_group_request{"user" + std::to_string(t), 0})) ++succeeded;
                client.async_call(tcchat::get_contact_group_request{"user0", 0}, [&](auto outcome) {
                    if (outcome) ++succeeded;
                });
            }
        });
    for (auto& thread : threads) thread.join();
    for (int wait = 0; wait < 1000 && succeeded < 1600; ++wait) std::this_thread::sleep_for(10ms);
    CHECK(succeeded == 1600);
    CHECK(client.transport().statistics().connections_opened <= 16);
}

TEST_CASE("beast_transport: cancelling the token aborts an exchange in flight with code cancelled", "[serve][beast][concurrency]") {
    scripted_server silent([](tcp::socket&, const std::function<bool()>&) {});
    io_thread runner;
    tcchat::beast_transport transport(runner.io);
    tcchat::cancellation_source stop;
    auto answer = std::make_shared<std::promise<tcchat::result<tcchat::http_response>>>();
    auto arrived = answer->get_future();
    transport.async_send(read_at(silent.base_url(), 10s), [answer](auto outcome) { answer->set_value(std::move(outcome)); },
                         stop.token());
    while (silent.connections() == 0) std::this_thread::sleep_for(1ms);
    const auto began = std::chrono::steady_clock::now();
    stop.cancel();
    const auto outcome = arrived.get();
    CHECK(std::chrono::steady_clock::now() - began < 5s); // not the 10 s request timeout
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().code == tcchat::code::cancelled);
}

TEST_CASE("beast_transport: destroying the transport completes every exchange in flight once with 90001", "[serve][beast]") {
    scripted_server silent([](tcp::socket&, const std::function<bool()>&) {});
    boost::asio::io_context io;
    std::vector<int> completions(20, 0);
    std::vector<int> codes(20, 0);
    {
        tcchat::beast_options pool;
        pool.max_connections_per_host = 1; // one exchange on the socket, 19 waiting for it
        tcchat::beast_transport transport(io, pool);
        for (std::size_t i = 0; i < 20; ++i)
            transport.async_send(read_at(silent.base_url(), 10s), [&, i](auto outcome) {
                ++completions[i];
                codes[i] = outcome ? 0 : outcome.error().value();
            });
        io.run_for(200ms); // connected and written; the rest wait
    }
    io.restart();
    io.run(); // returns: nothing is left pending once the transport is gone
    for (std::size_t i = 0; i < 20; ++i) {
        INFO(i);
        CHECK(completions[i] == 1);
        CHECK(codes[i] == 90001);
    }
}

// --- TLS -----------------------------------------------------------------------------------------------------

TEST_CASE("beast_transport: HTTPS with the test CA succeeds and resumes the TLS session on the next connection", "[serve][beast][tls]") {
    test_pki pki;
    served_emulator server(pki.server_certificate("localhost", "DNS:localhost,IP:127.0.0.1"));
    REQUIRE(server.base_url().rfind("https://", 0) == 0);
    io_thread runner;
    tcchat::beast_options verified;
    verified.ca_file = pki.ca_file();
    tcchat::beast_transport transport(runner.io, verified);
    for (const std::string host : {"localhost", "127.0.0.1"}) {
        INFO(host);
        const auto answer = transport.send(read_at("https://" + host + ":" + std::to_string(server.port())));
        REQUIRE(answer.has_value());
        CHECK(answer->status == 200);
        CHECK(error_code_of(answer->body) == 0);
    }
    // Two started in one turn of the executor, so that neither can finish first: one reuses the pooled
    // connection, the other opens a second one and resumes the session.
    const std::string base = "https://localhost:" + std::to_string(server.port());
    std::promise<tcchat::result<tcchat::http_response>> first, second;
    boost::asio::post(runner.io, [&] {
        transport.async_send(read_at(base), [&](tcchat::result<tcchat::http_response> outcome) { first.set_value(std::move(outcome)); });
        transport.async_send(read_at(base), [&](tcchat::result<tcchat::http_response> outcome) { second.set_value(std::move(outcome)); });
    });
    CHECK(first.get_future().get().has_value());
    CHECK(second.get_future().get().has_value());
    const auto stats = transport.statistics();
    CHECK(stats.connections_opened == 3); // one per host name, and the second to localhost
    CHECK(stats.tls_sessions_resumed == 1); // sessions are kept per host: 127.0.0.1 does not resume localhost's
}

TEST_CASE("beast_transport: HTTPS fails with the reason - unknown CA - another host name - expired - never falls back", "[serve][beast][tls]") {
    test_pki pki;
    io_thread runner;
    tcchat::beast_options verified;
    verified.ca_file = pki.ca_file();
    tcchat::beast_transport with_ca(runner.io, verified);
    tcchat::beast_transport system_store(runner.io);

    served_emulator good(pki.server_certificate("localhost", "DNS:localhost,IP:127.0.0.1"));
    const auto unknown = system_store.send(read_at(good.base_url()));
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().value() == 90001);
    CHECK(unknown.error().message.find("certificate verify failed: unable to get local issuer certificate") != std::string::npos);

    served_emulator elsewhere(pki.server_certificate("other", "DNS:other.example"));
    for (const std::string host : {"localhost", "127.0.0.1"}) {
        INFO(host);
        const auto mismatch = with_ca.send(read_at("https://" + host + ":" + std::to_string(elsewhere.port())));
        REQUIRE_FALSE(mismatch.has_value());
        CHECK(mismatch.error().value() == 90001);
        CHECK(mismatch.error().message.find(host == "localhost" ? "hostname mismatch" : "IP address mismatch") != std::string::npos);
    }

    served_emulator expired(pki.server_certificate("expired", "DNS:localhost,IP:127.0.0.1", -1));
    const auto old = with_ca.send(read_at(expired.base_url()));
    REQUIRE_FALSE(old.has_value());
    CHECK(old.error().value() == 90001);
    CHECK(old.error().message.find("certificate has expired") != std::string::npos);

    // None of them was served: serve logs every request it reads.
    for (const auto* server : {&good, &elsewhere, &expired}) CHECK(server->log().find(" -> ") == std::string::npos);

    // Plain HTTP to the TLS port fails cleanly, and serve goes on serving.
    const auto plain = with_ca.send(read_at("http://127.0.0.1:" + std::to_string(good.port())));
    REQUIRE_FALSE(plain.has_value());
    CHECK(plain.error().value() == 90001);
    CHECK(with_ca.send(read_at(good.base_url())).has_value());
}
