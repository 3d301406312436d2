#pragma once
// v4/recentcontact/del_contact_group (docs/protocol.md §3.2): delete one conversation group by name.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <array>

#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// The body of v4/recentcontact/del_contact_group: `From_Account` deletes the one group named in GroupName.
struct del_contact_group_request {
    std::string From_Account;
    std::vector<std::string> GroupName; ///< exactly one name (docs/protocol.md §6.16)

    /// Deletes `from`'s group `group_name`.
    static del_contact_group_request for_group(std::string from, std::string group_name) {
        return {std::move(from), {std::move(group_name)}};
    }
};
BOOST_DESCRIBE_STRUCT(del_contact_group_request, (), (From_Account, GroupName))

/// The answer to del_contact_group: the envelope and the deleted group's name and GroupId.
struct del_contact_group_response : response_envelope {
    std::optional<std::vector<group_item>> GroupItem;
};
BOOST_DESCRIBE_STRUCT(del_contact_group_response, (response_envelope), (GroupItem))

namespace api {
/// Endpoint traits of v4/recentcontact/del_contact_group: a write, needing the groups-and-marks edition.
struct del_contact_group {
    static constexpr std::string_view command = "del_contact_group";
    /// The service codes the endpoint's page lists, cut off after 50004 in every copy (docs/protocol.md §1.7).
    static constexpr std::array<int, 4> listed_service_codes{50001, 50002, 50003, 50004};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = del_contact_group_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = del_contact_group_response;
    static constexpr bool is_read = false;
    /// The request's rules (docs/protocol.md §3.2), read by validate() and `tcchat schema`.
    static constexpr auto request_rules =
        rules::list(rules::non_empty<&request::From_Account>("from_account.non_empty"),
                    rules::count<&request::GroupName>(1, 1, code::invalid_parameters, "group_name.count"),
                    rules::non_empty<&request::GroupName>("group_name.non_empty"));
    static constexpr bool may_add_state = false; ///< it only removes state
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::del_contact_group)

TCCHAT_NAMESPACE_END
