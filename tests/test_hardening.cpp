// Attacks on the library's own boundaries: a UserSig echoed back by a server or proxy, log redaction fooled by
// escaping, and an emulator whose memory readers and writers try to exhaust. Each case once succeeded.
#include <tcchat/client.hpp>
#include <tcchat/emulator.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"

using namespace tcchat;

namespace {

using tcchat::test::app;
const std::string secret_usersig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS8kqgfFOQgomxgSFMpDgl*-_~Q3";

/// The first documented request sample of `command` ("<command>.request.json" or one of its variants).
std::string first_request_sample(std::string_view command) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(TCCHAT_SAMPLES_DIR)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(std::string(command) + ".request.", 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names.empty() ? std::string() : names.front();
}

/// A server (or a proxy in front of one) that answers every call with a FAIL whose ErrorInfo quotes the request
/// URL: raw, percent-decoded, and with every reserved byte escaped in lower case.
struct echoing_transport {
    result<http_response> send(const http_request& request) {
        const std::string decoded = percent_decode(request.url).value_or("");
        std::string lower_escaped;
        for (const char c : secret_usersig) {
            static constexpr char hex[] = "0123456789abcdef";
            const auto byte = static_cast<unsigned char>(c);
            if (std::isalnum(byte)) lower_escaped += c;
            else lower_escaped += {'%', hex[byte >> 4], hex[byte & 0xF]};
        }
        const std::string info = "bad request " + request.url + " | decoded " + decoded + " | " + lower_escaped;
        return http_response{200, encode(response_envelope{"FAIL", 70003, info, ""})};
    }
};

/// A transport whose own failure message carries the URL, as an HTTP stack's error text may.
struct failing_transport {
    result<http_response> send(const http_request& request) {
        return make_error(code::transport_failed, error_origin::transport, "", "cannot POST " + percent_decode(request.url).value_or(""));
    }
};

template <class Transport>
error failed_call(client_options options) {
    client<Transport> chat(Transport{}, std::move(options));
    auto answer = chat.call(get_contact_group_request{"user0", 0});
    REQUIRE_FALSE(answer.has_value());
    return answer.error();
}

client_options echo_options() {
    client_options options;
    options.identity = {app, "admin"};
    options.usersig = fixed_usersig(secret_usersig);
    options.limiter = nullptr;
    options.retry.max_attempts = 1;
    return options;
}

template <class Request>
int code_of(emulation::emulator& service, const Request& request, const std::string& from = "admin") {
    const std::string url = build_url("", endpoint_of_t<Request>::command, {app, from, "sig", 1});
    const auto envelope = decode<response_envelope>(service.handle(url, encode(request)).body);
    REQUIRE(envelope.has_value());
    return envelope->ErrorCode;
}

create_contact_group_request one_group(std::string user, std::string name) {
    return {std::move(user), {{std::move(name), {{conversation_type::c2c, std::string("peer"), std::nullopt}}}}};
}

} // namespace

TEST_CASE("a UserSig a server echoes back is scrubbed from the error in every form", "[client][hardening]") {
    const error e = failed_call<echoing_transport>(echo_options());
    CHECK(e.value() == 70003);
    CHECK(e.message.find(secret_usersig) == std::string::npos);
    CHECK(e.message.find("eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS8kqgfFOQgomxgSFMpDgl") == std::string::npos);
    // Three forms in the text, each one replaced where it stood; the rest of the URL is kept for diagnosis.
    CHECK(e.message.find("bad request https://console.tim.qq.com/v4/recentcontact/get_contact_group?sdkappid=1400000000"
                         "&identifier=admin&usersig=REDACTED&random=") != std::string::npos);
    CHECK(e.message.find("| decoded ") != std::string::npos);
    CHECK(e.message.find("usersig=REDACTED&random=", e.message.find("| decoded ")) != std::string::npos);
    CHECK(e.message.substr(e.message.size() - 8) == "REDACTED");
    // ... and so is the line the error prints.
    CHECK(to_string(e).find(secret_usersig) == std::string::npos);
    CHECK(to_string(e).find("usersig=REDACTED") != std::string::npos);
}

TEST_CASE("a transport failure that quotes the URL loses the UserSig too", "[client][hardening]") {
    const error e = failed_call<failing_transport>(echo_options());
    CHECK(e.code == code::transport_failed);
    CHECK(e.message.find(secret_usersig) == std::string::npos);
    CHECK(e.message.find("usersig=REDACTED") != std::string::npos);
}

TEST_CASE("redact_usersig matches keys as the verifier decodes them", "[url][hardening]") {
    CHECK(redact_usersig("/p?a=1&us%65rsig=s3cret&b=2") == "/p?a=1&us%65rsig=REDACTED&b=2");
    CHECK(redact_usersig("/p?%75%73%65%72%73%69%67=s3cret") == "/p?%75%73%65%72%73%69%67=REDACTED");
    CHECK(redact_usersig("/p?UserSig=s3cret&usersig=t") == "/p?UserSig=REDACTED&usersig=REDACTED");
    CHECK(redact_usersig("/p?identifi%65r=admin&usersig=s3cret") == "/p?identifi%65r=admin&usersig=REDACTED");
    // A key that does not decode may be anything, the usersig included.
    CHECK(redact_usersig("/p?us%zzrsig=s3cret&x=1") == "/p?us%zzrsig=REDACTED&x=1");
    // Names that only contain "usersig" are other parameters.
    CHECK(redact_usersig("/p?my_usersig=keep&usersigx=keep") == "/p?my_usersig=keep&usersigx=keep");
    CHECK(redact_usersig("/p/usersig=no-query") == "/p/usersig=no-query");
}

TEST_CASE("redact_secret replaces a secret raw and percent-encoded in either case", "[url][hardening]") {
    std::string text = "a*b/c a%2Ab%2Fc a%2ab%2fc a*b%2Fc";
    redact_secret(text, "a*b/c");
    // append_percent_encoded keeps '*': its form is the fourth.
    CHECK(text == "REDACTED REDACTED REDACTED REDACTED");
    std::string untouched = "nothing here";
    redact_secret(untouched, "");
    CHECK(untouched == "nothing here");

    // A short secret (a test's placeholder) goes where it stands alone, never out of the middle of a word;
    // a long one (every real UserSig) goes wherever it appears.
    std::string message = "group x does not exist; url ...&usersig=x&random=1; x";
    redact_secret(message, "x");
    CHECK(message == "group REDACTED does not exist; url ...&usersig=REDACTED&random=1; REDACTED");
    const std::string real_length(40, 'k');
    std::string glued = "prefix" + real_length + "suffix";
    redact_secret(glued, real_length);
    CHECK(glued == "prefixREDACTEDsuffix");
}

TEST_CASE("emulator: reads by users it does not know keep no state", "[emulator][hardening]") {
    emulation::emulator service;
    for (int i = 0; i < 20000; ++i) {
        const std::string user = "reader-" + std::to_string(i);
        REQUIRE(code_of(service, get_contact_group_request{user, 0}) == 0);
        REQUIRE(code_of(service, get_list_request{user}) == 0);
        REQUIRE(code_of(service, search_contact_group_request{user, {{conversation_type::c2c, std::string("p"), std::nullopt}}}) == 0);
    }
    CHECK(service.usage().users == 0);
    CHECK(service.usage().state_bytes == 0);
    CHECK(service.state_image() == "{}");
    // A failed write keeps nothing either.
    CHECK(code_of(service, del_contact_group_request{"stranger", {"none"}}) == static_cast<int>(code::conversation_group_not_found));
    CHECK(service.usage().users == 0);
}

TEST_CASE("emulator: writes stop at max_users and max_state_bytes with a code and change nothing", "[emulator][hardening]") {
    SECTION("users") {
        emulation::emulator_options options;
        options.max_users = 2;
        emulation::emulator service(options);
        CHECK(code_of(service, one_group("w1", "g")) == 0);
        CHECK(code_of(service, one_group("w2", "g")) == 0);
        const std::string before = service.state_image();
        CHECK(code_of(service, one_group("w3", "g")) == static_cast<int>(code::trial_account_limit));
        CHECK(service.state_image() == before);
        CHECK(service.usage().users == 2);
        CHECK(code_of(service, one_group("w1", "second")) == 0);
    }
    SECTION("bytes") {
        emulation::emulator_options options;
        options.max_state_bytes = 2000;
        emulation::emulator service(options);
        const std::string long_name(32, 'x');
        int created = 0;
        while (created < 50 && code_of(service, one_group("w" + std::to_string(created), long_name)) == 0) ++created;
        CHECK(created >= 2);
        CHECK(created < 10);
        const emulation::emulator_usage full = service.usage();
        CHECK(full.state_bytes >= options.max_state_bytes);
        const std::string before = service.state_image();
        const mark_contact_request mark{"w0", {{mark_operation::standard, {conversation_type::c2c, std::string("other"), std::nullopt},
                                                std::vector<std::int64_t>{1}}}};
        CHECK(code_of(service, mark) == static_cast<int>(code::conversation_quota_exceeded));
        CHECK(service.state_image() == before);
        // Deletes still go through and free what they held.
        CHECK(code_of(service, del_contact_group_request{"w0", {long_name}}) == 0);
        CHECK(service.usage().state_bytes < full.state_bytes);
    }
    SECTION("at the cap exactly the endpoints whose traits say may_add_state are refused") {
        emulation::emulator_options options;
        options.max_state_bytes = 2000;
        emulation::emulator service(options);
        for (int created = 0; service.usage().state_bytes < options.max_state_bytes; ++created)
            REQUIRE(code_of(service, one_group("w" + std::to_string(created), std::string(32, 'x'))) == 0);
        boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
            using endpoint_type = decltype(endpoint);
            const std::string file = first_request_sample(endpoint_type::command);
            INFO(file);
            auto request = decode<typename endpoint_type::request>(tcchat::test::sample(file));
            REQUIRE(request.has_value());
            const bool refused = code_of(service, *request) == static_cast<int>(code::conversation_quota_exceeded);
            CHECK(refused == endpoint_type::may_add_state);
        });
    }
    SECTION("roaming clears are kept for the newest deletes only") {
        emulation::emulator_options options;
        options.roaming_clears_kept = 3;
        emulation::emulator service(options);
        for (int i = 0; i < 10; ++i)
            REQUIRE(code_of(service, delete_request{"u", conversation_type::c2c, "peer" + std::to_string(i), std::nullopt, std::nullopt}) == 0);
        const auto clears = service.roaming_clears(app, "u");
        REQUIRE(clears.size() == 3);
        CHECK(clears[0].first == "peer7");
        CHECK(clears[2].first == "peer9");
    }
}

TEST_CASE("a query that holds a URL is still a query to the parser and the redaction", "[url][hardening]") {
    const auto target = emulation::parse_request_target("/v4/recentcontact/get_list?next=https://host/x&usersig=s");
    REQUIRE(target.has_value());
    CHECK(target->path == "/v4/recentcontact/get_list");
    REQUIRE(target->find("usersig") != nullptr);
    CHECK(*target->find("usersig") == "s");
    CHECK(*target->find("next") == "https://host/x");
    CHECK(redact_usersig("/v4/recentcontact/get_list?next=https://host/x&usersig=s") ==
          "/v4/recentcontact/get_list?next=https://host/x&usersig=REDACTED");
    // A full URL still has its scheme and host dropped.
    CHECK(emulation::parse_request_target("https://console.tim.qq.com/v4/recentcontact/get_list?a=1")->path == "/v4/recentcontact/get_list");
}

TEST_CASE("the redaction splits the query where the parser does even when the host holds a question mark", "[url][hardening]") {
    // Found by the url_query fuzzer: "adm?" before the path is host, not query, to the parser.
    const std::string url = "x://adm?a/p?usersig=s";
    REQUIRE(emulation::parse_request_target(url).has_value());
    CHECK(emulation::parse_request_target(url)->path == "/p");
    CHECK(redact_usersig(url) == "x://adm?a/p?usersig=REDACTED");
    // No path at all: the parser reads no query, and the redaction still hides a usersig.
    CHECK(redact_usersig("https://host?usersig=s") == "https://host?usersig=REDACTED");
}
