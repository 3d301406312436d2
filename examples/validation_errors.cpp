// Validation: every violation at once, each with the server's code, a stable rule id and a JSON Pointer.
#include "example_support.hpp"

int main() {
    using namespace tcchat;
    create_contact_group_request create{"", {{std::string(40, 'x'), {}}, {"second", {}}}};
    std::cout << "create_contact_group with an empty From_Account, two groups, a 40-byte name, no conversations:\n";
    for (const auto& v : validate(create).violations)
        std::cout << "  " << v.code.value() << "  " << v.rule << "  " << v.pointer << "\n        " << v.message << "\n";

    update_contact_group_request rename{"user0", update_type::group,
                                        update_group{update_group_type::rename, "old", std::string(40, 'n')}};
    std::cout << "\nrename to a 40-byte name: default limits (64 bytes, newest page) say "
              << (validate(rename).ok() ? "valid" : "invalid") << "; the strict profile (32 bytes) says:\n";
    for (const auto& v : validate(rename, validation_limits::strict_profile()).violations)
        std::cout << "  " << v.code.value() << "  " << v.rule << "  " << v.pointer << ": " << v.message << "\n";

    std::cout << "\nA body that does not decode names the field too:\n";
    auto bad = decode<search_contact_group_request>(R"({"From_Account":"u","ContactItem":[{"Type":1},{"Type":"2x"}]})");
    std::cout << "  " << bad.error().value() << " at " << bad.error().pointer << ": " << bad.error().message << "\n";
    std::cout << "  retry class of 60007: " << to_string(retry_class_of(60007)) << ", of 50002: " << to_string(retry_class_of(50002))
              << ", of 70001: " << to_string(retry_class_of(70001)) << "\n";
}
