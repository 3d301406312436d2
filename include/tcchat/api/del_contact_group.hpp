#pragma once
// v4/recentcontact/del_contact_group (docs/protocol.md §3.2): delete one conversation group by name.

#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

namespace tcchat {

struct del_contact_group_request {
    std::string From_Account;
    std::vector<std::string> GroupName; ///< exactly one name (docs/protocol.md §6.16)
};
BOOST_DESCRIBE_STRUCT(del_contact_group_request, (), (From_Account, GroupName))

struct del_contact_group_response : response_envelope {
    std::optional<std::vector<group_item>> GroupItem;
};
BOOST_DESCRIBE_STRUCT(del_contact_group_response, (response_envelope), (GroupItem))

namespace api {
struct del_contact_group {
    static constexpr std::string_view command = "del_contact_group";
    using request = del_contact_group_request;
    using response = del_contact_group_response;
    static constexpr bool is_read = false;
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::del_contact_group)

} // namespace tcchat
