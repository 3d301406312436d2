// Quickstart: every v4/recentcontact endpoint, called through tcchat::client against the embedded emulator.
// No account and no network: swap in_memory_transport for curl_transport and a region to talk to Tencent.
#include "example_support.hpp"

int main() {
    using namespace tcchat;
    emulator service(example::emulator_settings(/*page_size=*/2));
    for (int i = 0; i < 3; ++i)
        service.seed_conversation(example::sdkappid, "user0", {conversation_type::c2c, "friend" + std::to_string(i), 1764000000 - i * 60, i == 2});
    service.seed_conversation(example::sdkappid, "user0", {conversation_type::group, "@TGS#1NEWS", 1764000100, false});
    client<in_memory_transport> chat(in_memory_transport(service), example::client_settings());

    const contact_item alice{conversation_type::c2c, "alice"};
    const contact_item news{conversation_type::group, std::nullopt, "@TGS#1NEWS"};

    const contact_item friend0{conversation_type::c2c, "friend0"}, friend1{conversation_type::c2c, "friend1"};
    example::show("create_contact_group: group \"work\" with alice, friend0, friend1 and @TGS#1NEWS",
                  chat.call(create_contact_group_request{"user0", {{"work", {alice, friend0, friend1, news}}}}));
    example::show("create_contact_group: group \"family\" with alice",
                  chat.call(create_contact_group_request{"user0", {{"family", {alice}}}}));

    mark_item favorite{mark_operation::both, alice, std::vector<std::int64_t>{0, 34}, std::nullopt, "vip"};
    example::show("mark_contact: alice is a favorite (bit 0), customer bit 34, custom mark \"vip\"",
                  chat.call(mark_contact_request{"user0", {favorite}}));

    auto found = chat.call(search_contact_group_request{"user0", {alice, news}});
    example::show("search_contact_group: alice and @TGS#1NEWS", found);
    if (found) {
        const standard_mark mark = *(*found->ContactResultItem)[0].StandardMark;
        std::cout << "   alice: favorite=" << mark.test(mark_bit::favorite) << " unread=" << mark.test(mark_bit::unread)
                  << " customer bit 2 (bit 34)=" << mark.test_customer(2) << "\n";
    }

    example::show("update_contact_group: rename \"family\" to \"home\"",
                  chat.call(update_contact_group_request{"user0", update_type::group,
                                                         update_group{update_group_type::rename, "family", "home"}}));
    example::show("update_contact_group: move @TGS#1NEWS out of \"work\"",
                  chat.call(update_contact_group_request{
                      "user0", update_type::group,
                      update_group{update_group_type::update_conversations, "work", std::nullopt,
                                   std::vector<contact_update_item>{{contact_operation::remove, news}}}}));

    std::cout << "== get_contact_group, page by page (the emulator's page size is 2)\n";
    int page_number = 0;
    for (const auto& page : chat.pages(get_contact_group_request{"user0", 0}))
        std::cout << "   page " << ++page_number << ": " << (page ? encode(*page) : page.error().message) << "\n";

    std::cout << "== get_list, page by page with the four cursors\n";
    for (const auto& page : chat.pages(get_list_request{"user0"})) {
        if (!page) break;
        for (const auto& s : *page->SessionItem)
            std::cout << "   " << (s.TopFlag == top_flag::pinned ? "[pinned] " : "         ")
                      << (s.To_Account ? *s.To_Account : *s.GroupId) << " at " << s.MsgTime << "\n";
    }

    example::show("delete: the conversation with friend1, clearing roaming messages",
                  chat.call(delete_request{"user0", conversation_type::c2c, "friend1", std::nullopt, 1}));
    example::show("del_contact_group: \"home\"", chat.call(del_contact_group_request{"user0", {"home"}}));
    example::show("del_contact_group: \"home\" again (the server's 51009)", chat.call(del_contact_group_request{"user0", {"home"}}));

    std::cout << "\nRejected before sending (the validator reports every violation with the server's code):\n";
    mark_contact_request broken{"user0", {{mark_operation::standard, {conversation_type::c2c, std::nullopt, "@TGS#x"},
                                           std::vector<std::int64_t>{64}}}};
    for (const auto& v : validate(broken).violations)
        std::cout << "   " << v.code.value() << " " << v.rule << " " << v.pointer << ": " << v.message << "\n";
    example::show("mark_contact with those problems", chat.call(broken));
    std::cout << "\nThe emulator saw " << service.calls().size() << " HTTP calls.\n";
}
