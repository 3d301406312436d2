// `tcchat serve` over real sockets: the same answers as the in-process emulator, the documented answers to
// malformed and hostile requests (after each of which the server must still serve), options and shutdown.

#include "../ci_skip.hpp"
#include "serve_harness.hpp"

#include <tcchat/config.hpp>
#include <tcchat/emulator.hpp>
#include <tcchat/url.hpp>
#if TCCHAT_TEST_WITH_USERSIG
#include <tcchat/usersig.hpp>
#endif

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <future>
#include <sstream>

namespace {

using namespace tcchat::test;

constexpr std::int64_t fixed_time = 1700000000;

/// get_list's first page for `user`.
std::string first_page_of(const std::string& user) {
    return R"({"From_Account":")" + user + R"(","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":7})";
}

const std::string user0_groups = R"({"From_Account":"user0","StartIndex":0})"; // a get_contact_group body

/// The server still answers a well-formed request on a fresh connection.
void require_still_serving(const served_emulator& server) {
    http_connection connection(server.port());
    const http_reply reply = connection.post(target_of("get_contact_group"), user0_groups);
    REQUIRE(reply.status == 200);
    REQUIRE(error_code_of(reply.body) == 0);
}

/// Runs `tcchat serve OPTIONS...` expecting it to exit on its own; returns the exit code and its stderr.
std::pair<int, std::string> run_to_exit(std::vector<std::string> options, const std::vector<env_change>& env = {}) {
    scratch_file log("serve-usage");
    options.insert(options.begin(), {serve_binary(), "serve"});
    child_process process(options, env, log.path());
    const auto code = process.wait_exit(30s);
    return {code.value_or(-1), log.contents()};
}

struct seeded_conversation {
    std::string user;
    tcchat::emulation::conversation_seed seed;
};

std::string seed_file_of(const std::vector<seeded_conversation>& conversations, boost::json::array calls = {},
                         boost::json::array faults = {}) {
    boost::json::array rows;
    for (const auto& [user, seed] : conversations)
        rows.push_back({{"user", user}, {"type", static_cast<int>(seed.type)}, {"peer", seed.peer},
                        {"msg_time", seed.msg_time}, {"pinned", seed.pinned}});
    return boost::json::serialize(boost::json::object{
        {"sdkappid", app}, {"calls", std::move(calls)}, {"conversations", std::move(rows)}, {"faults", std::move(faults)}});
}

} // namespace

TEST_CASE("serve: answers over HTTP are byte-identical to the in-process emulator", "[serve]") {
    using tcchat::conversation_type;
    const std::vector<seeded_conversation> conversations{
        {"user1", {conversation_type::c2c, "peerA", fixed_time + 100, true}},
        {"user1", {conversation_type::group, "@TGS#2", fixed_time + 200, false}},
        {"user1", {conversation_type::c2c, "peerB", fixed_time + 300, false}},
    };
    scratch_file seed("serve-seed", seed_file_of(conversations));
    served_emulator server({"--seed", seed.path(), "--fixed-time", std::to_string(fixed_time), "--page-size", "2"});

    tcchat::emulation::emulator_options options;
    options.page_size = 2;
    options.clock = [] { return fixed_time; };
    tcchat::emulation::emulator reference(options);
    for (const auto& [user, entry] : conversations) reference.seed_conversation(app, user, entry);

    // One keep-alive connection carries the whole script.
    http_connection connection(server.port());
    auto exchange = [&](const std::string& target, const std::string& body, int expected_code) {
        INFO(target << " " << body);
        const http_reply reply = connection.post(target, body);
        const tcchat::http_response expected = reference.handle(target, body);
        CHECK(reply.status == static_cast<unsigned>(expected.status));
        CHECK(reply.body == expected.body);
        CHECK(error_code_of(reply.body) == expected_code);
        CHECK(reply.keep_alive);
        return reply.body;
    };

    exchange(target_of("create_contact_group"),
             R"({"From_Account":"user0","GroupContactItem":[{"GroupName":"friends","ContactItem":[)"
             R"({"Type":1,"To_Account":"user1"},{"Type":2,"ToGroupId":"@TGS#1"}]}]})",
             0);
    exchange(target_of("search_contact_group"), R"({"From_Account":"user0","ContactItem":[{"Type":1,"To_Account":"user1"}]})", 0);
    exchange(target_of("mark_contact"),
             R"({"From_Account":"user0","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"user1"},)"
             R"("SetMark":[1,2,3],"CustomMark":"abcd"}]})",
             0);
    exchange(target_of("get_contact_group"), user0_groups, 0);
    exchange(target_of("update_contact_group"),
             R"({"From_Account":"user0","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"friends",)"
             R"("NewGroupName":"close friends"}})",
             0);
    exchange(target_of("update_contact_group"),
             R"({"From_Account":"user0","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"close friends",)"
             R"("ContactUpdateItem":[{"ContactOptType":1,"ContactItem":{"Type":1,"To_Account":"user2"}},)"
             R"({"ContactOptType":2,"ContactItem":{"Type":2,"ToGroupId":"@TGS#1"}}]}})",
             0);
    exchange(target_of("get_contact_group"), user0_groups, 0);
    exchange(target_of("del_contact_group"), R"({"From_Account":"user0","GroupName":["close friends"]})", 0);
    exchange(target_of("del_contact_group"), R"({"From_Account":"user0","GroupName":["close friends"]})",
             static_cast<int>(tcchat::code::conversation_group_not_found));

    // get_list pages through the seeded conversations (page size 2), following the answer's cursor.
    const std::string first_page = exchange(target_of("get_list"), first_page_of("user1"), 0);
    const auto cursor = tcchat::decode<tcchat::get_list_response>(first_page);
    REQUIRE(cursor.has_value());
    CHECK(cursor->CompleteFlag == tcchat::complete_flag::incomplete);
    tcchat::get_list_request next{"user1", cursor->TimeStamp.value_or(0), cursor->StartIndex.value_or(0),
                                  cursor->TopTimeStamp.value_or(0), cursor->TopStartIndex.value_or(0), 7};
    exchange(target_of("get_list"), tcchat::encode(next), 0);

    exchange(target_of("delete"), R"({"From_Account":"user1","Type":1,"To_Account":"peerA","ClearRamble":1})", 0);
    exchange(target_of("get_list"), first_page_of("user1"), 0);

    // What the URL layer and the decoder reject is answered the same way too.
    exchange(target_of("get_list"), R"({"From_Account":)", static_cast<int>(tcchat::code::json_parse_error));
    exchange("/v4/recentcontact/get_contact_group?identifier=admin&usersig=x&random=1&contenttype=json",
             user0_groups, static_cast<int>(tcchat::code::sdkappid_missing));
    exchange(target_of("no_such_command"), "{}", static_cast<int>(tcchat::code::resource_not_found));

    CHECK(server.log().find("usersig=REDACTED") != std::string::npos);
    CHECK(server.log().find(logged_usersig) == std::string::npos);
}

TEST_CASE("serve: malformed requests get the documented answer and the server stays up", "[serve]") {
    served_emulator server({"--max-body-bytes", "1024"});
    const std::string target = target_of("get_contact_group");

    SECTION("a body that is not JSON is 200 with 60003") {
        http_connection connection(server.port());
        const http_reply reply = connection.post(target, "{not json");
        CHECK(reply.status == 200);
        CHECK(error_code_of(reply.body) == static_cast<int>(tcchat::code::json_parse_error));
    }
    SECTION("a missing sdkappid is 60012") {
        http_connection connection(server.port());
        const http_reply reply = connection.post("/v4/recentcontact/get_contact_group?identifier=admin&usersig=x", user0_groups);
        CHECK(reply.status == 200);
        CHECK(error_code_of(reply.body) == static_cast<int>(tcchat::code::sdkappid_missing));
    }
    SECTION("an unknown command is 60009") {
        http_connection connection(server.port());
        CHECK(error_code_of(connection.post(target_of("get_everything"), "{}").body) ==
              static_cast<int>(tcchat::code::resource_not_found));
    }
    SECTION("other methods are 405 with an envelope, and the connection goes on") {
        http_connection connection(server.port());
        for (const auto method : {http::verb::get, http::verb::put, http::verb::delete_}) {
            http::request<http::string_body> request{method, target, 11};
            request.set(http::field::host, "127.0.0.1");
            const http_reply reply = connection.send(request);
            CHECK(reply.status == 405);
            CHECK(error_code_of(reply.body) == static_cast<int>(tcchat::code::http_parse_error));
            CHECK(reply.keep_alive);
        }
        CHECK(error_code_of(connection.post(target, user0_groups).body) == 0);
    }
    SECTION("an oversized Content-Length is refused with 413 before any body byte is sent") {
        http_connection connection(server.port());
        connection.write_raw("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1073741824\r\n\r\n");
        const http_reply reply = connection.read_reply();
        CHECK(reply.status == 413);
        CHECK(error_code_of(reply.body) == static_cast<int>(tcchat::code::http_parse_error));
        CHECK_FALSE(reply.keep_alive);
        CHECK(connection.closed_by_server(5s));
    }
    SECTION("a chunked body is refused with 413 as soon as it passes the cap") {
        http_connection connection(server.port());
        connection.write_raw("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        const std::string chunk = "258\r\n" + std::string(600, ' ') + "\r\n"; // 0x258 = 600 bytes
        connection.write_raw(chunk + chunk);
        CHECK(connection.read_reply().status == 413);
        CHECK(connection.closed_by_server(5s));
    }
    SECTION("a body of exactly the cap is served") {
        std::string body = user0_groups;
        body.resize(1024, ' ');
        http_connection connection(server.port());
        const http_reply reply = connection.post(target, body);
        CHECK(reply.status == 200);
        CHECK(error_code_of(reply.body) == 0);
    }
    SECTION("garbage bytes get 400 or a closed connection") {
        http_connection connection(server.port());
        const char garbage[] = "\x16\x03\x01\x02\x00\x01\x00\xff garbage\r\n\r\n"; // a TLS hello, then noise
        connection.write_raw(std::string(garbage, sizeof garbage - 1));
        http_reply reply;
        if (!connection.try_read_reply(reply)) CHECK(reply.status == 400);
        CHECK(connection.closed_by_server(5s));
    }
    SECTION("a client that disconnects mid-body is dropped silently") {
        {
            http_connection connection(server.port());
            connection.write_raw("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"From_Acc");
        }
        require_still_serving(server);
        CHECK(server.log().find("rejected") == std::string::npos);
    }
    SECTION("pipelined requests are answered in order") {
        http_connection connection(server.port());
        std::ostringstream both;
        both << post_request(target, user0_groups)
             << post_request(target_of("get_list"), "{bad");
        connection.write_raw(both.str());
        CHECK(error_code_of(connection.read_reply().body) == 0);
        CHECK(error_code_of(connection.read_reply().body) == static_cast<int>(tcchat::code::json_parse_error));
    }
    require_still_serving(server);
}

TEST_CASE("serve: the default body cap is TCCHAT_MAX_BODY_BYTES", "[serve]") {
    served_emulator server;
    http_connection connection(server.port());
    connection.write_raw("POST " + target_of("get_list") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                         std::to_string(std::uint64_t{TCCHAT_MAX_BODY_BYTES} + 1) + "\r\n\r\n");
    CHECK(connection.read_reply().status == 413);
}

TEST_CASE("serve: HTTP/1.0 keeps the connection only when asked", "[serve]") {
    served_emulator server;
    auto request = post_request(target_of("get_contact_group"), user0_groups, 10);

    SECTION("with Connection: keep-alive") {
        request.keep_alive(true);
        http_connection connection(server.port());
        for (int i = 0; i < 3; ++i) {
            const http_reply reply = connection.send(request);
            CHECK(reply.status == 200);
            CHECK(reply.keep_alive);
        }
    }
    SECTION("without it") {
        http_connection connection(server.port());
        CHECK_FALSE(connection.send(request).keep_alive);
        CHECK(connection.closed_by_server(5s));
    }
}

TEST_CASE("serve: an idle connection is closed after --idle-timeout", "[serve]") {
    served_emulator server({"--idle-timeout", "1"});
    http_connection connection(server.port());
    const auto started = std::chrono::steady_clock::now();
    CHECK(connection.closed_by_server(10s));
    CHECK(std::chrono::steady_clock::now() - started >= 900ms);
    require_still_serving(server);
}

TEST_CASE("serve: --seed preloads groups conversations and faults", "[serve]") {
    boost::json::array calls{boost::json::object{
        {"command", "create_contact_group"},
        {"body", boost::json::parse(R"({"From_Account":"user0","GroupContactItem":[{"GroupName":"preloaded",)"
                                    R"("ContactItem":[{"Type":1,"To_Account":"user1"}]}]})")}}};
    boost::json::array faults{boost::json::object{{"command", "get_list"}, {"http_status", 502}},
                              boost::json::object{{"command", "delete"}, {"latency_ms", 1500}}};
    scratch_file seed("serve-seed",
                      seed_file_of({{"user1", {tcchat::conversation_type::c2c, "peerA", fixed_time, false}}}, calls, faults));
    served_emulator server({"--seed", seed.path()});
    http_connection connection(server.port());

    const http_reply groups = connection.post(target_of("get_contact_group"), user0_groups);
    CHECK(groups.body.find(R"("GroupName":"preloaded")") != std::string::npos);

    const std::string get_list = first_page_of("user1");
    const http_reply injected = connection.post(target_of("get_list"), get_list);
    CHECK(injected.status == 502);
    CHECK(injected.keep_alive);
    const http_reply listed = connection.post(target_of("get_list"), get_list);
    CHECK(listed.status == 200);
    CHECK(listed.body.find(R"("To_Account":"peerA")") != std::string::npos);

    // The injected latency holds one connection; the others are served meanwhile.
    auto slow = std::async(std::launch::async, [&] {
        http_connection own(server.port());
        const auto started = std::chrono::steady_clock::now();
        own.post(target_of("delete"), R"({"From_Account":"user1","Type":1,"To_Account":"peerA"})");
        return std::chrono::steady_clock::now() - started;
    });
    std::this_thread::sleep_for(200ms);
    const auto started = std::chrono::steady_clock::now();
    require_still_serving(server);
    CHECK(std::chrono::steady_clock::now() - started < 1s);
    CHECK(slow.get() >= 1400ms);
}

TEST_CASE("serve: seed conversations read conversation_seed's names - and the wire-style names of 0.1", "[serve]") {
    // Both spellings of "pinned" are set on one entry each, and a third entry is the newest but not pinned: the
    // pinned block (oldest first) comes first only when both spellings were read.
    scratch_file seed("serve-seed", R"({"conversations": [)"
                                    R"({"user": "user1", "type": 1, "peer": "new-style", "msg_time": 20, "pinned": true},)"
                                    R"({"user": "user1", "Type": 2, "peer": "@old-style", "MsgTime": 10, "TopFlag": 1},)"
                                    R"({"user": "user1", "Type": 1, "peer": "old-style-general", "MsgTime": 30, "TopFlag": 0}]})");
    served_emulator server({"--seed", seed.path()});
    http_connection connection(server.port());
    const auto listed = boost::json::parse(connection.post(target_of("get_list"), first_page_of("user1")).body);
    const auto& sessions = listed.at("SessionItem").as_array();
    REQUIRE(sessions.size() == 3);
    CHECK(sessions[0].at("GroupId") == "@old-style");
    CHECK(sessions[0].at("TopFlag") == 1);
    CHECK(sessions[0].at("MsgTime") == 10);
    CHECK(sessions[1].at("To_Account") == "new-style");
    CHECK(sessions[1].at("TopFlag") == 1);
    CHECK(sessions[1].at("MsgTime") == 20);
    CHECK(sessions[2].at("To_Account") == "old-style-general");
    CHECK(sessions[2].at("TopFlag") == 0);
    CHECK(sessions[2].at("MsgTime") == 30);
}

TEST_CASE("serve: --edition basic and --qps shape the answers", "[serve]") {
    SECTION("basic edition answers 51013 to group commands but serves get_list") {
        served_emulator server({"--edition", "basic"});
        http_connection connection(server.port());
        CHECK(error_code_of(connection.post(target_of("get_contact_group"), user0_groups).body) ==
              static_cast<int>(tcchat::code::edition_not_supported));
        CHECK(error_code_of(connection.post(target_of("get_list"), first_page_of("u")).body) == 0);
    }
    SECTION("a cap of 1 call per second answers 60007 to the second call") {
        served_emulator server({"--qps", "1"});
        http_connection connection(server.port());
        CHECK(error_code_of(connection.post(target_of("get_contact_group"), user0_groups).body) == 0);
        CHECK(error_code_of(connection.post(target_of("get_contact_group"), user0_groups).body) ==
              static_cast<int>(tcchat::code::rest_rate_limited));
    }
}

TEST_CASE("serve: bad options and bad seed files are usage errors (64)", "[serve]") {
    scratch_file not_json("serve-seed", "{\"calls\": [");
    scratch_file unknown_member("serve-seed", R"({"conversation": []})");
    scratch_file failing_call("serve-seed",
                              R"({"calls": [{"command": "del_contact_group", "body": {"From_Account": "u", "GroupName": ["none"]}}]})");
    scratch_file bad_type("serve-seed", R"({"conversations": [{"user": "u", "Type": 3, "peer": "p"}]})");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--port", "70000"}, "--port"},
        {{"--edition", "gold"}, "basic or pro"},
        {{"--threads", "0"}, "--threads"},
        {{"--qps", "-1"}, "--qps"},
        {{"--bind", "localhost.invalid"}, "--bind"},
        {{"--no-such-option", "1"}, "unknown option"},
        {{"--page-size"}, "missing value"},
        {{"--secret-key=abc"}, "TCCHAT_SECRET_KEY"},
        {{"--seed", "/nonexistent/seed.json"}, "cannot read"},
        {{"--seed", not_json.path()}, "not JSON"},
        {{"--seed", unknown_member.path()}, "unknown member \"conversation\""},
        {{"--seed", failing_call.path()}, "/calls/0: del_contact_group did not succeed"},
        {{"--seed", bad_type.path()}, "/conversations/0/Type"},
    };
    for (const auto& [options, message] : cases) {
        INFO(options.front() << " -> " << message);
        const auto [code, stderr_text] = run_to_exit(options);
        CHECK(code == 64);
        CHECK(stderr_text.find(message) != std::string::npos);
    }
}

TEST_CASE("serve: SIGTERM and SIGINT stop the server with exit code 0", "[serve]") {
    const int signal_number = GENERATE(SIGTERM, SIGINT);
    served_emulator server;
    http_connection idle(server.port()); // an open keep-alive connection must not hold up the stop
    require_still_serving(server);
    server.process().send_signal(signal_number);
    CHECK(server.process().wait_exit(5s) == std::optional<int>(0));
}

#if TCCHAT_TEST_WITH_USERSIG
TEST_CASE("serve: --secret-key verifies usersigs with the key from TCCHAT_SECRET_KEY", "[serve]") {
    const std::string key = "a-secret-key-for-the-serve-tests";
    SECTION("without the variable it is a usage error") {
        const auto [code, stderr_text] = run_to_exit({"--secret-key"}, {{"TCCHAT_SECRET_KEY", std::nullopt}});
        CHECK(code == 64);
        CHECK(stderr_text.find("TCCHAT_SECRET_KEY") != std::string::npos);
    }
    SECTION("with it, only usersigs signed with the key for the identifier pass") {
        served_emulator server({"--secret-key"}, {{"TCCHAT_SECRET_KEY", key}});
        const auto now = tcchat::usersig::unix_now();
        const std::string valid = tcchat::usersig::generate(app, "admin", key, 3600, now).value();
        const std::string other_identifier = tcchat::usersig::generate(app, "someone", key, 3600, now).value();
        const std::string other_key = tcchat::usersig::generate(app, "admin", "another-key", 3600, now).value();
        http_connection connection(server.port());
        CHECK(error_code_of(connection.post(target_of("get_contact_group", valid), user0_groups).body) == 0);
        CHECK(error_code_of(connection.post(target_of("get_contact_group", other_identifier), user0_groups).body) ==
              static_cast<int>(tcchat::code::usersig_identifier_mismatch));
        CHECK(error_code_of(connection.post(target_of("get_contact_group", other_key), user0_groups).body) ==
              static_cast<int>(tcchat::code::usersig_verification_failed));
        const std::string stderr_text = server.log();
        for (const auto& secret : {valid, other_identifier, other_key, key}) CHECK(stderr_text.find(secret) == std::string::npos);
    }
}
#endif

TEST_CASE("serve: the README's curl command works", "[serve]") {
    if (std::system("command -v curl >/dev/null 2>&1") != 0) TCCHAT_SKIP_TEST("the README's curl command: curl is not installed");
    served_emulator server;
    const std::string command =
        "curl -s -X POST 'http://127.0.0.1:" + std::to_string(server.port()) +
        "/v4/recentcontact/get_contact_group?sdkappid=1400000000&identifier=admin&usersig=x&random=1&contenttype=json'"
        " -d '{\"From_Account\":\"user0\",\"StartIndex\":0}'";
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char chunk[512];
        for (std::size_t got; (got = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) output.append(chunk, got);
        ::pclose(pipe);
    }
    CHECK(output.rfind(R"({"ActionStatus":"OK","ErrorCode":0)", 0) == 0);
}
