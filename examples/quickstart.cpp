// Quickstart: every v4/recentcontact endpoint, called through tcchat::client against the embedded emulator.
// No account and no network: swap in_memory_transport for curl_transport and a region to talk to Tencent.
#include "example_support.hpp"

int main() {
    using namespace tcchat;
    emulation::emulator service(example::emulator_settings(/*page_size=*/2));
    for (int i = 0; i < 3; ++i)
        service.seed_conversation(example::sdkappid, "user0", {conversation_type::c2c, "friend" + std::to_string(i), 1764000000 - i * 60, i == 2});
    service.seed_conversation(example::sdkappid, "user0", {conversation_type::group, "@TGS#1NEWS", 1764000100, false});
    client<emulation::in_memory_transport> chat(emulation::in_memory_transport(service), example::client_settings());

    const auto alice = contact_item::c2c("alice");
    const auto news = contact_item::group("@TGS#1NEWS");

    const auto friend0 = contact_item::c2c("friend0"), friend1 = contact_item::c2c("friend1");
    example::show("create_contact_group: group \"work\" with alice, friend0, friend1 and @TGS#1NEWS",
                  chat.call(create_contact_group_request::for_group("user0", "work", {alice, friend0, friend1, news})));
    example::show("create_contact_group: group \"family\" with alice",
                  chat.call(create_contact_group_request::for_group("user0", "family", {alice})));

    const auto favorite = mark_item::set(alice, {mark_bit::favorite, customer_bit{2}}).with_custom_mark("vip");
    example::show("mark_contact: alice is a favorite (bit 0), customer bit 34, custom mark \"vip\"",
                  chat.call(mark_contact_request{"user0", {favorite}}));

    auto found = chat.call(search_contact_group_request{"user0", {alice, news}});
    example::show("search_contact_group: alice and @TGS#1NEWS", found);
    if (found)
        for (const auto& item : items(found->ContactResultItem))
            std::cout << "   " << item.peer() << ": favorite=" << item.mark().test(mark_bit::favorite)
                      << " unread=" << item.mark().test(mark_bit::unread) << " customer bit 2 (bit 34)=" << item.mark().test_customer(2)
                      << " custom mark \"" << item.custom_mark() << "\"\n";

    example::show("update_contact_group: rename \"family\" to \"home\"",
                  chat.call(update_contact_group_request::rename("user0", "family", "home")));
    example::show("update_contact_group: move @TGS#1NEWS out of \"work\"",
                  chat.call(update_contact_group_request::remove_conversations("user0", "work", {news})));

    std::cout << "== get_contact_group, page by page (the emulator's page size is 2)\n";
    int page_number = 0;
    for (const auto& page : chat.pages(get_contact_group_request{"user0", 0}))
        std::cout << "   page " << ++page_number << ": " << (page ? encode(*page) : page.error().message) << "\n";

    std::cout << "== get_list, page by page with the four cursors\n";
    for (const auto& page : chat.pages(get_list_request{"user0"})) {
        if (!page) break;
        for (const auto& s : items(page->SessionItem))
            std::cout << "   " << (s.TopFlag == top_flag::pinned ? "[pinned] " : "         ") << s.peer() << " at " << s.MsgTime << "\n";
    }

    example::show("delete: the conversation with friend1, clearing roaming messages",
                  chat.call(delete_request::c2c("user0", "friend1", roaming_messages::clear)));
    example::show("del_contact_group: \"home\"", chat.call(del_contact_group_request::for_group("user0", "home")));
    example::show("del_contact_group: \"home\" again (the server's 51009)", chat.call(del_contact_group_request::for_group("user0", "home")));

    std::cout << "\nRejected before sending (the validator reports every violation with the server's code):\n";
    // A C2C conversation named by a group key, and customer bit 32, which does not exist (bit 64).
    auto confused = contact_item::group("@TGS#x");
    confused.Type = conversation_type::c2c;
    mark_contact_request broken{"user0", {mark_item::set(confused, {customer_bit{32}})}};
    for (const auto& v : validate(broken).violations)
        std::cout << "   " << v.code.value() << " " << v.rule << " " << v.pointer << ": " << v.message << "\n";
    example::show("mark_contact with those problems", chat.call(broken));
    std::cout << "\nThe emulator saw " << service.calls().size() << " HTTP calls.\n";
}
