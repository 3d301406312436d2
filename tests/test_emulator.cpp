// Emulator semantics (README "The emulator and `tcchat serve`"; docs/protocol.md §1.6, §1.8, §3), exercised
// through the in-memory transport. The § numbers in test names refer to docs/protocol.md.
#include <tcchat/emulator.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "test_support.hpp"

using namespace tcchat;

namespace {

using tcchat::test::app;

/// One typed call through the in-memory transport, the way a client sends it.
template <class Request>
typename endpoint_of_t<Request>::response call(emulation::emulator& service, const Request& request, std::uint32_t sdkappid = app) {
    emulation::in_memory_transport transport(service);
    const std::string url = build_url("https://console.tim.qq.com", endpoint_of_t<Request>::command,
                                      {sdkappid, "admin", "sig", 42});
    auto answer = transport.send(http_request{url, encode(request)});
    REQUIRE(answer.has_value());
    REQUIRE(answer->status == 200);
    auto decoded = decode<typename endpoint_of_t<Request>::response>(answer->body);
    REQUIRE(decoded.has_value());
    return *decoded;
}

contact_item c2c(std::string peer) { return {conversation_type::c2c, std::move(peer), std::nullopt}; }
contact_item chat(std::string id) { return {conversation_type::group, std::nullopt, std::move(id)}; }

create_contact_group_request create(std::string name, std::vector<contact_item> items = {c2c("p")}) {
    return {"u", {{std::move(name), std::move(items)}}};
}

mark_contact_request set_bits(std::vector<contact_item> items, std::vector<std::int64_t> bits) {
    mark_contact_request r{"u", {}};
    for (auto& item : items) r.MarkItem.push_back({mark_operation::standard, item, bits});
    return r;
}

} // namespace

TEST_CASE("conversation groups: ids 20 per user unique names 51009 (§1.8 §3.1-§3.3)", "[emulator]") {
    emulation::emulator service;
    for (int i = 1; i <= 20; ++i) {
        auto r = call(service, create("g" + std::to_string(i)));
        REQUIRE(r.ok());
        CHECK((*r.GroupResultItem)[0].GroupItem.GroupId == static_cast<std::uint64_t>(i));
    }
    auto twenty_first = call(service, create("g21"));
    CHECK(twenty_first.ActionStatus == "FAIL");
    CHECK(twenty_first.ErrorCode == 51010);

    auto duplicate = call(service, del_contact_group_request{"u", {"g20"}});
    REQUIRE(duplicate.ok());
    CHECK(call(service, create("g1")).ErrorCode == 50002); // names are unique

    auto missing_delete = call(service, del_contact_group_request{"u", {"nope"}});
    CHECK(missing_delete.ErrorCode == 51009);
    auto missing_update = call(service, update_contact_group_request{
                                            "u", update_type::group, update_group{update_group_type::rename, "nope", "x"}});
    CHECK(missing_update.ErrorCode == 51009);

    auto renamed = call(service, update_contact_group_request{"u", update_type::group,
                                                              update_group{update_group_type::rename, "g3", "three"}});
    REQUIRE(renamed.ok());
    CHECK(renamed.UpdateGroupResult->GroupId == 3); // a rename keeps the id
    CHECK(renamed.UpdateGroupResult->GroupName == "three");
    CHECK(renamed.UpdateGroupResult->OldGroupName == "g3");

    auto next = call(service, create("fresh"));
    CHECK((*next.GroupResultItem)[0].GroupItem.GroupId == 21); // ids keep increasing after a delete
}

TEST_CASE("membership: several groups per conversation add and remove (§3.3 §3.4)", "[emulator]") {
    emulation::emulator service;
    call(service, create("a", {c2c("p"), chat("@G")}));
    call(service, create("b", {c2c("p")}));
    auto found = call(service, search_contact_group_request{"u", {c2c("p"), chat("@G"), c2c("stranger")}});
    REQUIRE(found.ok());
    REQUIRE(found.ContactResultItem->size() == 2);
    CHECK((*found.ContactResultItem)[0].ContactGroupId == std::vector<std::uint64_t>{1, 2}); // request order
    CHECK((*found.ContactResultItem)[1].ToGroupId == "@G");
    CHECK((*found.ContactResultItem)[1].StandardMark->empty());
    CHECK(found.GroupItem->size() == 2);

    update_group remove_p{update_group_type::update_conversations, "a", std::nullopt,
                          std::vector<contact_update_item>{{contact_operation::remove, c2c("p")}, {contact_operation::add, c2c("q")}}};
    auto updated = call(service, update_contact_group_request{"u", update_type::group, remove_p});
    REQUIRE(updated.ok());
    REQUIRE(updated.UpdateGroupResult->ContactResultItem->size() == 2);
    CHECK((*updated.UpdateGroupResult->ContactResultItem)[1].ResultCode == 0);
    auto after = call(service, search_contact_group_request{"u", {c2c("p"), c2c("q")}});
    CHECK((*after.ContactResultItem)[0].ContactGroupId == std::vector<std::uint64_t>{2});
    CHECK((*after.ContactResultItem)[1].ContactGroupId == std::vector<std::uint64_t>{1});
}

TEST_CASE("marks: SetMark 0 and 34 read back as those bits - CustomMark set and replaced (§3.6 §4)", "[emulator]") {
    emulation::emulator service;
    auto marked = call(service, set_bits({c2c("p")}, {0, 34}));
    REQUIRE(marked.ok());
    CHECK((*marked.ResultItem)[0].ResultCode == 0);
    auto found = call(service, search_contact_group_request{"u", {c2c("p")}});
    const standard_mark bits = *(*found.ContactResultItem)[0].StandardMark;
    CHECK(bits.bits() == ((std::uint64_t{1} << 34) | 1));
    CHECK(bits.test(mark_bit::favorite));
    CHECK(bits.test_customer(2));

    mark_contact_request custom{"u", {{mark_operation::both, c2c("p"), std::nullopt, std::vector<std::int64_t>{0}, "first"}}};
    call(service, custom);
    custom.MarkItem[0].CustomMark = "second";
    call(service, custom);
    auto page = call(service, get_contact_group_request{"u", 0});
    const contact_mark_item& item = (*page.ContactItem)[0];
    CHECK(item.StandardMark->bits() == (std::uint64_t{1} << 34));
    CHECK(item.CustomMark == "second");
    CHECK_FALSE(item.ContactGroupId.has_value());
}

TEST_CASE("the 1000-conversation quota is shared by groups and marks (§1.8)", "[emulator]") {
    emulation::emulator service;
    call(service, create("g", {c2c("grouped")}));
    for (int batch = 0; batch < 10; ++batch) {
        std::vector<contact_item> items;
        for (int i = 0; i < 100; ++i) items.push_back(c2c("m" + std::to_string(batch * 100 + i)));
        auto r = call(service, set_bits(items, {1}));
        for (std::size_t i = 0; i < items.size(); ++i) {
            const bool over = batch == 9 && i == 99; // the 1001st distinct conversation
            CHECK((*r.ResultItem)[i].ResultCode == (over ? 51008 : 0));
        }
    }
    // A conversation already counted can still change.
    CHECK((*call(service, set_bits({c2c("m5")}, {2})).ResultItem)[0].ResultCode == 0);
}

TEST_CASE("get_contact_group pages visit every item exactly once (§3.5 §6.10)", "[emulator]") {
    emulation::emulator_options options;
    options.page_size = 7;
    emulation::emulator service(options);
    std::vector<contact_item> items;
    for (int i = 0; i < 50; ++i) items.push_back(c2c("p" + std::to_string(i)));
    call(service, set_bits(std::vector<contact_item>(items.begin(), items.begin() + 50), {0}));
    std::set<std::string> seen;
    std::int64_t start = 0;
    int pages = 0;
    for (;;) {
        auto page = call(service, get_contact_group_request{"u", start});
        REQUIRE(page.ok());
        ++pages;
        for (const auto& item : *page.ContactItem) CHECK(seen.insert(*item.To_Account).second);
        if (page.CompleteFlag == complete_flag::complete) {
            CHECK_FALSE(page.NextStartIndex.has_value()); // absent on the last page, like live answers
            break;
        }
        REQUIRE(page.NextStartIndex.has_value());
        start = *page.NextStartIndex;
    }
    CHECK(seen.size() == 50);
    CHECK(pages == 8);
}

TEST_CASE("get_list pages the pinned block then the general one - oldest first - with four cursors - delete (§3.7 §3.8)", "[emulator]") {
    emulation::emulator_options options;
    options.page_size = 3;
    emulation::emulator service(options);
    for (int i = 0; i < 4; ++i) service.seed_conversation(app, "u", {conversation_type::c2c, "pin" + std::to_string(i), 100 + i, true});
    for (int i = 0; i < 5; ++i) service.seed_conversation(app, "u", {conversation_type::group, "@G" + std::to_string(i), 200 + i, false});

    std::vector<std::string> order;
    std::vector<std::size_t> page_sizes;
    get_list_request request{"u"};
    for (int guard = 0; guard < 10; ++guard) {
        auto page = call(service, request);
        REQUIRE(page.ok());
        for (const auto& s : *page.SessionItem) order.push_back(s.To_Account ? *s.To_Account : *s.GroupId);
        page_sizes.push_back(page.SessionItem->size());
        if (page.CompleteFlag == complete_flag::complete) break;
        request.TimeStamp = *page.TimeStamp;
        request.StartIndex = *page.StartIndex;
        request.TopTimeStamp = *page.TopTimeStamp;
        request.TopStartIndex = *page.TopStartIndex;
    }
    // As the documented samples list them (docs/protocol.md §3.7): the pinned block, then the general one, each
    // oldest first.
    CHECK(order == std::vector<std::string>{"pin0", "pin1", "pin2", "pin3", "@G0", "@G1", "@G2", "@G3", "@G4"});
    CHECK(page_sizes == std::vector<std::size_t>{3, 3, 3}); // the second page ends one block and begins the next

    REQUIRE(call(service, delete_request{"u", conversation_type::group, std::nullopt, "@G4", 1}).ok());
    REQUIRE(call(service, delete_request{"u", conversation_type::c2c, "pin0", std::nullopt, 0}).ok());
    auto first = call(service, get_list_request{"u"});
    CHECK((*first.SessionItem)[0].To_Account == "pin1");
    CHECK(service.roaming_clears(app, "u") == std::vector<std::pair<std::string, bool>>{{"@G4", true}, {"pin0", false}});
}

TEST_CASE("get_list with AssistFlags 63 carries the marks (§3.7 §6.18)", "[emulator]") {
    emulation::emulator service;
    service.seed_conversation(app, "u", {conversation_type::c2c, "p", 5, false});
    call(service, set_bits({c2c("p")}, {3}));
    get_list_request old_flags{"u"};
    old_flags.AssistFlags = 7;
    CHECK_FALSE((*call(service, old_flags).SessionItem)[0].StandardMark.has_value());
    auto page = call(service, get_list_request{"u"});
    CHECK((*page.SessionItem)[0].StandardMark->test(mark_bit::hidden));
}

TEST_CASE("bad requests: validator codes 60003 edition gating URL codes (§1.6)", "[emulator]") {
    emulation::emulator service;
    auto too_long = call(service, create(std::string(33, 'x')));
    CHECK(too_long.ActionStatus == "FAIL");
    CHECK(too_long.ErrorCode == 51011);
    CHECK(too_long.ErrorInfo.find("/GroupContactItem/0/GroupName") != std::string::npos);

    const std::string base = "/v4/recentcontact/get_contact_group?sdkappid=1&identifier=admin&usersig=s&random=1";
    auto code_of = [&](std::string_view url, std::string_view body) {
        const http_response r = service.handle(url, body);
        REQUIRE(r.status == 200);
        return decode<response_envelope>(r.body).value().ErrorCode;
    };
    CHECK(code_of(base, "{\"From_Account\":") == 60003);
    CHECK(code_of(base, R"({"From_Account":"u","StartIndex":"x"})") == 50002);
    CHECK(code_of("/v4/recentcontact/get_contact_group?identifier=admin&usersig=s", "{}") == 60012);
    CHECK(code_of("/v4/recentcontact/get_contact_group?sdkappid=abc&identifier=admin&usersig=s", "{}") == 60006);
    CHECK(code_of("/v4/recentcontact/get_contact_group?sdkappid=1&usersig=s", "{}") == 60010);
    CHECK(code_of("/v4/recentcontact/get_contact_group?sdkappid=1&identifier=admin", "{}") == 70002);
    CHECK(code_of("/v4/recentcontact/nope?sdkappid=1&identifier=admin&usersig=s", "{}") == 60009);
    CHECK(code_of("/v4/openim/sendmsg?sdkappid=1&identifier=admin&usersig=s", "{}") == 60009);
    CHECK(code_of("/v4/recentcontact/get_list?sdkappid=1&identifier=a%ZZ", "{}") == 60002);

    emulation::emulator_options basic;
    basic.edition_supports_groups = false;
    emulation::emulator basic_service(basic);
    CHECK(call(basic_service, create("g")).ErrorCode == 51013);
    CHECK(call(basic_service, get_contact_group_request{"u", 0}).ErrorCode == 51013);
    CHECK(call(basic_service, get_list_request{"u"}).ok()); // the conversation list is not gated
}

TEST_CASE("users are kept apart by SDKAppID", "[emulator]") {
    emulation::emulator service;
    call(service, create("g"), 1);
    CHECK(call(service, get_contact_group_request{"u", 0}, 2).GroupItem->empty());
    CHECK(call(service, get_contact_group_request{"u", 0}, 1).GroupItem->size() == 1);
}

TEST_CASE("fault injection: codes 502 truncation QPS cap", "[emulator][faults]") {
    emulation::emulator service;
    emulation::in_memory_transport transport(service);
    const std::string url = build_url("http://emulator", "get_contact_group", {app, "admin", "sig", 1});
    const std::string body = encode(get_contact_group_request{"u", 0});
    auto error_code = [&] { return decode<response_envelope>(transport.send({url, body})->body).value().ErrorCode; };

    service.add_fault({"get_contact_group", 2, 0, 70169});
    CHECK(error_code() == 70169);
    CHECK(error_code() == 70169);
    CHECK(error_code() == 0);

    service.add_fault({"mark_contact", 1, 0, 70500}); // another command's fault does not fire here
    CHECK(error_code() == 0);
    service.clear_faults();

    service.add_fault({"get_contact_group", 0, 0, 70169}); // a fault for no calls fires never (its count once wrapped)
    for (int i = 0; i < 3; ++i) CHECK(error_code() == 0);

    emulation::fault bad_gateway;
    bad_gateway.http_status = 502;
    service.add_fault(bad_gateway);
    CHECK(transport.send({url, body})->status == 502);

    emulation::fault truncated;
    truncated.truncate_body = true;
    service.add_fault(truncated);
    auto cut = transport.send({url, body});
    CHECK(cut->status == 200);
    CHECK_FALSE(decode<get_contact_group_response>(cut->body).has_value());

    emulation::fault sometimes;
    sometimes.rate = 0.5;
    sometimes.error_code = 60008;
    service.add_fault(sometimes);
    int failures = 0;
    for (int i = 0; i < 200; ++i) failures += error_code() == 60008;
    CHECK(failures > 50);
    CHECK(failures < 150);
    service.clear_faults();

    service.set_qps_cap(5);
    int limited = 0;
    for (int i = 0; i < 20; ++i) limited += error_code() == 60007;
    CHECK(limited >= 14); // a 5-call burst, then 60007 (the loop takes far less than a second)
    service.set_qps_cap(0);
    CHECK(error_code() == 0);

    const auto calls = service.calls();
    CHECK(calls.back().command == "get_contact_group");
    CHECK(calls.back().random == 1);
    CHECK(calls.back().identifier == "admin");
}

TEST_CASE("the call log keeps only the newest calls", "[emulator]") {
    emulation::emulator_options options;
    options.call_log_limit = 3;
    emulation::emulator service(options);
    // Each call under its own SDKAppID, 1 to 5, so the log shows which calls it kept.
    for (std::uint32_t sdkappid = 1; sdkappid <= 5; ++sdkappid) call(service, get_contact_group_request{"u", 0}, sdkappid);
    std::vector<std::uint32_t> kept;
    for (const auto& logged : service.calls()) kept.push_back(logged.sdkappid);
    CHECK(kept == std::vector<std::uint32_t>{3, 4, 5}); // the newest three, oldest first
}

TEST_CASE("the call log records each answer's own error code", "[emulator]") {
    emulation::emulator service;
    const auto answered = [&](const auto& request) { return call(service, request).ErrorCode; };
    CHECK(answered(del_contact_group_request{"u", {"nope"}}) == 51009);                 // the store refuses
    CHECK(answered(create_contact_group_request{"u", {}}) == 50002);                      // the validator refuses
    CHECK(answered(create_contact_group_request{"u", {{"g", {{conversation_type::c2c, "p"}}}}}) == 0);
    const auto calls = service.calls();
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].error_code == 51009);
    CHECK(calls[1].error_code == 50002); // group_contact_item.count: exactly one group per call (§6.16)
    CHECK(calls[2].error_code == 0);
}

namespace {
/// One HTTP exchange without assertions, for worker threads (Catch2 assertions are not thread-safe): the
/// answer's error code, or -1 when the exchange itself failed or did not decode.
template <class Request>
int exchange_code(emulation::emulator& service, const Request& request) {
    const std::string url = build_url("https://console.tim.qq.com", endpoint_of_t<Request>::command, {app, "admin", "sig", 42});
    const http_response answer = service.handle(url, encode(request));
    if (answer.status != 200) return -1;
    const auto envelope = decode<response_envelope>(answer.body);
    return envelope ? envelope->ErrorCode : -1;
}
} // namespace

TEST_CASE("concurrent callers lose no update: the final state equals a serial replay", "[emulator][concurrency]") {
    emulation::emulator_options fixed_clock;
    fixed_clock.clock = [] { return std::int64_t{1700000000}; };
    // Every call's error code in order; each workload's calls succeed, so a serial run gives all zeros.
    auto workload = [](emulation::emulator& service, int thread) {
        std::vector<int> codes;
        const std::string user = "user" + std::to_string(thread);
        for (int round = 0; round < 15; ++round) {
            const std::string name = "g" + std::to_string(round);
            codes.push_back(exchange_code(service, create_contact_group_request{user, {{name, {c2c("p" + std::to_string(round))}}}}));
            mark_contact_request m{"shared", {{mark_operation::standard, c2c("t" + std::to_string(thread) + "_" + std::to_string(round)),
                                               std::vector<std::int64_t>{thread % 64}}}};
            codes.push_back(exchange_code(service, m));
            if (round % 3 == 0) codes.push_back(exchange_code(service, del_contact_group_request{user, {name}}));
        }
        return codes;
    };
    emulation::emulator concurrent(fixed_clock), serial(fixed_clock);
    std::vector<std::vector<int>> concurrent_codes(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { concurrent_codes[t] = workload(concurrent, t); });
    for (auto& th : threads) th.join();
    for (int t = 0; t < 4; ++t) {
        INFO("thread " << t);
        CHECK(concurrent_codes[t] == std::vector<int>(35, 0)); // 15 creates 15 marks 5 deletes
        CHECK(workload(serial, t) == std::vector<int>(35, 0));
    }
    CHECK(concurrent.state_image() == serial.state_image());
    CHECK(concurrent.calls().size() == serial.calls().size());
}
