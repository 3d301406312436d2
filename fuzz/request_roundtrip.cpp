// Request bodies: the first byte picks the request type (harness_support.hpp; the flag above the endpoint bits
// switches the validator to the strict profile), the rest is the body. A decoded request round-trips through encode, and validate()
// reports only the documented codes, with JSON Pointers, identically for the request and its round trip.
#include "harness_support.hpp"

#include <tcchat/validate.hpp>

using tcchat_fuzz::require;

namespace {

/// validate.hpp reports the server's own codes for request mistakes: 50002, 51006 and 51011 (docs/protocol.md §1.7).
void require_documented_violation(const tcchat::violation& found, std::string_view command) {
    const auto code = static_cast<tcchat::code>(found.code.value());
    require(code == tcchat::code::invalid_parameters || code == tcchat::code::item_count_out_of_range ||
                code == tcchat::code::group_name_too_long,
            "a violation has code 50002, 51006 or 51011");
    require(tcchat_fuzz::is_json_pointer(found.pointer), "a violation's pointer is empty or starts with '/'");
    require(found.rule.size() > command.size() && found.rule.compare(0, command.size(), command) == 0 &&
                found.rule[command.size()] == '.',
            "a violation's rule id is <command>.<rule>");
    require(!found.message.empty(), "a violation explains itself");
}

bool same_report(const tcchat::report& a, const tcchat::report& b) {
    if (a.violations.size() != b.violations.size()) return false;
    for (std::size_t i = 0; i < a.violations.size(); ++i) {
        const tcchat::violation &x = a.violations[i], &y = b.violations[i];
        if (x.code != y.code || x.rule != y.rule || x.pointer != y.pointer || x.message != y.message) return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = tcchat_fuzz::split_selector(data, size);
    if (!input) return 0;
    const tcchat::validation_limits limits = (input->selector >> tcchat_fuzz::first_flag_bit & 1) != 0 ? tcchat::validation_limits::strict_profile() : tcchat::validation_limits{};
    tcchat_fuzz::with_selected_endpoint(input->selector, [&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        const auto trip = tcchat_fuzz::decode_and_round_trip<typename endpoint_type::request>(input->body);
        if (!trip) return;
        const tcchat::report report = tcchat::validate(trip->decoded, limits);
        for (const tcchat::violation& found : report.violations)
            require_documented_violation(found, endpoint_type::command);
        // Stronger than "a valid request stays valid": the round trip must not change any verdict.
        require(same_report(report, tcchat::validate(trip->redecoded, limits)),
                "a request and its round trip validate identically");
    });
    return 0;
}
