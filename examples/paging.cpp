// Paging: client.pages() walks get_contact_group (StartIndex/NextStartIndex) and get_list (four cursors)
// until CompleteFlag is 1, and stops with an error if the server ever repeats a cursor.
#include "example_support.hpp"

int main() {
    using namespace tcchat;
    emulation::emulator service(example::emulator_settings(/*page_size=*/4));
    client<emulation::in_memory_transport> chat(emulation::in_memory_transport(service), example::client_settings());
    mark_contact_request marks{"user0", {}};
    for (int i = 0; i < 10; ++i)
        marks.MarkItem.push_back(mark_item::set(contact_item::c2c("peer" + std::to_string(i)), {static_cast<mark_bit>(i % 4)}));
    if (const auto marked = chat.call(marks); !marked) {
        std::cout << marked.error() << "\n";
        return 1;
    }
    for (int i = 0; i < 6; ++i)
        service.seed_conversation(example::sdkappid, "user0", {conversation_type::c2c, "chat" + std::to_string(i), 1764000000 + i, i == 0});

    int number = 0;
    for (const auto& page : chat.pages(get_contact_group_request{"user0", 0})) {
        if (!page) {
            std::cout << "error " << page.error().value() << ": " << page.error().message << "\n";
            break;
        }
        std::cout << "get_contact_group page " << ++number << ":";
        for (const auto& item : items(page->ContactItem)) std::cout << " " << item.peer() << "(" << item.mark().to_string() << ")";
        std::cout << (page->NextStartIndex ? "  next " + std::to_string(*page->NextStartIndex) : "  complete") << "\n";
    }
    number = 0;
    auto list = chat.pages(get_list_request{"user0"});
    while (auto page = list.next()) {
        const auto& answer = *page; // next() is empty after the last page; *page is that page's result
        if (!answer) break;
        std::cout << "get_list page " << ++number << ":";
        for (const auto& s : items(answer->SessionItem)) std::cout << " " << s.peer();
        std::cout << "  (StartIndex " << answer->StartIndex.value_or(0) << ", TopStartIndex " << answer->TopStartIndex.value_or(0) << ")\n";
    }
}
