#pragma once
// v4/recentcontact/get_contact_group (docs/protocol.md §3.5): one page of a user's group and mark data.

#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

namespace tcchat {

struct get_contact_group_request {
    std::string From_Account;
    std::int64_t StartIndex = 0;
};
BOOST_DESCRIBE_STRUCT(get_contact_group_request, (), (From_Account, StartIndex))

/// NextStartIndex is absent on the last page of live answers; CompleteTime is undocumented but sent (§6.10).
struct get_contact_group_response : response_envelope {
    std::optional<std::vector<contact_mark_item>> ContactItem;
    std::optional<std::vector<group_item>> GroupItem;
    std::optional<complete_flag> CompleteFlag;
    std::optional<std::int64_t> NextStartIndex;
    std::optional<std::int64_t> CompleteTime;
};
BOOST_DESCRIBE_STRUCT(get_contact_group_response, (response_envelope),
                      (ContactItem, GroupItem, CompleteFlag, NextStartIndex, CompleteTime))

namespace api {
struct get_contact_group {
    static constexpr std::string_view command = "get_contact_group";
    using request = get_contact_group_request;
    using response = get_contact_group_response;
    static constexpr bool is_read = true;
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::get_contact_group)

} // namespace tcchat
