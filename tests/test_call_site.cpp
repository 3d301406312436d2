// The call-site API: each named constructor gives the exact JSON of the aggregate it stands for, and each
// accessor reads the same on a present key and a sensible empty value on an absent one.
#include "tcchat.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <utility>

using namespace tcchat;

namespace {

template <class T>
T decoded(std::string_view json) {
    auto value = decode<T>(json);
    REQUIRE(value.has_value());
    return std::move(*value);
}

template <class Optional, class = void>
struct items_accepts : std::false_type {};
template <class Optional>
struct items_accepts<Optional, std::void_t<decltype(items(std::declval<Optional>()))>> : std::true_type {};

} // namespace

TEST_CASE("the built types stay aggregates so that C++20 designated initializers still work", "[call_site]") {
    STATIC_REQUIRE(std::is_aggregate_v<contact_item>);
    STATIC_REQUIRE(std::is_aggregate_v<mark_item>);
    STATIC_REQUIRE(std::is_aggregate_v<contact_update_item>);
    STATIC_REQUIRE(std::is_aggregate_v<update_contact_group_request>);
    STATIC_REQUIRE(std::is_aggregate_v<delete_request>);
    STATIC_REQUIRE(std::is_aggregate_v<create_contact_group_request>);
    STATIC_REQUIRE(std::is_aggregate_v<del_contact_group_request>);
}

TEST_CASE("contact_item::c2c and ::group write the key their Type needs", "[call_site]") {
    CHECK(encode(contact_item::c2c("alice")) == R"({"Type":1,"To_Account":"alice"})");
    CHECK(encode(contact_item::group("@TGS#1NEWS")) == R"({"Type":2,"ToGroupId":"@TGS#1NEWS"})");
    CHECK(validate(search_contact_group_request{"user0", {contact_item::c2c("a"), contact_item::group("@TGS#g")}}).ok());
}

TEST_CASE("marks are built from named bits and customer bits", "[call_site][marks]") {
    const auto alice = contact_item::c2c("alice");
    CHECK(encode(mark_item::set(alice, {mark_bit::favorite, customer_bit{2}})) ==
          R"({"OptType":1,"ContactItem":{"Type":1,"To_Account":"alice"},"SetMark":[0,34]})");
    CHECK(encode(mark_item::clear(alice, {mark_bit::unread, mark_bit::hidden})) ==
          R"({"OptType":1,"ContactItem":{"Type":1,"To_Account":"alice"},"ClearMark":[1,3]})");
    CHECK(encode(mark_item::custom(alice, "vip")) ==
          R"({"OptType":2,"ContactItem":{"Type":1,"To_Account":"alice"},"CustomMark":"vip"})");
    CHECK(encode(mark_item::set(alice, {mark_bit::collapsed}).and_clear({mark_bit::unread})) ==
          R"({"OptType":1,"ContactItem":{"Type":1,"To_Account":"alice"},"SetMark":[2],"ClearMark":[1]})");
    CHECK(encode(mark_item::set(alice, {mark_bit::favorite}).with_custom_mark("vip")) ==
          R"({"OptType":3,"ContactItem":{"Type":1,"To_Account":"alice"},"SetMark":[0],"CustomMark":"vip"})");
    CHECK(encode(mark_item::custom(alice, "vip").and_clear({customer_bit{0}})) ==
          R"({"OptType":3,"ContactItem":{"Type":1,"To_Account":"alice"},"ClearMark":[32],"CustomMark":"vip"})");

    SECTION("an lvalue item is changed in place") {
        mark_item item = mark_item::clear(alice, {mark_bit::favorite});
        item.with_custom_mark("");
        CHECK(item.OptType == mark_operation::both);
        CHECK(item.CustomMark == std::string());
    }
    SECTION("a customer bit past 31 is kept out of range for the validator, not dropped") {
        const mark_contact_request request{"user0", {mark_item::set(alice, {customer_bit{32}})}};
        CHECK(encode(request.MarkItem[0]).find(R"("SetMark":[64])") != std::string::npos);
        const auto report = validate(request);
        REQUIRE(report.violations.size() == 1);
        CHECK(report.violations[0].code.value() == 50002);
        CHECK(report.violations[0].pointer == "/MarkItem/0/SetMark/0");
    }
}

TEST_CASE("update_contact_group requests: rename - add - remove - both at once", "[call_site]") {
    CHECK(encode(update_contact_group_request::rename("user0", "family", "home")) ==
          R"({"From_Account":"user0","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"family","NewGroupName":"home"}})");
    CHECK(encode(update_contact_group_request::add_conversations("user0", "work", {contact_item::c2c("a"), contact_item::group("@TGS#g")})) ==
          R"({"From_Account":"user0","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"work","ContactUpdateItem":[)"
          R"({"ContactOptType":1,"ContactItem":{"Type":1,"To_Account":"a"}},{"ContactOptType":1,"ContactItem":{"Type":2,"ToGroupId":"@TGS#g"}}]}})");
    CHECK(encode(update_contact_group_request::remove_conversations("user0", "work", {contact_item::c2c("a")})) ==
          R"({"From_Account":"user0","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"work","ContactUpdateItem":[)"
          R"({"ContactOptType":2,"ContactItem":{"Type":1,"To_Account":"a"}}]}})");
    CHECK(encode(update_contact_group_request::update_conversations(
              "user0", "work", {contact_update_item::add(contact_item::c2c("a")), contact_update_item::remove(contact_item::c2c("b"))})) ==
          R"({"From_Account":"user0","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"work","ContactUpdateItem":[)"
          R"({"ContactOptType":1,"ContactItem":{"Type":1,"To_Account":"a"}},{"ContactOptType":2,"ContactItem":{"Type":1,"To_Account":"b"}}]}})");
    CHECK(validate(update_contact_group_request::rename("user0", "family", "home")).ok());
    CHECK(validate(update_contact_group_request::remove_conversations("user0", "work", {contact_item::c2c("a")})).ok());
}

TEST_CASE("delete requests name the conversation and the roaming messages' fate", "[call_site]") {
    CHECK(encode(delete_request::c2c("user0", "alice")) == R"({"From_Account":"user0","Type":1,"To_Account":"alice"})");
    CHECK(encode(delete_request::c2c("user0", "alice", roaming_messages::clear)) ==
          R"({"From_Account":"user0","Type":1,"To_Account":"alice","ClearRamble":1})");
    CHECK(encode(delete_request::group("user0", "@TGS#g", roaming_messages::keep)) ==
          R"({"From_Account":"user0","Type":2,"ToGroupid":"@TGS#g","ClearRamble":0})");
    CHECK(validate(delete_request::group("user0", "@TGS#g")).ok());
}

TEST_CASE("create_contact_group and del_contact_group for one group", "[call_site]") {
    CHECK(encode(create_contact_group_request::for_group("user0", "friends", {contact_item::c2c("alice")})) ==
          R"({"From_Account":"user0","GroupContactItem":[{"GroupName":"friends","ContactItem":[{"Type":1,"To_Account":"alice"}]}]})");
    CHECK(encode(del_contact_group_request::for_group("user0", "friends")) == R"({"From_Account":"user0","GroupName":["friends"]})");
    CHECK(validate(create_contact_group_request::for_group("user0", "friends", {contact_item::c2c("alice")})).ok());
}

TEST_CASE("items() reads an absent array as empty and a present one as itself", "[call_site][accessors]") {
    const auto absent = decoded<get_contact_group_response>(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})");
    CHECK_FALSE(absent.ContactItem.has_value());
    CHECK(items(absent.ContactItem).empty());
    CHECK(items(absent.GroupItem).empty());

    const auto present = decoded<get_contact_group_response>(
        R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[{"Type":1,"To_Account":"a"},{"Type":2,"ToGroupId":"@TGS#g"}],"GroupItem":[]})");
    REQUIRE(items(present.ContactItem).size() == 2);
    CHECK(&items(present.ContactItem) == &*present.ContactItem); // the array itself, not a copy
    CHECK(items(present.GroupItem).empty());
    // An rvalue optional does not bind: the reference would dangle after the full expression.
    STATIC_REQUIRE(items_accepts<const std::optional<std::vector<int>>&>::value);
    STATIC_REQUIRE_FALSE(items_accepts<std::optional<std::vector<int>>>::value);
}

TEST_CASE("peer() names the conversation whatever its Type and key spelling", "[call_site][accessors]") {
    CHECK(contact_item::c2c("alice").peer() == "alice");
    CHECK(contact_item::group("@TGS#g").peer() == "@TGS#g");
    CHECK(contact_item{conversation_type::group, std::nullopt, std::nullopt}.peer().empty());
    CHECK(contact_item{conversation_type::c2c, std::nullopt, "@TGS#g"}.peer().empty()); // the wrong key for the Type

    const auto list = decoded<get_list_response>(
        R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","SessionItem":[{"Type":1,"To_Account":"a","MsgTime":1,"TopFlag":0},)"
        R"({"Type":2,"GroupId":"@TGS#g","MsgTime":2,"TopFlag":1,"StandardMark":"11","CustomMark":"x"}]})");
    const auto& sessions = items(list.SessionItem);
    REQUIRE(sessions.size() == 2);
    CHECK(sessions[0].peer() == "a");
    CHECK(sessions[1].peer() == "@TGS#g");
    CHECK(encode(sessions[1].contact()) == R"({"Type":2,"ToGroupId":"@TGS#g"})"); // GroupId becomes ToGroupId
    CHECK(encode(sessions[0].contact()) == R"({"Type":1,"To_Account":"a"})");

    const auto found = decoded<search_contact_group_response>(
        R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactResultItem":[{"Type":2,"ToGroupId":"@TGS#g","StandardMark":"1"}]})");
    const auto& marks = items(found.ContactResultItem);
    REQUIRE(marks.size() == 1);
    CHECK(marks[0].peer() == "@TGS#g");
    CHECK(encode(marks[0].contact()) == R"({"Type":2,"ToGroupId":"@TGS#g"})");
}

TEST_CASE("mark() reads an absent StandardMark as no marks and custom_mark() an absent CustomMark as empty",
          "[call_site][accessors]") {
    const auto list = decoded<get_list_response>(
        R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","SessionItem":[{"Type":1,"To_Account":"a","MsgTime":1,"TopFlag":0},)"
        R"({"Type":1,"To_Account":"b","MsgTime":2,"TopFlag":0,"StandardMark":"100000000000000000000000000000000011","CustomMark":"vip"}]})");
    const auto& sessions = items(list.SessionItem);
    REQUIRE(sessions.size() == 2);
    CHECK(sessions[0].mark() == standard_mark{});
    CHECK(sessions[0].custom_mark().empty());
    CHECK(sessions[1].mark().test(mark_bit::favorite));
    CHECK(sessions[1].mark().test(mark_bit::unread));
    CHECK(sessions[1].mark().test_customer(3));
    CHECK(sessions[1].custom_mark() == "vip");

    const auto groups = decoded<get_contact_group_response>(
        R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[{"Type":1,"To_Account":"a"},{"Type":1,"To_Account":"b","StandardMark":"1","CustomMark":"c"}]})");
    const auto& contacts = items(groups.ContactItem);
    REQUIRE(contacts.size() == 2);
    CHECK(contacts[0].mark().empty());
    CHECK(contacts[0].custom_mark().empty());
    CHECK(contacts[1].mark() == standard_mark(1));
    CHECK(contacts[1].custom_mark() == "c");
}
