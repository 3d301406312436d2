#pragma once
// Objects shared by several endpoints (docs/protocol.md §1.4, §2). Member names are the wire keys, letter for letter;
// types are snake_case so that no member shares its type's name (g++ rejects that).
//
// Conventions of the whole model:
// - std::optional members may be absent on the wire and are omitted when empty (never written as null).
// - Wire enums are open: any integer of the underlying type survives a decode/encode round trip, so a
//   value the server adds tomorrow is kept, not lost.

#include <tcchat/standard_mark.hpp>

#include <boost/describe/class.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcchat {

/// `Type` (docs/protocol.md §2.1): an integer on the wire; numeric strings are accepted when decoding (§6.2).
enum class conversation_type : std::int32_t {
    c2c = 1,
    group = 2,
};

/// `CompleteFlag` (docs/protocol.md §3.5, §3.7): 0 more pages follow, 1 the listing is complete.
enum class complete_flag : std::int32_t {
    incomplete = 0,
    complete = 1,
};

/// A conversation reference (docs/protocol.md §2.2). Exactly one of To_Account (Type 1) or ToGroupId (Type 2).
struct contact_item {
    conversation_type Type{};
    std::optional<std::string> To_Account;
    std::optional<std::string> ToGroupId;
};
BOOST_DESCRIBE_STRUCT(contact_item, (), (Type, To_Account, ToGroupId))

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
};
BOOST_DESCRIBE_STRUCT(contact_mark_item, (),
                      (Type, To_Account, ToGroupId, StandardMark, CustomMark, ContactGroupId, Timestamp))

/// The envelope every response carries (docs/protocol.md §1.4). ErrorDisplay is present in some answers only (§6.12).
struct response_envelope {
    std::string ActionStatus;
    std::int32_t ErrorCode = 0;
    std::string ErrorInfo;
    std::optional<std::string> ErrorDisplay;

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

} // namespace tcchat
