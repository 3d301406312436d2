#pragma once
// v4/recentcontact/create_contact_group (docs/protocol.md §3.1): create one conversation group with its conversations.

#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

namespace tcchat {

struct group_contact_item {
    std::string GroupName;
    std::vector<contact_item> ContactItem;
};
BOOST_DESCRIBE_STRUCT(group_contact_item, (), (GroupName, ContactItem))

struct create_contact_group_request {
    std::string From_Account;
    std::vector<group_contact_item> GroupContactItem; ///< exactly one element (docs/protocol.md §6.16)
};
BOOST_DESCRIBE_STRUCT(create_contact_group_request, (), (From_Account, GroupContactItem))

struct group_result_item {
    group_item GroupItem;
    std::vector<contact_result> ResultItem;
};
BOOST_DESCRIBE_STRUCT(group_result_item, (), (GroupItem, ResultItem))

struct create_contact_group_response : response_envelope {
    std::optional<std::vector<group_result_item>> GroupResultItem;
};
BOOST_DESCRIBE_STRUCT(create_contact_group_response, (response_envelope), (GroupResultItem))

namespace api {
struct create_contact_group {
    static constexpr std::string_view command = "create_contact_group";
    using request = create_contact_group_request;
    using response = create_contact_group_response;
    static constexpr bool is_read = false;
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::create_contact_group)

} // namespace tcchat
