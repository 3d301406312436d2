#pragma once
// v4/recentcontact/update_contact_group (docs/protocol.md §3.3): rename a group, or add/remove its conversations.

#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

namespace tcchat {

/// `UpdateType`: 1 is the only documented value.
enum class update_type : std::int32_t {
    group = 1,
};

/// `UpdateGroupType`.
enum class update_group_type : std::int32_t {
    rename = 1,
    update_conversations = 2,
};

/// `ContactOptType`.
enum class contact_operation : std::int32_t {
    add = 1,
    remove = 2,
};

struct contact_update_item {
    contact_operation ContactOptType{};
    contact_item ContactItem;
};
BOOST_DESCRIBE_STRUCT(contact_update_item, (), (ContactOptType, ContactItem))

struct update_group {
    update_group_type UpdateGroupType{};
    std::string OldGroupName;
    std::optional<std::string> NewGroupName;                         ///< UpdateGroupType 1
    std::optional<std::vector<contact_update_item>> ContactUpdateItem; ///< UpdateGroupType 2
};
BOOST_DESCRIBE_STRUCT(update_group, (), (UpdateGroupType, OldGroupName, NewGroupName, ContactUpdateItem))

struct update_contact_group_request {
    std::string From_Account;
    update_type UpdateType = update_type::group;
    std::optional<update_group> UpdateGroup; ///< "Required: No", yet needed for UpdateType 1 (docs/protocol.md §6.14)
};
BOOST_DESCRIBE_STRUCT(update_contact_group_request, (), (From_Account, UpdateType, UpdateGroup))

struct contact_update_result {
    contact_operation ContactOptType{};
    contact_item ContactItem;
    std::int32_t ResultCode = 0;
    std::string ResultInfo;
};
BOOST_DESCRIBE_STRUCT(contact_update_result, (), (ContactOptType, ContactItem, ResultCode, ResultInfo))

struct update_group_result {
    update_group_type UpdateGroupType{};
    std::string GroupName;
    std::uint64_t GroupId = 0;
    std::string OldGroupName;
    std::optional<std::vector<contact_update_result>> ContactResultItem;
};
BOOST_DESCRIBE_STRUCT(update_group_result, (), (UpdateGroupType, GroupName, GroupId, OldGroupName, ContactResultItem))

struct update_contact_group_response : response_envelope {
    std::optional<update_type> UpdateType;
    std::optional<update_group_result> UpdateGroupResult;
};
BOOST_DESCRIBE_STRUCT(update_contact_group_response, (response_envelope), (UpdateType, UpdateGroupResult))

namespace api {
struct update_contact_group {
    static constexpr std::string_view command = "update_contact_group";
    using request = update_contact_group_request;
    using response = update_contact_group_response;
    static constexpr bool is_read = false;
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::update_contact_group)

} // namespace tcchat
