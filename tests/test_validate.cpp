// Validator rules (README "Validation rules"; docs/protocol.md §2.2, §3.1–§3.8, §6, the sections the § numbers
// in test names refer to). Each rule is tested on both sides of its boundary and asserts the code, the rule id
// and the JSON Pointer.
#include <tcchat/validate.hpp>
#include <tcchat/codec.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string_view>
#include <tuple>
#include <vector>

using namespace tcchat;

namespace {

contact_item c2c(std::string account) { return {conversation_type::c2c, std::move(account), std::nullopt}; }
contact_item group_chat(std::string id) { return {conversation_type::group, std::nullopt, std::move(id)}; }

/// Exactly one violation, with this code, rule and pointer.
void expect_only(const report& r, int code, const std::string& rule, const std::string& pointer) {
    INFO("violations: " << r.violations.size() << (r.ok() ? "" : " first: " + r.violations[0].rule + " " + r.violations[0].pointer));
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].code.value() == code);
    CHECK(r.violations[0].rule == rule);
    CHECK(r.violations[0].pointer == pointer);
    CHECK_FALSE(r.violations[0].message.empty());
}

create_contact_group_request valid_create() { return {"user15", {{"test0", {c2c("user0")}}}}; }
mark_contact_request valid_mark() {
    return {"u", {{mark_operation::standard, c2c("p"), std::vector<std::int64_t>{0}, std::nullopt, std::nullopt}}};
}
update_contact_group_request valid_rename() {
    return {"u", update_type::group, update_group{update_group_type::rename, "old", "new", std::nullopt}};
}

} // namespace

TEST_CASE("every documented request sample validates clean", "[validate]") {
    using tcchat::test::sample;
    for (const char* file : {"create_contact_group.request.json", "del_contact_group.request.json",
                             "del_contact_group.request.newer.json", "update_contact_group.request.rename.json",
                             "update_contact_group.request.conversations.json", "search_contact_group.request.json",
                             "get_contact_group.request.json", "mark_contact.request.json", "get_list.request.json",
                             "get_list.request.newer.json", "delete.request.c2c.json", "delete.request.group.json"}) {
        INFO(file);
        const std::string name(file);
        const bool known = visit_endpoint(name.substr(0, name.find('.')), [&](auto endpoint) {
            auto request = decode<typename decltype(endpoint)::request>(sample(file));
            REQUIRE(request.has_value());
            CHECK(validate(*request).ok());
            CHECK(validate(*request, validation_limits::strict_profile()).ok());
        });
        REQUIRE(known); // a sample named after no endpoint would otherwise check nothing
    }
}

TEST_CASE("From_Account is present and non-empty on every request", "[validate]") {
    auto r = valid_create();
    r.From_Account.clear();
    expect_only(validate(r), 50002, "create_contact_group.from_account.non_empty", "/From_Account");
    expect_only(validate(get_contact_group_request{"", 0}), 50002, "get_contact_group.from_account.non_empty", "/From_Account");
    expect_only(validate(delete_request{"", conversation_type::c2c, "p"}), 50002, "delete.from_account.non_empty", "/From_Account");
}

TEST_CASE("contact items: Type and the one matching peer key (§2.2)", "[validate]") {
    search_contact_group_request r{"u", {c2c("a")}};
    CHECK(validate(r).ok());
    r.ContactItem[0] = {static_cast<conversation_type>(3), "a", std::nullopt};
    expect_only(validate(r), 50002, "search_contact_group.contact_item.type", "/ContactItem/0/Type");
    r.ContactItem[0] = {conversation_type::c2c, std::nullopt, std::nullopt};
    expect_only(validate(r), 50002, "search_contact_group.contact_item.to_account_required", "/ContactItem/0/To_Account");
    r.ContactItem[0] = {conversation_type::c2c, "", std::nullopt};
    expect_only(validate(r), 50002, "search_contact_group.contact_item.to_account_required", "/ContactItem/0/To_Account");
    r.ContactItem[0] = {conversation_type::c2c, "a", "@G"};
    expect_only(validate(r), 50002, "search_contact_group.contact_item.to_group_id_forbidden", "/ContactItem/0/ToGroupId");
    r.ContactItem[0] = group_chat("@G");
    CHECK(validate(r).ok());
    r.ContactItem[0] = {conversation_type::group, std::nullopt, ""};
    expect_only(validate(r), 50002, "search_contact_group.contact_item.to_group_id_required", "/ContactItem/0/ToGroupId");
    r.ContactItem[0] = {conversation_type::group, "a", "@G"};
    expect_only(validate(r), 50002, "search_contact_group.contact_item.to_account_forbidden", "/ContactItem/0/To_Account");
}

TEST_CASE("create_contact_group (§3.1 §6.1 §6.16)", "[validate]") {
    SECTION("exactly one GroupContactItem") {
        auto r = valid_create();
        r.GroupContactItem.push_back(r.GroupContactItem[0]);
        expect_only(validate(r), 50002, "create_contact_group.group_contact_item.count", "/GroupContactItem");
        r.GroupContactItem.clear();
        expect_only(validate(r), 50002, "create_contact_group.group_contact_item.count", "/GroupContactItem");
    }
    SECTION("GroupName non-empty") {
        auto r = valid_create();
        r.GroupContactItem[0].GroupName.clear();
        expect_only(validate(r), 50002, "create_contact_group.group_name.non_empty", "/GroupContactItem/0/GroupName");
    }
    SECTION("GroupName: 32 bytes pass, 33 fail, counted in UTF-8 bytes") {
        auto r = valid_create();
        r.GroupContactItem[0].GroupName = std::string(32, 'a');
        CHECK(validate(r).ok());
        r.GroupContactItem[0].GroupName = std::string(33, 'a');
        expect_only(validate(r), 51011, "create_contact_group.group_name.max_bytes", "/GroupContactItem/0/GroupName");
        CHECK(validate(r).violations[0].message == "GroupName is 33 bytes; the limit is 32 bytes");
        // "分" is 3 bytes: 10 of them plus 2 ASCII = 32 bytes (12 characters) pass; one more ASCII byte fails.
        std::string multibyte;
        for (int i = 0; i < 10; ++i) multibyte += "\xE5\x88\x86";
        r.GroupContactItem[0].GroupName = multibyte + "ab";
        CHECK(validate(r).ok());
        r.GroupContactItem[0].GroupName = multibyte + "abc";
        expect_only(validate(r), 51011, "create_contact_group.group_name.max_bytes", "/GroupContactItem/0/GroupName");
    }
    SECTION("ContactItem non-empty; strict profile caps it at 100") {
        auto r = valid_create();
        r.GroupContactItem[0].ContactItem.clear();
        expect_only(validate(r), 51006, "create_contact_group.contact_item.count", "/GroupContactItem/0/ContactItem");
        r.GroupContactItem[0].ContactItem.assign(100, c2c("p"));
        CHECK(validate(r, validation_limits::strict_profile()).ok());
        r.GroupContactItem[0].ContactItem.push_back(c2c("p"));
        CHECK(validate(r).ok()); // no documented limit by default
        expect_only(validate(r, validation_limits::strict_profile()), 51006, "create_contact_group.contact_item.count",
                    "/GroupContactItem/0/ContactItem");
    }
    SECTION("a user can loosen a limit") {
        auto r = valid_create();
        r.GroupContactItem[0].GroupName = std::string(64, 'a');
        validation_limits loose;
        loose.create_group_name_max_bytes = 64;
        CHECK(validate(r, loose).ok());
    }
}

TEST_CASE("del_contact_group: exactly one non-empty name (§3.2)", "[validate]") {
    CHECK(validate(del_contact_group_request{"u", {"g"}}).ok());
    expect_only(validate(del_contact_group_request{"u", {}}), 50002, "del_contact_group.group_name.count", "/GroupName");
    expect_only(validate(del_contact_group_request{"u", {"a", "b"}}), 50002, "del_contact_group.group_name.count", "/GroupName");
    expect_only(validate(del_contact_group_request{"u", {""}}), 50002, "del_contact_group.group_name.non_empty", "/GroupName/0");
}

TEST_CASE("update_contact_group (§3.3 §6.1 §6.14)", "[validate]") {
    SECTION("UpdateType is 1 and UpdateGroup is present") {
        auto r = valid_rename();
        r.UpdateType = static_cast<update_type>(2);
        expect_only(validate(r), 50002, "update_contact_group.update_type.value", "/UpdateType");
        r = valid_rename();
        r.UpdateGroup.reset();
        expect_only(validate(r), 50002, "update_contact_group.update_group.required", "/UpdateGroup");
    }
    SECTION("UpdateGroupType is 1 or 2; OldGroupName non-empty") {
        auto r = valid_rename();
        r.UpdateGroup->UpdateGroupType = static_cast<update_group_type>(0);
        expect_only(validate(r), 50002, "update_contact_group.update_group_type.value", "/UpdateGroup/UpdateGroupType");
        r = valid_rename();
        r.UpdateGroup->OldGroupName.clear();
        expect_only(validate(r), 50002, "update_contact_group.old_group_name.non_empty", "/UpdateGroup/OldGroupName");
    }
    SECTION("rename: NewGroupName non-empty, 64 bytes pass and 65 fail; strict 32/33") {
        auto r = valid_rename();
        r.UpdateGroup->NewGroupName.reset();
        expect_only(validate(r), 50002, "update_contact_group.new_group_name.non_empty", "/UpdateGroup/NewGroupName");
        r.UpdateGroup->NewGroupName = std::string(64, 'n');
        CHECK(validate(r).ok());
        r.UpdateGroup->NewGroupName = std::string(65, 'n');
        expect_only(validate(r), 51011, "update_contact_group.new_group_name.max_bytes", "/UpdateGroup/NewGroupName");
        r.UpdateGroup->NewGroupName = std::string(32, 'n');
        CHECK(validate(r, validation_limits::strict_profile()).ok());
        r.UpdateGroup->NewGroupName = std::string(33, 'n');
        expect_only(validate(r, validation_limits::strict_profile()), 51011, "update_contact_group.new_group_name.max_bytes",
                    "/UpdateGroup/NewGroupName");
    }
    SECTION("conversations: non-empty ContactUpdateItem, ContactOptType 1 or 2, valid items") {
        update_contact_group_request r{"u", update_type::group,
                                       update_group{update_group_type::update_conversations, "g", std::nullopt,
                                                    std::vector<contact_update_item>{}}};
        expect_only(validate(r), 50002, "update_contact_group.contact_update_item.non_empty", "/UpdateGroup/ContactUpdateItem");
        r.UpdateGroup->ContactUpdateItem->push_back({contact_operation::add, c2c("p")});
        CHECK(validate(r).ok());
        r.UpdateGroup->ContactUpdateItem->push_back({static_cast<contact_operation>(3), group_chat("@G")});
        expect_only(validate(r), 50002, "update_contact_group.contact_opt_type.value",
                    "/UpdateGroup/ContactUpdateItem/1/ContactOptType");
        (*r.UpdateGroup->ContactUpdateItem)[1] = {contact_operation::remove, group_chat("")};
        expect_only(validate(r), 50002, "update_contact_group.contact_item.to_group_id_required",
                    "/UpdateGroup/ContactUpdateItem/1/ContactItem/ToGroupId");
    }
}

TEST_CASE("search_contact_group: 1 to 300 items (§3.4)", "[validate]") {
    search_contact_group_request r{"u", std::vector<contact_item>(300, c2c("p"))};
    CHECK(validate(r).ok());
    r.ContactItem.push_back(c2c("p"));
    expect_only(validate(r), 50002, "search_contact_group.contact_item.count", "/ContactItem");
    CHECK(validate(r).violations[0].message == "ContactItem holds 301 items; allowed 1 to 300");
    r.ContactItem.clear();
    expect_only(validate(r), 50002, "search_contact_group.contact_item.count", "/ContactItem");
}

TEST_CASE("get_contact_group: StartIndex >= 0 (§3.5)", "[validate]") {
    CHECK(validate(get_contact_group_request{"u", 0}).ok());
    expect_only(validate(get_contact_group_request{"u", -1}), 50002, "get_contact_group.start_index.non_negative", "/StartIndex");
}

TEST_CASE("mark_contact (§3.6 §4.1)", "[validate]") {
    SECTION("100 items pass, 101 and 0 fail with 51006") {
        mark_contact_request r{"u", std::vector<mark_item>(100, valid_mark().MarkItem[0])};
        CHECK(validate(r).ok());
        r.MarkItem.push_back(r.MarkItem[0]);
        expect_only(validate(r), 51006, "mark_contact.mark_item.count", "/MarkItem");
        r.MarkItem.clear();
        expect_only(validate(r), 51006, "mark_contact.mark_item.count", "/MarkItem");
    }
    SECTION("OptType is 1, 2 or 3") {
        auto r = valid_mark();
        r.MarkItem[0].OptType = static_cast<mark_operation>(4);
        expect_only(validate(r), 50002, "mark_contact.opt_type.value", "/MarkItem/0/OptType");
    }
    SECTION("bit 63 passes, bit 64 and -1 fail") {
        auto r = valid_mark();
        r.MarkItem[0].SetMark = std::vector<std::int64_t>{0, 63};
        CHECK(validate(r).ok());
        r.MarkItem[0].SetMark = std::vector<std::int64_t>{0, 64};
        expect_only(validate(r), 50002, "mark_contact.set_mark.bit_range", "/MarkItem/0/SetMark/1");
        r.MarkItem[0].SetMark = std::vector<std::int64_t>{1};
        r.MarkItem[0].ClearMark = std::vector<std::int64_t>{-1};
        expect_only(validate(r), 50002, "mark_contact.clear_mark.bit_range", "/MarkItem/0/ClearMark/0");
    }
    SECTION("CustomMark: 256 bytes pass, 257 fail") {
        auto r = valid_mark();
        r.MarkItem[0].OptType = mark_operation::custom;
        r.MarkItem[0].SetMark.reset();
        r.MarkItem[0].CustomMark = std::string(256, 'c');
        CHECK(validate(r).ok());
        r.MarkItem[0].CustomMark = std::string(257, 'c');
        expect_only(validate(r), 50002, "mark_contact.custom_mark.max_bytes", "/MarkItem/0/CustomMark");
    }
    SECTION("OptType 1/3 carries SetMark or ClearMark, 2/3 carries CustomMark") {
        auto r = valid_mark();
        r.MarkItem[0].SetMark.reset();
        expect_only(validate(r), 50002, "mark_contact.set_mark.required", "/MarkItem/0/SetMark");
        r.MarkItem[0].ClearMark = std::vector<std::int64_t>{2};
        CHECK(validate(r).ok());
        r.MarkItem[0].OptType = mark_operation::both;
        expect_only(validate(r), 50002, "mark_contact.custom_mark.required", "/MarkItem/0/CustomMark");
        r.MarkItem[0].OptType = mark_operation::custom;
        expect_only(validate(r), 50002, "mark_contact.custom_mark.required", "/MarkItem/0/CustomMark");
    }
    SECTION("strict: a bit is not both set and cleared") {
        auto r = valid_mark();
        r.MarkItem[0].SetMark = std::vector<std::int64_t>{1, 5};
        r.MarkItem[0].ClearMark = std::vector<std::int64_t>{2, 5};
        CHECK(validate(r).ok());
        expect_only(validate(r, validation_limits::strict_profile()), 50002, "mark_contact.clear_mark.conflicts_with_set_mark",
                    "/MarkItem/0/ClearMark/1");
    }
}

TEST_CASE("get_list: cursors >= 0 AssistFlags present (§3.7)", "[validate]") {
    get_list_request r{"u"};
    CHECK(validate(r).ok());
    r.TopStartIndex = -1;
    expect_only(validate(r), 50002, "get_list.top_start_index.non_negative", "/TopStartIndex");
    r = get_list_request{"u", -5};
    expect_only(validate(r), 50002, "get_list.time_stamp.non_negative", "/TimeStamp");
    r = get_list_request{"u"};
    r.AssistFlags.reset();
    expect_only(validate(r), 50002, "get_list.assist_flags.required", "/AssistFlags");
}

TEST_CASE("delete: Type To_Account / ToGroupid (lower-case d) ClearRamble (§3.8)", "[validate]") {
    CHECK(validate(delete_request{"u", conversation_type::group, std::nullopt, "@G", 0}).ok());
    expect_only(validate(delete_request{"u", conversation_type::c2c}), 50002, "delete.to_account.required", "/To_Account");
    expect_only(validate(delete_request{"u", conversation_type::group, "p"}), 50002, "delete.to_groupid.required", "/ToGroupid");
    expect_only(validate(delete_request{"u", static_cast<conversation_type>(0), "p"}), 50002, "delete.type.value", "/Type");
    expect_only(validate(delete_request{"u", conversation_type::c2c, "p", std::nullopt, 2}), 50002,
                "delete.clear_ramble.value", "/ClearRamble");
}

TEST_CASE("every string field is valid UTF-8 without NUL bytes (§7)", "[validate]") {
    auto r = valid_create();
    r.GroupContactItem[0].ContactItem[0].To_Account = std::string("a\0b", 3);
    expect_only(validate(r), 50002, "create_contact_group.string.nul", "/GroupContactItem/0/ContactItem/0/To_Account");
    for (const char* broken : {"\xC0\xAF", "\xED\xA0\x80" /* lone surrogate */, "\xF4\x90\x80\x80", "\xE4\xBD", "\xFF"}) {
        INFO(broken);
        del_contact_group_request d{"u", {broken}};
        expect_only(validate(d), 50002, "del_contact_group.string.utf8", "/GroupName/0");
    }
    CHECK(validate(del_contact_group_request{"u", {"\xF0\x9F\x98\x80 \xE4\xBD\xA0"}}).ok());
}

TEST_CASE("the text scan finds a NUL or a broken byte at every offset - word-at-a-time and byte paths alike", "[validate]") {
    constexpr auto none = std::string_view::npos;
    for (std::size_t size = 1; size <= 40; ++size)
        for (std::size_t at = 0; at < size; ++at) {
            INFO("size " << size << ", offset " << at);
            std::string text(size, 'a');
            CHECK(detail::scan_text(text).first_nul == none);
            text[at] = '\0';
            CHECK(detail::scan_text(text).first_nul == at);
            CHECK(detail::scan_text(text).first_invalid == none);
            CHECK(detail::plain_prefix(text) == at);
            const report found = validate(del_contact_group_request{"u", {text}}); // the validator's inline check
            REQUIRE(found.violations.size() == 1);
            CHECK(found.violations[0].rule == "del_contact_group.string.nul");
            CHECK(found.violations[0].message == "holds a NUL byte at byte " + std::to_string(at));
            text[at] = '\xFF';
            CHECK(detail::scan_text(text).first_invalid == at);
            CHECK(detail::plain_prefix(text) == at);
            CHECK(detail::scan_text(text).first_nul == none);
            text[size - 1 - (size - 1 - at) / 2] = '\0'; // a NUL after the broken byte (or on it, when both meet)
            const std::size_t nul = size - 1 - (size - 1 - at) / 2;
            CHECK(detail::scan_text(text).first_nul == nul);
            CHECK(detail::scan_text(text).first_invalid == (nul == at ? none : at));
            if (at + 3 <= size) { // a well-formed three-byte character (U+4F60) is no error anywhere
                std::string wide(size, 'a');
                wide.replace(at, 3, "\xE4\xBD\xA0");
                CHECK(detail::scan_text(wide).first_invalid == none);
                CHECK(detail::scan_text(wide).first_nul == none);
            }
        }
}

TEST_CASE("several problems are all reported in document order", "[validate]") {
    mark_contact_request r{"", {{static_cast<mark_operation>(9), {conversation_type::c2c, std::nullopt, "@G"},
                                 std::vector<std::int64_t>{70}, std::nullopt, std::string(300, 'x')}}};
    const report found = validate(r);
    std::vector<std::string> pointers;
    for (const auto& v : found.violations) pointers.push_back(v.pointer);
    CHECK(pointers == std::vector<std::string>{"/From_Account", "/MarkItem/0/OptType", "/MarkItem/0/ContactItem/To_Account",
                                               "/MarkItem/0/ContactItem/ToGroupId", "/MarkItem/0/SetMark/0",
                                               "/MarkItem/0/CustomMark"});
    const error first = found.first_error();
    CHECK(first.origin == error_origin::validation);
    CHECK(first.pointer == "/From_Account");
    CHECK(first.message == "From_Account must not be empty (and 5 more violations)");
}

// Property: random valid requests survive encode/decode and validate clean; breaking one field yields exactly
// that field's violation.
namespace {
struct generator {
    std::mt19937 rng{20261125};
    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
    std::string text(std::size_t max_len) {
        static const char* pieces[] = {"a", "Z", "_", "-", "@", "#", "0", "\xE4\xBD\xA0", "\xF0\x9F\x98\x80", "\"", "\\", "/"};
        std::string out = "x";
        const std::size_t n = below(max_len);
        while (out.size() < n) out += pieces[below(std::size(pieces))];
        return out.substr(0, out.size() <= max_len ? out.size() : 1);
    }
    contact_item contact() { return below(2) ? c2c(text(20)) : group_chat("@TGS#" + text(12)); }
    mark_contact_request mark() {
        mark_contact_request r{text(16), {}};
        const std::size_t n = 1 + below(100);
        for (std::size_t i = 0; i < n; ++i) {
            mark_item item{static_cast<mark_operation>(1 + below(3)), contact()};
            if (item.OptType != mark_operation::custom) item.SetMark = std::vector<std::int64_t>{std::int64_t(below(64))};
            if (item.OptType != mark_operation::standard) item.CustomMark = text(256);
            r.MarkItem.push_back(std::move(item));
        }
        return r;
    }
    create_contact_group_request create() {
        create_contact_group_request r{text(16), {{text(32), {}}}};
        for (std::size_t i = 0, n = 1 + below(50); i < n; ++i) r.GroupContactItem[0].ContactItem.push_back(contact());
        return r;
    }
};
} // namespace

TEST_CASE("a rule list joins a shared part in place - its rules in order between their neighbours", "[validate]") {
    namespace rules = tcchat::rules;
    using request = tcchat::search_contact_group_request;
    const auto ids_of = [](const auto& list) {
        std::vector<std::string_view> ids;
        std::apply([&](const auto&... rule) { (ids.push_back(rule.id), ...); }, list);
        return ids;
    };
    const std::vector<std::string_view> shared = ids_of(tcchat::contact_item_rules);
    REQUIRE(shared.size() >= 5);

    constexpr auto joined = rules::list(rules::non_empty<&request::From_Account>("first"), tcchat::contact_item_rules,
                                        rules::non_empty<&request::From_Account>("last"), tcchat::contact_item_rules);
    std::vector<std::string_view> expected{"first"};
    expected.insert(expected.end(), shared.begin(), shared.end());
    expected.push_back("last");
    expected.insert(expected.end(), shared.begin(), shared.end());
    CHECK(ids_of(joined) == expected);
    STATIC_REQUIRE(std::tuple_size_v<decltype(rules::list())> == 0);

    // The endpoint's own list, as validate() and `tcchat schema` read it.
    std::vector<std::string> endpoint_ids{"search_contact_group.from_account.non_empty", "search_contact_group.contact_item.count"};
    for (std::string_view id : shared) endpoint_ids.push_back("search_contact_group." + std::string(id));
    endpoint_ids.push_back("search_contact_group.string.nul");
    endpoint_ids.push_back("search_contact_group.string.utf8");
    CHECK(tcchat::rule_ids<tcchat::api::search_contact_group>() == endpoint_ids);
}

TEST_CASE("the member-wise comparison the property test relies on finds a difference at any depth", "[validate][property]") {
    const mark_contact_request original = valid_mark();
    CHECK_FALSE(test::first_difference(original, original).has_value());
    mark_contact_request other = original;
    other.MarkItem[0].ContactItem.To_Account = "q";
    CHECK(test::first_difference(original, other) == std::optional<std::string>("/MarkItem/0/ContactItem/To_Account"));
    other = original;
    other.MarkItem[0].SetMark.reset();
    CHECK(test::first_difference(original, other) == std::optional<std::string>("/MarkItem/0/SetMark (only in the first)"));
    other = original;
    other.MarkItem.push_back(original.MarkItem[0]);
    CHECK(test::first_difference(original, other) == std::optional<std::string>("/MarkItem (1 items against 2)"));
    delete_response answer{}, changed{}; // members inherited from the envelope are compared too
    changed.ErrorInfo = "x";
    CHECK(test::first_difference(answer, changed) == std::optional<std::string>("/ErrorInfo"));
}

TEST_CASE("property: valid requests round-trip and validate clean - one broken field one violation", "[validate][property]") {
    generator gen;
    for (int round = 0; round < 200; ++round) {
        INFO("round " << round);
        mark_contact_request mark = gen.mark();
        REQUIRE(validate(mark).ok());
        auto back = decode<mark_contact_request>(encode(mark));
        REQUIRE(back.has_value());
        CHECK(test::first_difference(*back, mark).value_or("equal") == "equal"); // member by member: no codec here
        CHECK(validate(*back).ok());

        const std::size_t k = gen.below(mark.MarkItem.size());
        const std::string at = "/MarkItem/" + std::to_string(k);
        switch (gen.below(4)) {
        case 0:
            mark.MarkItem[k].ContactItem.Type = static_cast<conversation_type>(5);
            expect_only(validate(mark), 50002, "mark_contact.contact_item.type", at + "/ContactItem/Type");
            break;
        case 1:
            mark.MarkItem[k].OptType = mark_operation::both;
            mark.MarkItem[k].SetMark = std::vector<std::int64_t>{64};
            mark.MarkItem[k].CustomMark = "c";
            expect_only(validate(mark), 50002, "mark_contact.set_mark.bit_range", at + "/SetMark/0");
            break;
        case 2:
            mark.From_Account.push_back('\0');
            expect_only(validate(mark), 50002, "mark_contact.string.nul", "/From_Account");
            break;
        default:
            mark.MarkItem.resize(101, mark.MarkItem[0]);
            expect_only(validate(mark), 51006, "mark_contact.mark_item.count", "/MarkItem");
        }

        create_contact_group_request create = gen.create();
        REQUIRE(validate(create).ok());
        auto create_back = decode<create_contact_group_request>(encode(create));
        REQUIRE(create_back.has_value());
        CHECK(test::first_difference(*create_back, create).value_or("equal") == "equal");
        CHECK(validate(*create_back).ok());
        create.GroupContactItem[0].GroupName += std::string(33, 'g');
        expect_only(validate(create), 51011, "create_contact_group.group_name.max_bytes", "/GroupContactItem/0/GroupName");
    }
}

// tests/fixtures/validation_cases.json is shared with the contract test (tests/contract/check_contract.py), which
// checks that the OpenAPI schema rejects the same bodies: here, each must decode and break exactly its rules.
#include <tcchat/endpoints.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>

TEST_CASE("validation_cases.json: each body decodes and breaks exactly the rules it names", "[validate][contract]") {
    const auto document = boost::json::parse(test::read_file(std::string(TCCHAT_SAMPLES_DIR) + "/../validation_cases.json"));
    const auto& cases = document.at("cases").as_array();
    REQUIRE(cases.size() >= 50);
    for (const auto& entry : cases) {
        const auto& c = entry.as_object();
        const std::string command(c.at("command").as_string());
        INFO(c.at("name").as_string().c_str());
        const validation_limits limits =
            c.at("profile").as_string() == "strict" ? validation_limits::strict_profile() : validation_limits{};
        std::set<std::string> expected;
        for (const auto& rule : c.at("rules").as_array()) expected.insert(command + "." + std::string(rule.as_string()));
        std::set<std::string> reported;
        const bool known = visit_endpoint(command, [&](auto endpoint) {
            auto request = decode<typename decltype(endpoint)::request>(boost::json::serialize(c.at("body")));
            REQUIRE(request.has_value());
            for (const auto& v : validate(*request, limits).violations) reported.insert(v.rule);
        });
        REQUIRE(known);
        CHECK(reported == expected);
    }
}
