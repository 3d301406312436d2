#pragma once
// v4/recentcontact/create_contact_group (docs/protocol.md §3.1): create one conversation group with its conversations.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <array>

#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// The group to create: its name (at most 32 bytes) and its conversations (docs/protocol.md §3.1).
struct group_contact_item {
    std::string GroupName;
    std::vector<contact_item> ContactItem;
};
BOOST_DESCRIBE_STRUCT(group_contact_item, (), (GroupName, ContactItem))

/// The body of v4/recentcontact/create_contact_group: `From_Account` creates one group holding conversations.
struct create_contact_group_request {
    std::string From_Account;
    std::vector<group_contact_item> GroupContactItem; ///< exactly one element (docs/protocol.md §6.16)

    /// Creates `from`'s group `group_name` holding these conversations (the request's one GroupContactItem).
    static create_contact_group_request for_group(std::string from, std::string group_name, std::vector<contact_item> contacts) {
        return {std::move(from), {group_contact_item{std::move(group_name), std::move(contacts)}}};
    }
};
BOOST_DESCRIBE_STRUCT(create_contact_group_request, (), (From_Account, GroupContactItem))

/// The created group (its name and new GroupId) and one result per conversation put in it (0 = added).
struct group_result_item {
    group_item GroupItem;
    std::vector<contact_result> ResultItem;
};
BOOST_DESCRIBE_STRUCT(group_result_item, (), (GroupItem, ResultItem))

/// The answer to create_contact_group: the envelope and the created group with its per-conversation results.
struct create_contact_group_response : response_envelope {
    std::optional<std::vector<group_result_item>> GroupResultItem;
};
BOOST_DESCRIBE_STRUCT(create_contact_group_response, (response_envelope), (GroupResultItem))

namespace api {
/// Endpoint traits of v4/recentcontact/create_contact_group: a write, needing the groups-and-marks edition.
struct create_contact_group {
    static constexpr std::string_view command = "create_contact_group";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 13> listed_service_codes{50001, 50002, 50003, 50004, 50005, 51006, 51007, 51008, 51009, 51010, 51011, 51012, 51013};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = create_contact_group_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = create_contact_group_response;
    static constexpr bool is_read = false;
    /// The request's rules (docs/protocol.md §3.1), read by validate() and `tcchat schema`.
    static constexpr auto request_rules = rules::list(
        rules::non_empty<&request::From_Account>("from_account.non_empty"),
        rules::count<&request::GroupContactItem>(1, 1, code::invalid_parameters, "group_contact_item.count"), // §6.16
        rules::non_empty<&group_contact_item::GroupName>("group_name.non_empty"),
        rules::max_bytes<&group_contact_item::GroupName>(&validation_limits::create_group_name_max_bytes,
                                                         code::group_name_too_long, "group_name.max_bytes"),
        rules::count<&group_contact_item::ContactItem>(1, &validation_limits::create_contact_items_max,
                                                       code::item_count_out_of_range, "contact_item.count"),
        contact_item_rules);
    static constexpr bool may_add_state = true; ///< a new group adds state
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::create_contact_group)

TCCHAT_NAMESPACE_END
