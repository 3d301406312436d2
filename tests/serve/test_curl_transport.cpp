// tcchat::curl_transport against a real `tcchat serve`: what its lifetime promises, with libcurl for real.
#include "serve_harness.hpp"

#include <tcchat/client.hpp>
#include <tcchat/transport/curl.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <future>
#include <thread>
#include <string>
#include <utility>
#include <vector>

using namespace tcchat::test;

TEST_CASE("curl_transport: a moved transport keeps working, the moved-from one refuses, nothing leaks", "[serve][curl]") {
    served_emulator server;
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + target_of("get_contact_group");

    tcchat::curl_transport first;
    tcchat::curl_transport second;
    REQUIRE(second.send(get_contact_group_call(url)).has_value()); // second's own handle is in use, then replaced
    second = std::move(first); // LeakSanitizer (the ASan suite) fails the run if the replaced handle leaks
    const auto answered = second.send(get_contact_group_call(url));
    REQUIRE(answered.has_value());
    CHECK(answered->status == 200);
    CHECK(error_code_of(answered->body) == 0);

    const auto refused = first.send(get_contact_group_call(url)); // moved from: an error, not a crash
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().value() == 90001);

    tcchat::curl_transport third(std::move(second));
    CHECK(third.send(get_contact_group_call(url)).has_value());
}

TEST_CASE("curl_transport: only http and https - gopher dict and file URLs fail without a byte sent", "[serve][curl]") {
    served_emulator server; // a listener a gopher:// request would reach and write raw CRLF-injected bytes into
    const std::string port = std::to_string(server.port());
    tcchat::curl_transport transport;
    for (const std::string& url : {"gopher://127.0.0.1:" + port + "/_POST%20/x%0D%0A", "dict://127.0.0.1:" + port + "/info",
                                   std::string("file:///etc/hostname")}) {
        INFO(url);
        const auto refused = transport.send(get_contact_group_call(url));
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().value() == 90001);
        const std::string scheme = url.substr(0, url.find(':'));
        CHECK(refused.error().message.find(scheme) != std::string::npos); // libcurl names the refused protocol
    }
    // serve logs every request it reads and every one it rejects: none reached it.
    CHECK(server.log().find(" -> ") == std::string::npos);
    CHECK(server.log().find("rejected") == std::string::npos);
    // The same transport still speaks HTTP.
    CHECK(transport.send(get_contact_group_call("http://127.0.0.1:" + port + target_of("get_contact_group"))).has_value());
}

namespace {
/// How many requests for `command` a serve log shows (one line per request read).
std::size_t requests_logged(const std::string& log, const std::string& command) {
    std::size_t count = 0;
    for (auto at = log.find("/v4/recentcontact/" + command + "?"); at != std::string::npos; at = log.find("/v4/recentcontact/" + command + "?", at + 1))
        ++count;
    return count;
}
} // namespace

TEST_CASE("failover: with the primary serve killed mid-run reads go on at the backup - writes follow the retry rules", "[serve][curl]") {
    served_emulator primary;
    served_emulator backup;
    tcchat::client_options options;
    options.base_url = "http://127.0.0.1:" + std::to_string(primary.port());
    options.backup_base_url = "http://127.0.0.1:" + std::to_string(backup.port());
    options.identity = {1400000000, "admin"};
    options.usersig = tcchat::fixed_usersig(logged_usersig);
    options.retry.initial_backoff = std::chrono::milliseconds(1);
    std::vector<std::pair<int, std::string>> attempts; // error code, base URL
    options.on_attempt = [&](const tcchat::attempt_record& a) { attempts.emplace_back(a.error_code, std::string(a.base_url)); };
    tcchat::client<tcchat::curl_transport> reads(tcchat::curl_transport{}, options);

    for (int i = 0; i < 3; ++i) REQUIRE(reads.call(tcchat::get_contact_group_request{"user0", 0}).has_value());
    CHECK(attempts.size() == 3);
    for (const auto& [code, base] : attempts) CHECK(base == options.base_url);

    primary.process().send_signal(SIGKILL);
    REQUIRE(primary.process().wait_exit(std::chrono::seconds(10)).has_value());
    attempts.clear();
    for (int i = 0; i < 3; ++i) {
        INFO("read " << i << " after the kill");
        REQUIRE(reads.call(tcchat::get_contact_group_request{"user0", 0}).has_value());
    }
    // Each read: the primary refuses the connection (90001), the next attempt goes to the backup and succeeds.
    REQUIRE(attempts.size() == 6);
    for (std::size_t i = 0; i < attempts.size(); i += 2) {
        CHECK(attempts[i].first == 90001);
        CHECK(attempts[i].second == options.base_url);
        CHECK(attempts[i + 1].first == 0);
        CHECK(attempts[i + 1].second == options.backup_base_url);
    }
    CHECK(requests_logged(backup.log(), "get_contact_group") == 3);

    const tcchat::create_contact_group_request write{"user0", {{"g", {{tcchat::conversation_type::c2c, "peer1"}}}}};
    attempts.clear();
    const auto not_resent = reads.call(write); // writes are not retried by default: the refused attempt is the last
    REQUIRE_FALSE(not_resent.has_value());
    CHECK(not_resent.error().value() == 90001);
    CHECK(attempts.size() == 1);
    CHECK(requests_logged(backup.log(), "create_contact_group") == 0);

    auto opted_in = options;
    opted_in.retry.retry_writes = true;
    tcchat::client<tcchat::curl_transport> writes(tcchat::curl_transport{}, opted_in);
    REQUIRE(writes.call(write).has_value()); // opted in: resent, to the backup, once
    CHECK(requests_logged(backup.log(), "create_contact_group") == 1);
}

TEST_CASE("curl_transport: one client shared by 8 threads runs calls in parallel on at most max_connections sockets - HTTP and HTTPS", "[serve][curl][concurrency]") {
    test_pki pki;
    // Each answer takes 50 ms, so the threads' calls overlap: run one at a time, they would share one socket.
    scratch_file seed("seed", R"({"faults":[{"command":"get_contact_group","count":1000,"latency_ms":50}]})");
    for (const bool tls : {false, true}) {
        INFO((tls ? "https" : "http"));
        std::vector<std::string> serve_options{"--seed", seed.path()};
        if (tls)
            for (auto& option : pki.server_certificate("localhost", "DNS:localhost,IP:127.0.0.1")) serve_options.push_back(option);
        served_emulator server(serve_options);
        tcchat::client_options options;
        options.base_url = server.base_url();
        options.identity = {app, "admin"};
        options.usersig = tcchat::fixed_usersig(logged_usersig);
        options.limiter = nullptr;
        tcchat::curl_options http;
        http.max_connections = 4;
        if (tls) http.ca_file = pki.ca_file();
        tcchat::client<tcchat::curl_transport> shared(tcchat::curl_transport(http), options);

        std::atomic<int> succeeded{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 10; ++i)
                    if (shared.call(tcchat::get_contact_group_request{"user0", 0})) ++succeeded;
            });
        for (auto& thread : threads) thread.join();
        CHECK(succeeded == 80);
        const auto peers = peers_logged(server.log());
        CHECK(peers.size() >= 2); // in parallel: one handle behind a mutex would have used one socket
        CHECK(peers.size() <= 4); // never more than max_connections
    }
}

TEST_CASE("curl_transport: past max_waiting a call fails at once - the one in line is served", "[serve][curl]") {
    // The first answer takes 2 s: the first call holds the only handle, the second waits, the third is refused.
    scratch_file seed("seed", R"({"faults":[{"command":"get_contact_group","count":1,"latency_ms":2000}]})");
    served_emulator server({"--seed", seed.path()});
    tcchat::curl_options http;
    http.max_connections = 1;
    http.max_waiting = 1;
    tcchat::curl_transport transport(http);
    const std::string url = server.base_url() + target_of("get_contact_group");
    auto running = std::async(std::launch::async, [&] { return transport.send(get_contact_group_call(url)); });
    std::this_thread::sleep_for(200ms); // the first call takes the handle
    auto waiting = std::async(std::launch::async, [&] { return transport.send(get_contact_group_call(url)); });
    std::this_thread::sleep_for(200ms); // the second takes its place in line
    const auto refused = transport.send(get_contact_group_call(url));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().value() == 90001);
    CHECK(refused.error().message.find("wait") != std::string::npos);
    CHECK(running.get().has_value());
    CHECK(waiting.get().has_value());
    CHECK(peers_logged(server.log()).size() == 1); // the one that waited reused the socket
}
