#pragma once
// v4/recentcontact/mark_contact (docs/protocol.md §3.6): set or clear standard mark bits and custom marks.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <boost/describe/enum.hpp>

#include <array>

#include <initializer_list>
#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// `OptType`.
enum class mark_operation : std::int32_t {
    standard = 1, ///< SetMark / ClearMark
    custom = 2,   ///< CustomMark
    both = 3,
};
BOOST_DESCRIBE_ENUM(mark_operation, standard, custom, both)

/// One conversation's mark change. Build it in the marks' own words:
///     mark_item::set(alice, {mark_bit::favorite, customer_bit{2}})
///     mark_item::clear(alice, {mark_bit::unread})
///     mark_item::custom(alice, "vip")
///     mark_item::set(alice, {mark_bit::favorite}).and_clear({mark_bit::unread}).with_custom_mark("vip")
/// OptType follows from what the item carries: 1 for bits only, 2 for the custom mark only, 3 for both.
struct mark_item {
    mark_operation OptType{};
    contact_item ContactItem;
    std::optional<std::vector<std::int64_t>> SetMark;   ///< bit numbers 0..63
    std::optional<std::vector<std::int64_t>> ClearMark; ///< bit numbers 0..63
    std::optional<std::string> CustomMark;              ///< at most 256 bytes

    /// Sets these StandardMark bits on the conversation (OptType 1).
    static mark_item set(contact_item contact, std::initializer_list<mark_bit_number> bits) {
        return {mark_operation::standard, std::move(contact), numbers(bits), std::nullopt, std::nullopt};
    }
    /// Clears these StandardMark bits on the conversation (OptType 1).
    static mark_item clear(contact_item contact, std::initializer_list<mark_bit_number> bits) {
        return {mark_operation::standard, std::move(contact), std::nullopt, numbers(bits), std::nullopt};
    }
    /// Replaces the conversation's custom mark (OptType 2). What "" does is undocumented (docs/protocol.md §3.6).
    static mark_item custom(contact_item contact, std::string custom_mark) {
        return {mark_operation::custom, std::move(contact), std::nullopt, std::nullopt, std::move(custom_mark)};
    }

    /// Also clears these bits (the item keeps the bits it sets).
    mark_item& and_clear(std::initializer_list<mark_bit_number> bits) & {
        ClearMark = numbers(bits);
        OptType = CustomMark ? mark_operation::both : mark_operation::standard;
        return *this;
    }
    /// The same on a temporary, so `mark_item::set(...).and_clear(...)` yields the item by value.
    mark_item and_clear(std::initializer_list<mark_bit_number> bits) && { return std::move(and_clear(bits)); }
    /// Also replaces the custom mark: bits and custom mark in one item (OptType 3).
    mark_item& with_custom_mark(std::string custom_mark) & {
        CustomMark = std::move(custom_mark);
        OptType = SetMark || ClearMark ? mark_operation::both : mark_operation::custom;
        return *this;
    }
    /// The same on a temporary, so a chain ending in `.with_custom_mark(...)` yields the item by value.
    mark_item with_custom_mark(std::string custom_mark) && { return std::move(with_custom_mark(std::move(custom_mark))); }

private:
    static std::vector<std::int64_t> numbers(std::initializer_list<mark_bit_number> bits) {
        std::vector<std::int64_t> out;
        out.reserve(bits.size());
        for (const mark_bit_number bit : bits) out.push_back(bit.number());
        return out;
    }
};
BOOST_DESCRIBE_STRUCT(mark_item, (), (OptType, ContactItem, SetMark, ClearMark, CustomMark))

/// The body of v4/recentcontact/mark_contact: `From_Account`'s mark changes, 1 to 100 items per call.
struct mark_contact_request {
    std::string From_Account;
    std::vector<mark_item> MarkItem;
};
BOOST_DESCRIBE_STRUCT(mark_contact_request, (), (From_Account, MarkItem))

/// The outcome for one MarkItem: its OptType and conversation, and ResultCode (0 = applied) with ResultInfo.
struct mark_result {
    mark_operation OptType{};
    contact_item ContactItem;
    std::int32_t ResultCode = 0;
    std::string ResultInfo;
};
BOOST_DESCRIBE_STRUCT(mark_result, (), (OptType, ContactItem, ResultCode, ResultInfo))

/// The answer to mark_contact: the envelope and one result per MarkItem; failed_items() lists the failures.
struct mark_contact_response : response_envelope {
    std::optional<std::vector<mark_result>> ResultItem;
};
BOOST_DESCRIBE_STRUCT(mark_contact_response, (response_envelope), (ResultItem))

namespace api {
/// Endpoint traits of v4/recentcontact/mark_contact: a batch write (100 per call), groups-and-marks edition.
struct mark_contact {
    static constexpr std::string_view command = "mark_contact";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 9> listed_service_codes{50001, 50002, 50003, 50004, 50005, 51006, 51007, 51008, 51013};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = mark_contact_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = mark_contact_response;
    static constexpr bool is_read = false;
    /// The request's rules (docs/protocol.md §3.6), read by validate() and `tcchat schema`.
    static constexpr auto request_rules = rules::list(
        rules::non_empty<&request::From_Account>("from_account.non_empty"),
        rules::count<&request::MarkItem>(1, &validation_limits::mark_items_max, code::item_count_out_of_range,
                                         "mark_item.count"),
        rules::one_of<&mark_item::OptType>({mark_operation::standard, mark_operation::custom, mark_operation::both},
                                           "1 (standard), 2 (custom) or 3 (both)", "opt_type.value"),
        contact_item_rules,
        rules::present_when<&mark_item::SetMark, &mark_item::OptType, &mark_item::ClearMark>(
            {mark_operation::standard, mark_operation::both}, "set_mark.required"),
        rules::bit_numbers<&mark_item::SetMark>("set_mark.bit_range"),
        rules::bit_numbers<&mark_item::ClearMark>("clear_mark.bit_range"),
        rules::disjoint_from<&mark_item::ClearMark, &mark_item::SetMark>(
            &validation_limits::forbid_set_and_clear_same_bit,
            "strict profile only: no keyword relates the items of one array (ClearMark) to those of another (SetMark)",
            "clear_mark.conflicts_with_set_mark"),
        rules::present_when<&mark_item::CustomMark, &mark_item::OptType>({mark_operation::custom, mark_operation::both},
                                                                         "custom_mark.required"),
        rules::max_bytes<&mark_item::CustomMark>(&validation_limits::custom_mark_max_bytes, code::invalid_parameters,
                                                 "custom_mark.max_bytes"));
    static constexpr bool may_add_state = true; ///< a mark adds state
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
    static constexpr auto batch_field = &request::MarkItem;
    static constexpr std::size_t batch_limit = validation_limits{}.mark_items_max; ///< 100

    /// Joins the answer to one chunk of an oversized batch onto the answers so far, in order.
    static void merge(response& total, response&& part) {
        if (!total.ResultItem) total.ResultItem.emplace();
        if (part.ResultItem) total.ResultItem->insert(total.ResultItem->end(), part.ResultItem->begin(), part.ResultItem->end());
    }
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::mark_contact)

TCCHAT_NAMESPACE_END
