// StandardMark: a 64-bit value with named bits; on the wire a binary numeral whose rightmost character is bit 0.
#include "example_support.hpp"

int main() {
    using namespace tcchat;
    for (const char* wire : {"111001", "11111110", "011111110", "10000000000000000000000000000000000", ""}) {
        const standard_mark mark = standard_mark::parse(wire).value();
        std::cout << '"' << wire << "\" = 0x" << std::hex << mark.bits() << std::dec << "  favorite=" << mark.test(mark_bit::favorite)
                  << " unread=" << mark.test(mark_bit::unread) << " collapsed=" << mark.test(mark_bit::collapsed)
                  << " hidden=" << mark.test(mark_bit::hidden) << "  minimal form \"" << mark.to_string() << "\"\n";
    }
    std::cout << "\"102\" is rejected: " << standard_mark::parse("102").error().message << "\n";

    emulator service(example::emulator_settings());
    client<in_memory_transport> chat(in_memory_transport(service), example::client_settings());
    const contact_item peer{conversation_type::c2c, "peer"};
    chat.call(mark_contact_request{"user0", {{mark_operation::standard, peer, std::vector<std::int64_t>{0, 1, 35}}}});
    chat.call(mark_contact_request{"user0", {{mark_operation::standard, peer, std::nullopt, std::vector<std::int64_t>{1}}}});
    auto found = chat.call(search_contact_group_request{"user0", {peer}});
    const standard_mark stored = *(*found->ContactResultItem)[0].StandardMark;
    std::cout << "after SetMark [0,1,35] and ClearMark [1]: \"" << stored.to_string() << "\" favorite=" << stored.test(mark_bit::favorite)
              << " unread=" << stored.test(mark_bit::unread) << " customer bit 3=" << stored.test_customer(3) << "\n";
}
