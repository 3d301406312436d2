// tcchat::curl_transport against a real `tcchat serve`: what its lifetime promises, with libcurl for real.
#include "serve_harness.hpp"

#include <tcchat/transport/curl.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace tcchat::test;

namespace {

tcchat::http_request get_contact_group_call(const std::string& url) {
    static const std::string body = R"({"From_Account":"user0","StartIndex":0})";
    tcchat::http_request request;
    request.url = url;
    request.body = body;
    return request;
}

} // namespace

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
