// The decisions of `tcchat serve` tested on their own, without a server in front: the framing decision (which
// Beast's own parser may refuse first for some inputs, so that a Beast upgrade cannot leave it untested), the
// accept backoff schedule, the log's escaping, and the emulator's order of checks that serve relies on.

#include "serve_framing.hpp"
#include "serve_http.hpp"
#include "serve_session.hpp"

#include <tcchat/emulator.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace http = boost::beast::http;
using tcchat::cli::framing_refusal;

/// An HTTP/1.1 request header with these Transfer-Encoding fields, and a Content-Length when given.
http::request_header<> with_transfer_encoding(const std::vector<std::string>& fields, const char* content_length = nullptr) {
    http::request_header<> request;
    request.method(http::verb::post);
    request.target("/v4/recentcontact/get_list");
    request.version(11);
    for (const auto& field : fields) request.insert(http::field::transfer_encoding, field);
    if (content_length != nullptr) request.set(http::field::content_length, content_length);
    return request;
}

} // namespace

TEST_CASE("serve framing: Transfer-Encoding together with Content-Length is refused whatever the coding", "[serve]") {
    for (const char* coding : {"chunked", "gzip, chunked", "xchunked"}) {
        INFO(coding);
        const auto refused = framing_refusal(with_transfer_encoding({coding}, "5"));
        REQUIRE(refused.has_value());
        CHECK(refused->status == http::status::bad_request);
        CHECK(refused->reason == "Transfer-Encoding together with Content-Length");
    }
    CHECK_FALSE(framing_refusal(with_transfer_encoding({}, "5")).has_value());
}

TEST_CASE("serve framing: the final coding is compared as a whole token", "[serve]") {
    for (const char* coding : {"chunkedx", "chunked2", "xchunked", "chunke", "chunked-x", "gzip, chunkedx"}) {
        INFO(coding);
        const auto refused = framing_refusal(with_transfer_encoding({coding}));
        REQUIRE(refused.has_value());
        CHECK(refused->status == http::status::bad_request);
        CHECK(refused->reason == "the final Transfer-Encoding is not chunked, so the body length is unknown");
    }
    for (const char* coding : {"chunked", "Chunked", " chunked ", "chunked;ext=1", "chunked ; name = \"quoted\"", ", chunked"}) {
        INFO(coding);
        CHECK_FALSE(framing_refusal(with_transfer_encoding({coding})).has_value());
    }
}

TEST_CASE("serve framing: a malformed coding element such as chunked with an empty parameter is refused", "[serve]") {
    // The field value, and the list element the refusal names.
    const std::vector<std::pair<std::string, std::string>> malformed{
        {"chunked;", "chunked;"}, {"chunked; ", "chunked;"},   {"chunked;=1", "chunked;=1"},        {"chunked;ext", "chunked;ext"},
        {"chunked;a=", "chunked;a="}, {"chu\"nked", "chu\"nked"}, {"gzip;, chunked", "gzip;"}, {"chunked;a=b;", "chunked;a=b;"},
    };
    for (const auto& [value, element] : malformed) {
        INFO(value);
        const auto refused = framing_refusal(with_transfer_encoding({value}));
        REQUIRE(refused.has_value());
        CHECK(refused->status == http::status::bad_request);
        CHECK(refused->reason == "malformed Transfer-Encoding element '" + element + "'");
    }
}

TEST_CASE("serve framing: codings across fields and before chunked", "[serve]") {
    const auto refused = [](const std::vector<std::string>& fields) { return framing_refusal(with_transfer_encoding(fields)); };
    CHECK(refused({"chunked", "gzip"})->reason == "the final Transfer-Encoding is not chunked, so the body length is unknown");
    CHECK(refused({"gzip", "chunked"})->status == http::status::not_implemented);
    CHECK(refused({"chunked, chunked"})->reason == "transfer coding 'chunked' before chunked is not a known coding");
    http::request_header<> http10 = with_transfer_encoding({"chunked"});
    http10.version(10);
    CHECK(framing_refusal(http10)->reason == "Transfer-Encoding in an HTTP/1.0 request");
}

TEST_CASE("serve accept backoff doubles from 10 ms and stops at 1 s", "[serve]") {
    using ms = std::chrono::milliseconds;
    const std::vector<ms> expected{ms(10), ms(20), ms(40), ms(80), ms(160), ms(320), ms(640), ms(1000), ms(1000), ms(1000)};
    std::vector<ms> schedule;
    for (std::uint64_t failures = 1; failures <= expected.size(); ++failures) schedule.push_back(tcchat::cli::accept_pause(failures));
    CHECK(schedule == expected);
    CHECK(tcchat::cli::accept_pause(64) == ms(1000)); // 10 ms << 63 would overflow
    CHECK(tcchat::cli::accept_pause(~std::uint64_t{0}) == ms(1000));
    static_assert(tcchat::cli::accept_pause(1) == ms(10), "usable at compile time");
}

TEST_CASE("serve log escapes every byte outside printable ASCII", "[serve]") {
    using tcchat::cli::log_escaped;
    CHECK(log_escaped("plain /v4?a=b&c=~") == "plain /v4?a=b&c=~");
    CHECK(log_escaped("\x1b[2J") == "\\x1b[2J");                      // ESC
    CHECK(log_escaped("a\nb\rc\td") == "a\\x0ab\\x0dc\\x09d");
    CHECK(log_escaped("\xc2\x85") == "\\xc2\\x85");                   // NEL
    CHECK(log_escaped("\xe2\x80\xa8") == "\\xe2\\x80\\xa8");          // U+2028
    CHECK(log_escaped("\x9b" "31m") == "\\x9b31m");                   // C1 CSI
    CHECK(log_escaped(std::string("\x00\x7f\xff", 3)) == "\\x00\\x7f\\xff");

    std::ostringstream out;
    tcchat::cli::server_log log(false, out);
    log.line("GET /\x1b]0;owned\x07 -> 200");
    CHECK(out.str() == "tcchat serve: GET /\\x1b]0;owned\\x07 -> 200\n");
}

TEST_CASE("emulator: an unknown command is answered as unknown before the QPS cap is consulted", "[serve]") {
    tcchat::emulation::emulator service;
    service.set_qps_cap(1);
    const auto code_of = [&](const std::string& command) {
        int error_code = -1;
        service.handle(tcchat::build_url("", command, {1400000000, "admin", "sig", 1}), R"({"From_Account":"u","StartIndex":0})",
                       &error_code);
        return error_code;
    };
    // With a budget of one call per second per command, a second made-up call would be over the cap if it had one.
    for (int i = 0; i < 3; ++i) CHECK(code_of("made_up_command") == static_cast<int>(tcchat::code::resource_not_found));
    CHECK(code_of("get_contact_group") == 0);
    CHECK(code_of("get_contact_group") == static_cast<int>(tcchat::code::rest_rate_limited)); // the cap is on
}

TEST_CASE("emulator: a call log limit of 0 keeps no calls", "[serve]") {
    tcchat::emulation::emulator_options options;
    options.call_log_limit = 0;
    tcchat::emulation::emulator service(options);
    service.handle(tcchat::build_url("", "get_contact_group", {1400000000, "admin", "sig", 1}), R"({"From_Account":"u","StartIndex":0})");
    CHECK(service.calls().empty());
}
