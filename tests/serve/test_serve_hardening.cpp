// `tcchat serve` under attack: each case is an attack that once worked, replayed on real sockets against the
// real binary. Request smuggling through Transfer-Encoding, running out of descriptors, a flood of distinct
// readers and of huge names, and a UserSig hidden from the log redaction by percent-encoding its key.

#include "raw_client.hpp"
#include "serve_harness.hpp"

#include <tcchat/emulator.hpp> // parse_request_target

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace tcchat::test;

/// How many groups `user` has, read on a fresh connection.
std::size_t group_count(const served_emulator& server, const std::string& user) {
    http_connection connection(server.port());
    const http_reply reply = connection.post(target_of("get_contact_group"), R"({"From_Account":")" + user + R"(","StartIndex":0})");
    REQUIRE(error_code_of(reply.body) == 0);
    const boost::json::value answer = boost::json::parse(reply.body);
    const auto groups = answer.as_object().if_contains("GroupItem");
    return groups == nullptr ? 0 : groups->as_array().size();
}

/// A complete create_contact_group request for `user`, as raw bytes: what a smuggler hides in a body.
std::string raw_create_group(const std::string& user) {
    const std::string body = R"({"From_Account":")" + user +
                             R"(","GroupContactItem":[{"GroupName":"smuggled","ContactItem":[{"Type":1,"To_Account":"a"}]}]})";
    return "POST " + target_of("create_contact_group") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::size_t occurrences(const std::string& text, std::string_view what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
    return count;
}

} // namespace

TEST_CASE("serve: a Transfer-Encoding that does not end in chunked is refused and no smuggled request runs", "[serve]") {
    served_emulator server;
    struct attempt {
        const char* name;
        std::string headers; // after the request line, before the blank line
        unsigned status;
    };
    const std::vector<attempt> attempts{
        {"gzip", "Transfer-Encoding: gzip\r\n", 400},
        {"identity", "Transfer-Encoding: identity\r\n", 400},
        {"chunked then identity", "Transfer-Encoding: chunked, identity\r\n", 400},
        {"chunked then gzip in two fields", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", 400},
        {"chunked twice", "Transfer-Encoding: chunked, chunked\r\n", 400},
        {"an unknown coding before chunked", "Transfer-Encoding: xgzip, chunked\r\n", 400},
        {"a known compression before chunked", "Transfer-Encoding: gzip, chunked\r\n", 501},
        {"xchunked with a Content-Length", "Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n", 400},
        {"chunked with a Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", 400},
    };
    for (std::size_t i = 0; i < attempts.size(); ++i) {
        const attempt& a = attempts[i];
        INFO(a.name);
        const std::string victim = "smuggle-victim-" + std::to_string(i);
        http_connection connection(server.port());
        // The outer request's body is a whole second request. Read as "no body", it would run next.
        connection.write_raw("POST " + target_of("get_contact_group") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + a.headers +
                             "\r\n" + raw_create_group(victim));
        const http_reply reply = connection.read_reply();
        CHECK(reply.status == a.status);
        CHECK(error_code_of(reply.body) == static_cast<int>(tcchat::code::http_parse_error));
        CHECK_FALSE(reply.keep_alive);
        CHECK(connection.closed_by_server(5s));
        CHECK(group_count(server, victim) == 0);
    }
    // HTTP/1.0 has no chunked coding: any Transfer-Encoding makes its framing unreliable (RFC 9112 §6.1).
    http_connection connection(server.port());
    connection.write_raw("POST " + target_of("get_contact_group") + " HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                         raw_create_group("smuggle-victim-http10"));
    CHECK(connection.read_reply().status == 400);
    CHECK(connection.closed_by_server(5s));
    CHECK(group_count(server, "smuggle-victim-http10") == 0);

    SECTION("a lone chunked, in any case, is still served") {
        http_connection chunked(server.port());
        const std::string body = R"({"From_Account":"user0","StartIndex":0})";
        char size[16];
        std::snprintf(size, sizeof size, "%zx", body.size());
        chunked.write_raw("POST " + target_of("get_contact_group") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: Chunked\r\n\r\n" +
                          size + "\r\n" + body + "\r\n0\r\n\r\n");
        const http_reply reply = chunked.read_reply();
        CHECK(reply.status == 200);
        CHECK(error_code_of(reply.body) == 0);
        CHECK(reply.keep_alive);
    }
}

TEST_CASE("serve: out of descriptors it backs off and logs once and keeps serving open connections", "[serve]") {
    // 64 descriptors: about ten for the server itself, so of 80 idle connections the last twenty-odd wait in the
    // listen backlog while accept fails with EMFILE.
    served_emulator server({"--idle-timeout", "60"}, {}, {"/usr/bin/prlimit", "--nofile=64:64"});
    http_connection first(server.port()); // accepted while descriptors remain
    REQUIRE(error_code_of(first.post(target_of("get_contact_group"), R"({"From_Account":"user0","StartIndex":0})").body) == 0);

    std::vector<std::unique_ptr<raw_client>> idle; // opened, then left alone
    for (int i = 0; i < 80; ++i) idle.push_back(std::make_unique<raw_client>(server.port()));
    const auto failing_since = std::chrono::steady_clock::now();
    while (server.log().find("accept failed") == std::string::npos && std::chrono::steady_clock::now() - failing_since < 10s)
        std::this_thread::sleep_for(20ms);
    REQUIRE(server.log().find("accept failed: Too many open files") != std::string::npos);

    const double cpu_before = server.process().cpu_seconds();
    const std::size_t log_before = server.log().size();
    const auto window = 2s;
    std::this_thread::sleep_for(window);
    const double cpu_share = (server.process().cpu_seconds() - cpu_before) / std::chrono::duration<double>(window).count();
    const std::size_t log_growth = server.log().size() - log_before;
    std::printf("serve out of descriptors: %.1f %% of a core, log grew %zu bytes in 2 s\n", 100 * cpu_share, log_growth);
    // Spinning on accept took about 80 % of a core and wrote 3 MiB/s of log.
    CHECK(cpu_share < 0.10);
    CHECK(log_growth == 0);
    CHECK(occurrences(server.log(), "accept failed") == 1);

    // The connection accepted before the episode is still served.
    CHECK(error_code_of(first.post(target_of("get_contact_group"), R"({"From_Account":"user0","StartIndex":0})").body) == 0);

    // Descriptors come back: accepting resumes, and the episode's end is logged.
    idle.clear();
    const auto freed_at = std::chrono::steady_clock::now();
    bool served = false;
    while (!served && std::chrono::steady_clock::now() - freed_at < 10s) {
        try {
            http_connection fresh(server.port(), 3s);
            served = error_code_of(fresh.post(target_of("get_contact_group"), R"({"From_Account":"user0","StartIndex":0})").body) == 0;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(100ms);
        }
    }
    CHECK(served);
    CHECK(server.log().find("accepting again after") != std::string::npos);
}

TEST_CASE("serve: a flood of distinct readers and of huge names leaves memory flat", "[serve]") {
    served_emulator server({"--quiet"}, {small_asan_quarantine()});
    http_connection connection(server.port());
    const std::string target = target_of("get_contact_group");
    const auto read_as = [&](const std::string& user) {
        return error_code_of(connection.post(target, R"({"From_Account":")" + user + R"(","StartIndex":0})").body);
    };
    // Warm-up: the connection's buffers, the call log's storage and the allocator's caches reach their size.
    for (int i = 0; i < 2000; ++i) REQUIRE(read_as("warm-up-" + std::to_string(i)) == 0);
    const long before_kib = server.process().resident_kib();

    int failures = 0;
    for (int i = 0; i < 20000; ++i) failures += read_as("reader-" + std::to_string(i)) != 0;
    const std::string huge(60 * 1024, 'n');
    for (int i = 0; i < 300; ++i) failures += read_as(huge + std::to_string(i)) != 0;
    const long after_kib = server.process().resident_kib();
    std::printf("serve reader flood: 20,000 distinct readers and 300 readers with 60 KB names: VmRSS %ld KiB before, "
                "%ld KiB after\n", before_kib, after_kib);
    CHECK(failures == 0);
    // Kept as user records, these cost about 23 MB (4 MB of readers and 18 MB of names).
    CHECK(after_kib - before_kib < 6 * 1024);
}

TEST_CASE("serve: --max-users and --max-state-bytes cap what writes store", "[serve]") {
    const auto create_group = [](http_connection& connection, const std::string& user, const std::string& name) {
        return error_code_of(connection.post(target_of("create_contact_group"),
                                             R"({"From_Account":")" + user + R"(","GroupContactItem":[{"GroupName":")" + name +
                                                 R"(","ContactItem":[{"Type":1,"To_Account":"peer"}]}]})").body);
    };
    SECTION("users") {
        served_emulator server({"--max-users", "2"});
        http_connection connection(server.port());
        CHECK(create_group(connection, "writer-1", "g") == 0);
        CHECK(create_group(connection, "writer-2", "g") == 0);
        CHECK(create_group(connection, "writer-3", "g") == static_cast<int>(tcchat::code::trial_account_limit));
        CHECK(group_count(server, "writer-3") == 0);
        CHECK(create_group(connection, "writer-1", "second") == 0); // a known user may still write
    }
    SECTION("bytes") {
        served_emulator server({"--max-state-bytes", "4096"});
        http_connection connection(server.port());
        int code = 0;
        int created = 0;
        for (; created < 100 && (code = create_group(connection, "user-" + std::to_string(created), std::string(30, 'g'))) == 0; ++created) {}
        CHECK(code == static_cast<int>(tcchat::code::conversation_quota_exceeded));
        CHECK(created > 0);
        CHECK(created < 20);
        // Deleting frees state, and then writes go through again.
        const std::string delete_body = R"({"From_Account":"user-0","GroupName":[")" + std::string(30, 'g') + R"("]})";
        CHECK(error_code_of(connection.post(target_of("del_contact_group"), delete_body).body) == 0);
        CHECK(create_group(connection, "user-0", "h") == 0);
    }
}

TEST_CASE("serve: --max-groups and --conversation-quota reach the quotas in a few calls", "[serve]") {
    served_emulator server({"--max-groups", "1", "--conversation-quota", "2"});
    http_connection connection(server.port());
    const auto create_group = [&](const std::string& name, const std::string& contacts) {
        return connection.post(target_of("create_contact_group"),
                               R"({"From_Account":"user0","GroupContactItem":[{"GroupName":")" + name + R"(","ContactItem":[)" +
                                   contacts + "]}]}").body;
    };
    // Three conversations against a quota of 2: the third item fails with 51008, the call succeeds.
    const auto first = boost::json::parse(create_group("g1", R"({"Type":1,"To_Account":"a"},{"Type":1,"To_Account":"b"},)"
                                                              R"({"Type":1,"To_Account":"c"})"));
    CHECK(first.at("ErrorCode").as_int64() == 0);
    const auto& results = first.at("GroupResultItem").at(0).at("ResultItem").as_array();
    REQUIRE(results.size() == 3);
    CHECK(results[0].at("ResultCode").as_int64() == 0);
    CHECK(results[1].at("ResultCode").as_int64() == 0);
    CHECK(results[2].at("ResultCode").as_int64() == static_cast<int>(tcchat::code::conversation_quota_exceeded));
    // A second group against a cap of 1.
    CHECK(error_code_of(create_group("g2", R"({"Type":1,"To_Account":"a"})")) ==
          static_cast<int>(tcchat::code::conversation_group_limit_exceeded));
}

TEST_CASE("serve: a usersig under a percent-encoded or capitalised key never reaches the log", "[serve]") {
    served_emulator server;
    const std::string secret = "secret-usersig-0123456789";
    http_connection connection(server.port());
    const auto post_with_key = [&](const std::string& key) {
        const std::string target = "/v4/recentcontact/get_contact_group?sdkappid=1400000000&identifi%65r=admin&" + key + "=" +
                                   secret + "&random=1&contenttype=json";
        return error_code_of(connection.post(target, R"({"From_Account":"user0","StartIndex":0})").body);
    };
    // The verifier decodes keys, so these are the usersig (and "identifi%65r" the identifier): accepted.
    CHECK(post_with_key("us%65rsig") == 0);
    CHECK(post_with_key("%75%73%65%72%73%69%67") == 0);
    // The service's keys are lower case: "UserSig" is no usersig to it, but a proxy may think otherwise.
    CHECK(post_with_key("UserSig") == static_cast<int>(tcchat::code::usersig_empty));
    CHECK(occurrences(server.log(), "REDACTED") == 3);
    CHECK(server.log().find(secret) == std::string::npos);
}

namespace {

/// A loopback HTTP server on its own thread that answers every request with a FAIL envelope quoting the
/// request target, raw and percent-decoded, as a careless server or proxy might. It records the usersig it got.
class echoing_server {
public:
    echoing_server() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}), thread_([this] { serve(); }) {}
    echoing_server(const echoing_server&) = delete;
    echoing_server& operator=(const echoing_server&) = delete;
    ~echoing_server() {
        stopping_ = true;
        try {
            http_connection wake(port(), 2s); // unblocks accept
        } catch (const std::exception&) {
        }
        thread_.join();
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::vector<std::string> usersigs_received() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return usersigs_;
    }

private:
    void serve() {
        while (!stopping_) {
            boost::asio::ip::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            boost::beast::flat_buffer buffer;
            http::request<http::string_body> request;
            http::read(socket, buffer, request, ec);
            if (ec) continue;
            const std::string target(request.target());
            if (const auto parsed = tcchat::emulation::parse_request_target(target))
                if (const std::string* usersig = parsed->find("usersig")) {
                    const std::lock_guard<std::mutex> lock(mutex_);
                    usersigs_.push_back(*usersig);
                }
            http::response<http::string_body> response{http::status::ok, 11};
            response.set(http::field::content_type, "application/json");
            response.body() = tcchat::encode(tcchat::response_envelope{
                "FAIL", 70003, "cannot verify " + target + " (decoded: " + tcchat::percent_decode(target).value_or("") + ")", ""});
            response.prepare_payload();
            response.keep_alive(false);
            http::write(socket, response, ec);
        }
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> usersigs_;
    std::thread thread_; // last: starts once everything it uses exists
};

/// Runs `tcchat call get_contact_group` against `server`; answers its exit code and everything it printed.
std::pair<int, std::string> call_echoing_server(const echoing_server& server, const std::vector<env_change>& env) {
    scratch_file body("call-body", R"({"From_Account":"user0","StartIndex":0})");
    scratch_file errors("call-stderr");
    child_process call({serve_binary(), "call", "get_contact_group", body.path(), "--sdkappid", "1400000000", "--identifier",
                        "admin", "--endpoint", "http://127.0.0.1:" + std::to_string(server.port())},
                       env, errors.path());
    std::string printed;
    while (const auto line = call.read_line(30s)) printed += *line + "\n";
    const auto code = call.wait_exit(30s);
    return {code.value_or(-1), printed + errors.contents()};
}

} // namespace

TEST_CASE("call: a UserSig the server echoes back is never printed", "[serve]") {
    const std::string fixed = "fixed-usersig-*-_~-0123456789abcdef";
    {
        echoing_server server;
        const auto [code, printed] = call_echoing_server(server, {{"TCCHAT_USERSIG", fixed}, {"TCCHAT_SECRET_KEY", std::nullopt}});
        INFO(printed);
        CHECK(code == 3); // a server error code
        CHECK(printed.find("70003") != std::string::npos);
        CHECK(printed.find("usersig=REDACTED") != std::string::npos);
        CHECK(printed.find(fixed) == std::string::npos);
        CHECK(server.usersigs_received() == std::vector<std::string>{fixed});
    }
#if TCCHAT_TEST_WITH_USERSIG
    // Generated from the SecretKey: the signature is known only to the CLI and the server.
    echoing_server server;
    const auto [code, printed] = call_echoing_server(
        server, {{"TCCHAT_USERSIG", std::nullopt}, {"TCCHAT_SECRET_KEY", "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"}});
    INFO(printed);
    CHECK(code == 3);
    const auto received = server.usersigs_received();
    REQUIRE(received.size() == 1);
    REQUIRE(received[0].size() > 32);
    CHECK(printed.find(received[0]) == std::string::npos);
    CHECK(printed.find("REDACTED") != std::string::npos);
#endif
}
