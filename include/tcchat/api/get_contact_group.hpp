#pragma once
// v4/recentcontact/get_contact_group (docs/protocol.md §3.5): one page of a user's group and mark data.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <array>

#include <tuple>

TCCHAT_NAMESPACE_BEGIN

/// The body of v4/recentcontact/get_contact_group: one page of a user's groups and marks, from StartIndex.
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
/// Endpoint traits of v4/recentcontact/get_contact_group: a paged read, needing the groups-and-marks edition.
struct get_contact_group {
    static constexpr std::string_view command = "get_contact_group";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 13> listed_service_codes{50001, 50002, 50003, 50004, 50005, 51006, 51007, 51008, 51009, 51010, 51011, 51012, 51013};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = get_contact_group_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = get_contact_group_response;
    static constexpr bool is_read = true;
    /// The request's rules (docs/protocol.md §3.5), read by validate() and `tcchat schema`.
    static constexpr auto request_rules =
        rules::list(rules::non_empty<&request::From_Account>("from_account.non_empty"),
                    rules::non_negative<&request::StartIndex>("start_index.non_negative"));
    static constexpr bool may_add_state = false; ///< a read adds nothing

    /// What a page's request is told apart by: a repeated cursor means the server is not advancing.
    static std::tuple<std::int64_t> cursor(const request& r) { return {r.StartIndex}; }

    /// Moves `next` to the page after `page`; false at the end. StartIndex takes NextStartIndex until
    /// CompleteFlag is 1; a missing NextStartIndex ends the listing (live answers omit it on the last page,
    /// docs/protocol.md §6.10).
    static bool advance(request& next, const response& page) {
        if (page.CompleteFlag != complete_flag::incomplete || !page.NextStartIndex) return false;
        next.StartIndex = *page.NextStartIndex;
        return true;
    }
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::get_contact_group)

TCCHAT_NAMESPACE_END
