#pragma once
// Objects shared by several endpoints (docs/protocol.md §1.4, §2). Member names are the wire keys, letter for letter;
// types are snake_case so that no member shares its type's name (g++ rejects that).
//
// Conventions of the whole model:
// - std::optional members may be absent on the wire and are omitted when empty (never written as null).
// - Wire enums are open: any integer of the underlying type survives a decode/encode round trip, so a
//   value the server adds tomorrow is kept, not lost.

#include <tcchat/version.hpp>
#include <tcchat/rules.hpp>
#include <tcchat/standard_mark.hpp>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

/// `Type` (docs/protocol.md §2.1): an integer on the wire; numeric strings are accepted when decoding (§6.2).
enum class conversation_type : std::int32_t {
    c2c = 1,
    group = 2,
};
BOOST_DESCRIBE_ENUM(conversation_type, c2c, group)

/// `CompleteFlag` (docs/protocol.md §3.5, §3.7): 0 more pages follow, 1 the listing is complete.
enum class complete_flag : std::int32_t {
    incomplete = 0,
    complete = 1,
};
BOOST_DESCRIBE_ENUM(complete_flag, incomplete, complete)

namespace detail {
/// An optional wire string as text: "" when the key was absent.
inline std::string_view text_or_empty(const std::optional<std::string>& text) noexcept {
    return text ? std::string_view(*text) : std::string_view();
}

/// The one value that names a conversation: To_Account for C2C, the group key otherwise; "" when it is absent.
inline std::string_view conversation_peer(conversation_type type, const std::optional<std::string>& account,
                                          const std::optional<std::string>& group) noexcept {
    return text_or_empty(type == conversation_type::c2c ? account : group);
}
} // namespace detail

/// A conversation reference (docs/protocol.md §2.2). Exactly one of To_Account (Type 1) or ToGroupId (Type 2).
struct contact_item {
    conversation_type Type{};
    std::optional<std::string> To_Account;
    std::optional<std::string> ToGroupId;

    /// The one-to-one conversation with `account`.
    static contact_item c2c(std::string account) { return {conversation_type::c2c, std::move(account), std::nullopt}; }
    /// The conversation of the group `group_id` (a chat group ID such as "@TGS#1NEWS").
    static contact_item group(std::string group_id) { return {conversation_type::group, std::nullopt, std::move(group_id)}; }

    /// Who the conversation is with, whatever its Type: the account, or the group ID; "" when the key is absent.
    std::string_view peer() const noexcept { return detail::conversation_peer(Type, To_Account, ToGroupId); }
};
BOOST_DESCRIBE_STRUCT(contact_item, (), (Type, To_Account, ToGroupId))

/// The rules of a conversation reference in a request (docs/protocol.md §2.2), part of every endpoint's list that
/// names conversations.
inline constexpr auto contact_item_rules = rules::list(
    rules::one_of<&contact_item::Type>({conversation_type::c2c, conversation_type::group}, "1 (one-to-one) or 2 (group)",
                                       "contact_item.type"),
    rules::non_empty_when<&contact_item::To_Account, &contact_item::Type>({conversation_type::c2c},
                                                                          "contact_item.to_account_required"),
    rules::absent_when<&contact_item::To_Account, &contact_item::Type>({conversation_type::group},
                                                                       "contact_item.to_account_forbidden"),
    rules::non_empty_when<&contact_item::ToGroupId, &contact_item::Type>({conversation_type::group},
                                                                         "contact_item.to_group_id_required"),
    rules::absent_when<&contact_item::ToGroupId, &contact_item::Type>({conversation_type::c2c},
                                                                      "contact_item.to_group_id_forbidden"));

/// A conversation group (docs/protocol.md §2.3). GroupId is the group's server-assigned number, not a chat group ID.
struct group_item {
    std::string GroupName;
    std::uint64_t GroupId = 0;
};
BOOST_DESCRIBE_STRUCT(group_item, (), (GroupName, GroupId))

/// A conversation's group-and-mark data as search_contact_group and get_contact_group return it (protocol.md §2.4).
struct contact_mark_item {
    conversation_type Type{};
    std::optional<std::string> To_Account;
    std::optional<std::string> ToGroupId;
    std::optional<standard_mark> StandardMark;
    std::optional<std::string> CustomMark;
    std::optional<std::vector<std::uint64_t>> ContactGroupId;
    std::optional<std::int64_t> Timestamp;

    /// Who the conversation is with, whatever its Type: the account, or the group ID; "" when the key is absent.
    std::string_view peer() const noexcept { return detail::conversation_peer(Type, To_Account, ToGroupId); }
    /// The conversation as a contact_item, to name it in a request (mark_contact, search_contact_group...).
    contact_item contact() const { return {Type, To_Account, ToGroupId}; }
    /// StandardMark, or no marks when the key was absent.
    standard_mark mark() const noexcept { return StandardMark.value_or(standard_mark{}); }
    /// CustomMark, or "" when the key was absent.
    std::string_view custom_mark() const noexcept { return detail::text_or_empty(CustomMark); }
};
BOOST_DESCRIBE_STRUCT(contact_mark_item, (),
                      (Type, To_Account, ToGroupId, StandardMark, CustomMark, ContactGroupId, Timestamp))

/// The elements of a response array the server may leave out: an absent key reads as no elements, so
/// `for (const auto& item : items(page->ContactItem))` is safe on every answer. (Not for a temporary: the
/// reference would outlive it, so that overload is deleted.)
template <class T>
const std::vector<T>& items(const std::optional<std::vector<T>>& array) noexcept {
    static const std::vector<T> none;
    return array ? *array : none;
}
template <class T>
const std::vector<T>& items(const std::optional<std::vector<T>>&& array) = delete;

/// The envelope every response carries (docs/protocol.md §1.4). ErrorDisplay is present in some answers only (§6.12).
struct response_envelope {
    std::string ActionStatus;
    std::int32_t ErrorCode = 0;
    std::string ErrorInfo;
    std::optional<std::string> ErrorDisplay;

    /// True only for ActionStatus "OK" with ErrorCode 0; the client turns any other answer into an error.
    bool ok() const noexcept { return ErrorCode == 0 && std::string_view(ActionStatus) == "OK"; }
};
BOOST_DESCRIBE_STRUCT(response_envelope, (), (ActionStatus, ErrorCode, ErrorInfo, ErrorDisplay))

/// The per-item outcome of create_contact_group (docs/protocol.md §3.1): 0 is success.
struct contact_result {
    contact_item ContactItem;
    std::int32_t ResultCode = 0;
    std::string ResultInfo;
};
BOOST_DESCRIBE_STRUCT(contact_result, (), (ContactItem, ResultCode, ResultInfo))

TCCHAT_NAMESPACE_END
