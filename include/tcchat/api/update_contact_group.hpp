#pragma once
// v4/recentcontact/update_contact_group (docs/protocol.md §3.3): rename a group, or add/remove its conversations.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <boost/describe/enum.hpp>

#include <array>

#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// `UpdateType`: 1 is the only documented value.
enum class update_type : std::int32_t {
    group = 1,
};
BOOST_DESCRIBE_ENUM(update_type, group)

/// `UpdateGroupType`.
enum class update_group_type : std::int32_t {
    rename = 1,
    update_conversations = 2,
};
BOOST_DESCRIBE_ENUM(update_group_type, rename, update_conversations)

/// `ContactOptType`.
enum class contact_operation : std::int32_t {
    add = 1,
    remove = 2,
};
BOOST_DESCRIBE_ENUM(contact_operation, add, remove)

/// One conversation to add to or remove from the group (UpdateGroupType 2).
struct contact_update_item {
    contact_operation ContactOptType{};
    contact_item ContactItem;

    /// Adds the conversation to the group.
    static contact_update_item add(contact_item contact) { return {contact_operation::add, std::move(contact)}; }
    /// Removes the conversation from the group.
    static contact_update_item remove(contact_item contact) { return {contact_operation::remove, std::move(contact)}; }
};
BOOST_DESCRIBE_STRUCT(contact_update_item, (), (ContactOptType, ContactItem))

/// The group to update, by OldGroupName: a rename (type 1) or conversations added and removed (type 2).
struct update_group {
    update_group_type UpdateGroupType{};
    std::string OldGroupName;
    std::optional<std::string> NewGroupName;                         ///< UpdateGroupType 1
    std::optional<std::vector<contact_update_item>> ContactUpdateItem; ///< UpdateGroupType 2
};
BOOST_DESCRIBE_STRUCT(update_group, (), (UpdateGroupType, OldGroupName, NewGroupName, ContactUpdateItem))

/// The body of v4/recentcontact/update_contact_group: rename a group, or add and remove its conversations.
struct update_contact_group_request {
    std::string From_Account;
    update_type UpdateType = update_type::group;
    std::optional<update_group> UpdateGroup; ///< "Required: No", yet needed for UpdateType 1 (docs/protocol.md §6.14)

    /// Renames `from`'s group `old_name` to `new_name` (UpdateGroupType 1).
    static update_contact_group_request rename(std::string from, std::string old_name, std::string new_name) {
        return {std::move(from), update_type::group,
                update_group{update_group_type::rename, std::move(old_name), std::move(new_name), std::nullopt}};
    }
    /// Adds these conversations to `from`'s group `group_name` (UpdateGroupType 2).
    static update_contact_group_request add_conversations(std::string from, std::string group_name, std::vector<contact_item> contacts) {
        return update_conversations(std::move(from), std::move(group_name), each(contact_operation::add, std::move(contacts)));
    }
    /// Removes these conversations from `from`'s group `group_name` (UpdateGroupType 2).
    static update_contact_group_request remove_conversations(std::string from, std::string group_name, std::vector<contact_item> contacts) {
        return update_conversations(std::move(from), std::move(group_name), each(contact_operation::remove, std::move(contacts)));
    }
    /// Adds and removes conversations of `from`'s group `group_name` in one request (UpdateGroupType 2):
    /// `{contact_update_item::add(a), contact_update_item::remove(b)}`.
    static update_contact_group_request update_conversations(std::string from, std::string group_name, std::vector<contact_update_item> changes) {
        return {std::move(from), update_type::group,
                update_group{update_group_type::update_conversations, std::move(group_name), std::nullopt, std::move(changes)}};
    }

private:
    static std::vector<contact_update_item> each(contact_operation operation, std::vector<contact_item> contacts) {
        std::vector<contact_update_item> changes;
        changes.reserve(contacts.size());
        for (auto& contact : contacts) changes.push_back({operation, std::move(contact)});
        return changes;
    }
};
BOOST_DESCRIBE_STRUCT(update_contact_group_request, (), (From_Account, UpdateType, UpdateGroup))

/// The outcome for one ContactUpdateItem: the operation, the conversation, and ResultCode (0 = done).
struct contact_update_result {
    contact_operation ContactOptType{};
    contact_item ContactItem;
    std::int32_t ResultCode = 0;
    std::string ResultInfo;
};
BOOST_DESCRIBE_STRUCT(contact_update_result, (), (ContactOptType, ContactItem, ResultCode, ResultInfo))

/// The updated group: its current name, GroupId and old name, and for type 2 one result per conversation.
struct update_group_result {
    update_group_type UpdateGroupType{};
    std::string GroupName;
    std::uint64_t GroupId = 0;
    std::string OldGroupName;
    std::optional<std::vector<contact_update_result>> ContactResultItem;
};
BOOST_DESCRIBE_STRUCT(update_group_result, (), (UpdateGroupType, GroupName, GroupId, OldGroupName, ContactResultItem))

/// The answer to update_contact_group: the envelope, UpdateType and the updated group's result.
struct update_contact_group_response : response_envelope {
    std::optional<update_type> UpdateType;
    std::optional<update_group_result> UpdateGroupResult;
};
BOOST_DESCRIBE_STRUCT(update_contact_group_response, (response_envelope), (UpdateType, UpdateGroupResult))

namespace api {
/// Endpoint traits of v4/recentcontact/update_contact_group: a write, needing the groups-and-marks edition.
struct update_contact_group {
    static constexpr std::string_view command = "update_contact_group";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 9> listed_service_codes{50001, 50002, 50003, 50004, 50005, 51007, 51008, 51011, 51013};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = update_contact_group_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = update_contact_group_response;
    static constexpr bool is_read = false;
    /// The request's rules (docs/protocol.md §3.3), read by validate() and `tcchat schema`.
    static constexpr auto request_rules = rules::list(
        rules::non_empty<&request::From_Account>("from_account.non_empty"),
        rules::one_of<&request::UpdateType>({update_type::group}, "1", "update_type.value"),
        rules::required<&request::UpdateGroup>(" for UpdateType 1", "update_group.required"), // §6.14: "Required: No"
        rules::one_of<&update_group::UpdateGroupType>({update_group_type::rename, update_group_type::update_conversations},
                                                      "1 (rename) or 2 (conversations)", "update_group_type.value"),
        rules::non_empty<&update_group::OldGroupName>("old_group_name.non_empty"),
        rules::non_empty_when<&update_group::NewGroupName, &update_group::UpdateGroupType>({update_group_type::rename},
                                                                                           "new_group_name.non_empty"),
        rules::max_bytes<&update_group::NewGroupName>(&validation_limits::update_group_name_max_bytes,
                                                      code::group_name_too_long, "new_group_name.max_bytes"),
        rules::non_empty_when<&update_group::ContactUpdateItem, &update_group::UpdateGroupType>(
            {update_group_type::update_conversations}, "contact_update_item.non_empty"),
        rules::one_of<&contact_update_item::ContactOptType>({contact_operation::add, contact_operation::remove},
                                                            "1 (add) or 2 (remove)", "contact_opt_type.value"),
        contact_item_rules);
    static constexpr bool may_add_state = true; ///< it may add conversations to a group
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::update_contact_group)

TCCHAT_NAMESPACE_END
