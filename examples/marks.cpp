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

    emulation::emulator service(example::emulator_settings());
    client<emulation::in_memory_transport> chat(emulation::in_memory_transport(service), example::client_settings());
    const auto peer = contact_item::c2c("peer");
    for (const auto& change : {mark_item::set(peer, {mark_bit::favorite, mark_bit::unread, customer_bit{3}}),
                               mark_item::clear(peer, {mark_bit::unread})}) {
        const auto marked = chat.call(mark_contact_request{"user0", {change}});
        if (!marked) {
            std::cout << marked.error() << "\n";
            return 1;
        }
    }
    auto found = chat.call(search_contact_group_request{"user0", {peer}});
    if (!found) return 1;
    for (const auto& item : items(found->ContactResultItem)) {
        const standard_mark stored = item.mark(); // no marks when the server leaves StandardMark out
        std::cout << "after SetMark [0,1,35] and ClearMark [1]: \"" << stored.to_string() << "\" favorite=" << stored.test(mark_bit::favorite)
                  << " unread=" << stored.test(mark_bit::unread) << " customer bit 3=" << stored.test_customer(3) << "\n";
    }
}
