// `tcchat serve` speaking HTTP to the letter, checked on the bytes it sends: HEAD, Expect in HTTP/1.0, the exact
// refusals of the framing checks, what a seed file may inject, and a log that stays readable and alive.

#include "raw_client.hpp"
#include "serve_harness.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace {

using namespace tcchat::test;

const std::string reader_body = R"({"From_Account":"user0","StartIndex":0})";

/// A whole exchange on a fresh connection: `request` as it is, then everything until the server closes.
std::string round_trip(const served_emulator& server, const std::string& request) {
    raw_client client(server.port());
    client.send(request);
    return client.read_until_closed();
}

std::string error_info_of(std::string_view body) {
    const auto envelope = tcchat::decode<tcchat::response_envelope>(body);
    return envelope ? envelope->ErrorInfo : "(no envelope)";
}

/// A POST of reader_body with these fields between the request line and the body.
std::string post_with(const std::string& version, const std::string& fields) {
    return "POST " + target_of("get_contact_group") + " " + version + "\r\nHost: 127.0.0.1\r\n" + fields + "\r\n" + reader_body;
}

} // namespace

TEST_CASE("serve: HEAD carries the Content-Length of the GET and no body", "[serve]") {
    served_emulator server;
    const std::string get = round_trip(server, "GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const std::string head = round_trip(server, "HEAD /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    REQUIRE(get.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    REQUIRE(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    const std::string length = header_value(get, "Content-Length");
    CHECK(std::stoul(length) == after_header(get).size());
    CHECK(std::stoul(length) > 1000);
    CHECK(header_value(head, "Content-Length") == length);
    CHECK(after_header(head).empty());

    // A HEAD to a path that serves only POST: the 405 it gets carries its length and no body either, so the
    // next answer on a kept connection starts where it should.
    const std::string refused = round_trip(server, "HEAD " + target_of("get_contact_group") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                                                     post_with("HTTP/1.1", "Connection: close\r\nContent-Length: " +
                                                                               std::to_string(reader_body.size()) + "\r\n"));
    REQUIRE(refused.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
    CHECK(header_value(refused, "Content-Length") != "0");
    CHECK(after_header(refused).rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("serve: Expect 100-continue is answered only in HTTP/1.1", "[serve]") {
    served_emulator server;
    const std::string fields = "Expect: 100-continue\r\nContent-Length: " + std::to_string(reader_body.size()) + "\r\n";
    // RFC 9110 §10.1.1: a server ignores Expect in an HTTP/1.0 request; 1.0 has no interim answers.
    const std::string old = round_trip(server, post_with("HTTP/1.0", fields));
    CHECK(old.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    CHECK(old.find("100 Continue") == std::string::npos);
    const std::string current = round_trip(server, post_with("HTTP/1.1", fields + "Connection: close\r\n"));
    CHECK(current.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("serve: its own answer to Transfer-Encoding together with Content-Length", "[serve]") {
    served_emulator server;
    // Beast refuses a Content-Length before a Transfer-Encoding itself; in this order only serve's check stands.
    const std::string answer = round_trip(server, post_with("HTTP/1.1", "Transfer-Encoding: gzip\r\nContent-Length: " +
                                                                          std::to_string(reader_body.size()) + "\r\n"));
    CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(header_value(answer, "Connection") == "close");
    CHECK(error_code_of(std::string(after_header(answer))) == static_cast<int>(tcchat::code::http_parse_error));
    CHECK(error_info_of(after_header(answer)) == "Transfer-Encoding together with Content-Length");
    CHECK(server.log().find("rejected with 400: Transfer-Encoding together with Content-Length\n") != std::string::npos);
}

TEST_CASE("serve: the final transfer coding is compared as a whole token without a Content-Length", "[serve]") {
    served_emulator server;
    const std::string not_chunked = "the final Transfer-Encoding is not chunked, so the body length is unknown";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"chunkedx", not_chunked},
        {"chunked2", not_chunked},
        {"xchunked", not_chunked},
        // An empty parameter is no transfer-parameter (RFC 9112 §7): refused rather than read as chunked here and
        // perhaps otherwise by a proxy in front.
        {"chunked;", "malformed Transfer-Encoding element 'chunked;'"},
    };
    for (const auto& [coding, reason] : cases) {
        INFO(coding);
        const std::string answer = round_trip(server, post_with("HTTP/1.1", "Transfer-Encoding: " + coding + "\r\n"));
        CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
        CHECK(error_info_of(after_header(answer)) == reason);
        CHECK(server.log().find("rejected with 400: " + reason + "\n") != std::string::npos);
    }
    // A well-formed parameter does not change the coding's name.
    const std::string body = reader_body;
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size());
    const std::string served = round_trip(server, "POST " + target_of("get_contact_group") +
                                                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked;ext=1\r\n\r\n" +
                                                    size + "\r\n" + body + "\r\n0\r\n\r\n");
    CHECK(served.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("serve: a seed fault with an HTTP status that cannot carry its page is refused at start", "[serve]") {
    for (const int status : {42, 99, 100, 101, 199, 204, 304}) {
        INFO(status);
        scratch_file seed("seed", R"({"faults":[{"command":"get_list","http_status":)" + std::to_string(status) + "}]}");
        scratch_file errors("seed-stderr");
        child_process serve({serve_binary(), "serve", "--port", "0", "--seed", seed.path()}, {}, errors.path());
        CHECK(serve.wait_exit(30s) == 64);
        CHECK(errors.contents().find("/faults/0/http_status: expected 0 (none) or an HTTP status from 200 to 599 other than 204 and "
                                     "304, which carry no body, not " + std::to_string(status)) != std::string::npos);
    }
    for (const int status : {200, 203, 502, 599}) {
        INFO(status);
        scratch_file seed("seed", R"({"faults":[{"command":"get_list","http_status":)" + std::to_string(status) + "}]}");
        CHECK_NOTHROW(served_emulator({"--seed", seed.path()}));
    }
}

TEST_CASE("serve: bytes outside printable ASCII reach the log escaped", "[serve]") {
    served_emulator server;
    http_connection connection(server.port());
    // NEL, U+2028, a C1 CSI and a lone high byte in a parameter the emulator ignores.
    const std::string target = target_of("get_contact_group") + "&note=\xc2\x85|\xe2\x80\xa8|\xc2\x9b" "31m|\xff";
    CHECK(error_code_of(connection.post(target, reader_body).body) == 0);
    const std::string log = server.log();
    CHECK(log.find("&note=\\xc2\\x85|\\xe2\\x80\\xa8|\\xc2\\x9b31m|\\xff -> 200") != std::string::npos);
    for (const char c : log) {
        const auto byte = static_cast<unsigned char>(c);
        INFO(static_cast<int>(byte));
        REQUIRE((c == '\n' || (byte >= 0x20 && byte <= 0x7e)));
    }
}

TEST_CASE("serve: keeps serving after the reader of its log goes away", "[serve]") {
    // `tcchat serve 2>&1 | head -1`: stderr is a pipe whose reader leaves. A FIFO stands in for the pipe, so that
    // the harness can hand it to the child as a path.
    scratch_file fifo_place("log-fifo");
    const std::string fifo = fifo_place.path() + ".fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    child_process serve({serve_binary(), "serve", "--port", "0"}, {}, fifo); // opens the writing end
    const auto line = serve.read_line(30s);
    ::close(reader); // every later log line meets a pipe with no reader
    ::unlink(fifo.c_str());
    REQUIRE(line);
    const unsigned short port = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));

    for (int i = 0; i < 3; ++i) { // each request writes a log line
        http_connection connection(port);
        CHECK(error_code_of(connection.post(target_of("get_contact_group"), reader_body).body) == 0);
    }
    CHECK_FALSE(serve.wait_exit(100ms).has_value()); // still running
}
