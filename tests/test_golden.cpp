// Golden tests (docs/protocol.md §3): every documented sample of every endpoint decodes, re-encodes to the same JSON
// value, and every wire key is spelled out in an exact-text encoding test. The § numbers in test and section
// names refer to docs/protocol.md.
#include <tcchat/endpoints.hpp>
#include <tcchat/codec.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

namespace {

using namespace tcchat;
using tcchat::test::sample;
using tcchat::test::same_json;

struct sample_name {
    std::string command;
    std::string kind; // "request" or "response"
};

sample_name split_sample_name(const std::string& file) {
    const auto first = file.find('.');
    const auto second = file.find('.', first + 1);
    return {file.substr(0, first), file.substr(first + 1, second - first - 1)};
}

template <class T>
std::string round_trip(const std::string& text) {
    auto decoded = decode<T>(text);
    if (!decoded) FAIL(decoded.error().pointer << ": " << decoded.error().message);
    return encode(*decoded);
}

std::vector<std::string> sample_files() {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(TCCHAT_SAMPLES_DIR))
        if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

TEST_CASE("every documented sample round-trips to the same JSON value (docs/protocol.md §3)", "[golden]") {
    std::set<std::string> covered;
    for (const std::string& file : sample_files()) {
        INFO(file);
        const sample_name name = split_sample_name(file);
        const std::string original = sample(file);
        std::string encoded;
        const bool known = visit_endpoint(name.command, [&](auto endpoint) {
            using endpoint_type = decltype(endpoint);
            encoded = name.kind == "request" ? round_trip<typename endpoint_type::request>(original)
                                             : round_trip<typename endpoint_type::response>(original);
        });
        REQUIRE(known);
        CHECK(same_json(encoded, original));
        covered.insert(name.command + "." + name.kind);
    }
    // Both directions of every endpoint have at least one sample, and no sample names another command.
    boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
        const std::string command(decltype(endpoint)::command);
        CHECK(covered.count(command + ".request") == 1);
        CHECK(covered.count(command + ".response") == 1);
    });
    CHECK(covered.size() == 2 * boost::mp11::mp_size<all_endpoints>::value);
}

TEST_CASE("sample variants docs/protocol.md calls out decode to the documented values", "[golden]") {
    SECTION("live get_contact_group: CompleteTime kept, NextStartIndex absent, \"\" and 35-char marks (§3.5)") {
        auto r = decode<get_contact_group_response>(sample("get_contact_group.response.live.json"));
        REQUIRE(r.has_value());
        CHECK(r->CompleteTime == 1745810706);
        CHECK_FALSE(r->NextStartIndex.has_value());
        CHECK(r->CompleteFlag == complete_flag::complete);
        REQUIRE(r->ContactItem->size() == 4);
        CHECK((*r->ContactItem)[0].StandardMark->bits() == (std::uint64_t{1} << 34));
        CHECK((*r->ContactItem)[0].StandardMark->test_customer(2));
        CHECK((*r->ContactItem)[1].StandardMark->empty());
        CHECK(r->ErrorDisplay == "");
    }
    SECTION("update: rename and conversation variants (§3.3)") {
        auto rename = decode<update_contact_group_request>(sample("update_contact_group.request.rename.json"));
        REQUIRE(rename.has_value());
        CHECK(rename->UpdateGroup->UpdateGroupType == update_group_type::rename);
        CHECK(rename->UpdateGroup->NewGroupName == "group_0002");
        auto members = decode<update_contact_group_request>(sample("update_contact_group.request.conversations.json"));
        REQUIRE(members.has_value());
        const auto& items = *members->UpdateGroup->ContactUpdateItem;
        REQUIRE(items.size() == 2);
        CHECK(items[1].ContactOptType == contact_operation::remove);
        CHECK(items[1].ContactItem.ToGroupId == "@TGS#1B2AUI7RZ");
    }
    SECTION("delete: C2C uses To_Account, group uses ToGroupid (§3.8)") {
        auto c2c = decode<delete_request>(sample("delete.request.c2c.json"));
        auto group = decode<delete_request>(sample("delete.request.group.json"));
        REQUIRE((c2c.has_value() && group.has_value()));
        CHECK(c2c->To_Account == "id2");
        CHECK(group->ToGroupid == "id2");
        CHECK(group->ClearRamble == 1);
    }
    SECTION("get_list old (AssistFlags 7) and new (63, marks in SessionItem) (§3.7)") {
        auto old_request = decode<get_list_request>(sample("get_list.request.json"));
        auto new_request = decode<get_list_request>(sample("get_list.request.newer.json"));
        REQUIRE((old_request.has_value() && new_request.has_value()));
        CHECK(old_request->AssistFlags == 7);
        CHECK(new_request->AssistFlags == 63);
        auto page = decode<get_list_response>(sample("get_list.response.newer.json"));
        REQUIRE(page.has_value());
        CHECK((*page->SessionItem)[1].GroupId == "@TGS#1B2AUI7RZ");
        CHECK((*page->SessionItem)[2].TopFlag == top_flag::pinned);
        CHECK((*page->SessionItem)[2].StandardMark->bits() == 0x39);
        CHECK((*page->SessionItem)[2].ContactGroupId == std::vector<std::uint64_t>{1});
    }
}

// Exact-text encodings: each wire key of each type spelled out letter for letter. These catch the spelling
// slips the peers made ("type" for "Type", a lost "ToGroupId").
TEST_CASE("wire keys: shared objects", "[golden][keys]") {
    CHECK(encode(contact_item{conversation_type::c2c, "u1", std::nullopt}) == R"({"Type":1,"To_Account":"u1"})");
    CHECK(encode(contact_item{conversation_type::group, std::nullopt, "@TGS#1"}) == R"({"Type":2,"ToGroupId":"@TGS#1"})");
    CHECK(encode(group_item{"g", 7}) == R"({"GroupName":"g","GroupId":7})");
    contact_mark_item mark{conversation_type::group, std::nullopt, "@TGS#2", standard_mark(5), "c",
                           std::vector<std::uint64_t>{1, 2}, 1673500546};
    CHECK(encode(mark) ==
          R"({"Type":2,"ToGroupId":"@TGS#2","StandardMark":"101","CustomMark":"c","ContactGroupId":[1,2],"Timestamp":1673500546})");
    CHECK(encode(response_envelope{"FAIL", 51009, "missing", "shown"}) ==
          R"({"ActionStatus":"FAIL","ErrorCode":51009,"ErrorInfo":"missing","ErrorDisplay":"shown"})");
}

TEST_CASE("wire keys: group endpoints", "[golden][keys]") {
    create_contact_group_request create{"u", {{"g", {{conversation_type::c2c, "p", std::nullopt}}}}};
    CHECK(encode(create) ==
          R"({"From_Account":"u","GroupContactItem":[{"GroupName":"g","ContactItem":[{"Type":1,"To_Account":"p"}]}]})");
    create_contact_group_response created;
    created.ActionStatus = "OK";
    created.GroupResultItem = std::vector<group_result_item>{
        {{"g", 1}, {{{conversation_type::c2c, "p", std::nullopt}, 0, ""}}}};
    CHECK(encode(created) ==
          R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupResultItem":[{"GroupItem":{"GroupName":"g","GroupId":1},"ResultItem":[{"ContactItem":{"Type":1,"To_Account":"p"},"ResultCode":0,"ResultInfo":""}]}]})");

    CHECK(encode(del_contact_group_request{"u", {"g"}}) == R"({"From_Account":"u","GroupName":["g"]})");
    del_contact_group_response deleted;
    deleted.GroupItem = std::vector<group_item>{{"g", 2}};
    CHECK(encode(deleted) == R"({"ActionStatus":"","ErrorCode":0,"ErrorInfo":"","GroupItem":[{"GroupName":"g","GroupId":2}]})");

    update_contact_group_request update{"u", update_type::group,
                                        update_group{update_group_type::update_conversations, "old", "new",
                                                     std::vector<contact_update_item>{
                                                         {contact_operation::add, {conversation_type::c2c, "p", std::nullopt}}}}};
    CHECK(encode(update) ==
          R"({"From_Account":"u","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"old","NewGroupName":"new","ContactUpdateItem":[{"ContactOptType":1,"ContactItem":{"Type":1,"To_Account":"p"}}]}})");
    update_contact_group_response updated;
    updated.UpdateType = update_type::group;
    updated.UpdateGroupResult = update_group_result{
        update_group_type::update_conversations, "new", 1, "old",
        std::vector<contact_update_result>{{contact_operation::remove, {conversation_type::group, std::nullopt, "@G"}, 51007, "gone"}}};
    CHECK(encode(updated) ==
          R"({"ActionStatus":"","ErrorCode":0,"ErrorInfo":"","UpdateType":1,"UpdateGroupResult":{"UpdateGroupType":2,"GroupName":"new","GroupId":1,"OldGroupName":"old","ContactResultItem":[{"ContactOptType":2,"ContactItem":{"Type":2,"ToGroupId":"@G"},"ResultCode":51007,"ResultInfo":"gone"}]}})");
}

TEST_CASE("wire keys: search get mark", "[golden][keys]") {
    CHECK(encode(search_contact_group_request{"u", {{conversation_type::group, std::nullopt, "@G"}}}) ==
          R"({"From_Account":"u","ContactItem":[{"Type":2,"ToGroupId":"@G"}]})");
    search_contact_group_response found;
    found.ContactResultItem = std::vector<contact_mark_item>{{conversation_type::c2c, "p"}};
    found.GroupItem = std::vector<group_item>{{"g", 1}};
    CHECK(encode(found) ==
          R"({"ActionStatus":"","ErrorCode":0,"ErrorInfo":"","ContactResultItem":[{"Type":1,"To_Account":"p"}],"GroupItem":[{"GroupName":"g","GroupId":1}]})");

    CHECK(encode(get_contact_group_request{"u", 3}) == R"({"From_Account":"u","StartIndex":3})");
    get_contact_group_response page;
    page.ContactItem = std::vector<contact_mark_item>{};
    page.GroupItem = std::vector<group_item>{};
    page.CompleteFlag = complete_flag::incomplete;
    page.NextStartIndex = 100;
    page.CompleteTime = 5;
    CHECK(encode(page) ==
          R"({"ActionStatus":"","ErrorCode":0,"ErrorInfo":"","ContactItem":[],"GroupItem":[],"CompleteFlag":0,"NextStartIndex":100,"CompleteTime":5})");

    mark_contact_request mark{"u",
                              {{mark_operation::both, {conversation_type::c2c, "p", std::nullopt},
                                std::vector<std::int64_t>{0, 34}, std::vector<std::int64_t>{1}, "abcd"}}};
    CHECK(encode(mark) ==
          R"({"From_Account":"u","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"p"},"SetMark":[0,34],"ClearMark":[1],"CustomMark":"abcd"}]})");
    mark_contact_response marked;
    marked.ResultItem = std::vector<mark_result>{{mark_operation::custom, {conversation_type::c2c, "p", std::nullopt}, 0, ""}};
    CHECK(encode(marked) ==
          R"({"ActionStatus":"","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"OptType":2,"ContactItem":{"Type":1,"To_Account":"p"},"ResultCode":0,"ResultInfo":""}]})");
}

TEST_CASE("wire keys: get_list and delete", "[golden][keys]") {
    CHECK(encode(get_list_request{"u", 1, 2, 3, 4}) ==
          R"({"From_Account":"u","TimeStamp":1,"StartIndex":2,"TopTimeStamp":3,"TopStartIndex":4,"AssistFlags":63})");
    get_list_response list;
    list.SessionItem = std::vector<session_item>{
        {conversation_type::group, std::nullopt, "@G", 10, top_flag::pinned, standard_mark(1), "m",
         std::vector<std::uint64_t>{3}}};
    list.CompleteFlag = complete_flag::complete;
    list.TimeStamp = 1;
    list.StartIndex = 2;
    list.TopTimeStamp = 3;
    list.TopStartIndex = 4;
    CHECK(encode(list) ==
          R"({"ActionStatus":"","ErrorCode":0,"ErrorInfo":"","SessionItem":[{"Type":2,"GroupId":"@G","MsgTime":10,"TopFlag":1,"StandardMark":"1","CustomMark":"m","ContactGroupId":[3]}],"CompleteFlag":1,"TimeStamp":1,"StartIndex":2,"TopTimeStamp":3,"TopStartIndex":4})");

    CHECK(encode(delete_request{"u", conversation_type::group, std::nullopt, "@G", 1}) ==
          R"({"From_Account":"u","Type":2,"ToGroupid":"@G","ClearRamble":1})");
    CHECK(encode(delete_request{"u", conversation_type::c2c, "p", std::nullopt, std::nullopt}) ==
          R"({"From_Account":"u","Type":1,"To_Account":"p"})");
    CHECK(encode(delete_response{{"OK", 0, "", ""}}) == R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""})");
}
