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
