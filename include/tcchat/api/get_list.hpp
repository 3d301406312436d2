#pragma once
// v4/recentcontact/get_list (docs/protocol.md §3.7): one page of the conversation list, with four cursors.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <boost/describe/enum.hpp>

#include <array>
#include <tuple>

TCCHAT_NAMESPACE_BEGIN

/// `TopFlag`: 0 general, 1 pinned.
enum class top_flag : std::int32_t {
    general = 0,
    pinned = 1,
};
BOOST_DESCRIBE_ENUM(top_flag, general, pinned)

/// AssistFlags 63 asks for complete conversation data (newest page, docs/protocol.md §6.18).
inline constexpr std::int64_t default_assist_flags = 63;

/// The body of v4/recentcontact/get_list: one page of `From_Account`'s conversations, from the four cursors.
struct get_list_request {
    std::string From_Account;
    std::int64_t TimeStamp = 0;
    std::int64_t StartIndex = 0;
    std::int64_t TopTimeStamp = 0;
    std::int64_t TopStartIndex = 0;
    std::optional<std::int64_t> AssistFlags = default_assist_flags;
};
BOOST_DESCRIBE_STRUCT(get_list_request, (), (From_Account, TimeStamp, StartIndex, TopTimeStamp, TopStartIndex, AssistFlags))

/// A conversation. Group conversations use the key GroupId here, not ToGroupId (docs/protocol.md §2.2).
struct session_item {
    conversation_type Type{};
    std::optional<std::string> To_Account;
    std::optional<std::string> GroupId;
    std::int64_t MsgTime = 0;
    top_flag TopFlag{};
    std::optional<standard_mark> StandardMark;
    std::optional<std::string> CustomMark;
    std::optional<std::vector<std::uint64_t>> ContactGroupId;

    /// Who the conversation is with, whatever its Type: the account, or the group ID; "" when the key is absent.
    std::string_view peer() const noexcept { return detail::conversation_peer(Type, To_Account, GroupId); }
    /// The conversation as a contact_item (GroupId becomes ToGroupId), to name it in a request.
    contact_item contact() const { return {Type, To_Account, GroupId}; }
    /// StandardMark, or no marks when the key was absent.
    standard_mark mark() const noexcept { return StandardMark.value_or(standard_mark{}); }
    /// CustomMark, or "" when the key was absent.
    std::string_view custom_mark() const noexcept { return detail::text_or_empty(CustomMark); }
};
BOOST_DESCRIBE_STRUCT(session_item, (), (Type, To_Account, GroupId, MsgTime, TopFlag, StandardMark, CustomMark, ContactGroupId))

/// The answer to get_list: a page of conversations, CompleteFlag, and the four cursors of the next request.
struct get_list_response : response_envelope {
    std::optional<std::vector<session_item>> SessionItem;
    std::optional<complete_flag> CompleteFlag;
    std::optional<std::int64_t> TimeStamp;
    std::optional<std::int64_t> StartIndex;
    std::optional<std::int64_t> TopTimeStamp;
    std::optional<std::int64_t> TopStartIndex;
};
BOOST_DESCRIBE_STRUCT(get_list_response, (response_envelope),
                      (SessionItem, CompleteFlag, TimeStamp, StartIndex, TopTimeStamp, TopStartIndex))

namespace api {
/// Endpoint traits of v4/recentcontact/get_list: a paged read, on every edition.
struct get_list {
    static constexpr std::string_view command = "get_list";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 5> listed_service_codes{50001, 50002, 50003, 50004, 50005};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = get_list_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = get_list_response;
    static constexpr bool is_read = true;
    /// The request's rules (docs/protocol.md §3.7), read by validate() and `tcchat schema`.
    static constexpr auto request_rules =
        rules::list(rules::non_empty<&request::From_Account>("from_account.non_empty"),
                    rules::non_negative<&request::TimeStamp>("time_stamp.non_negative"),
                    rules::non_negative<&request::StartIndex>("start_index.non_negative"),
                    rules::non_negative<&request::TopTimeStamp>("top_time_stamp.non_negative"),
                    rules::non_negative<&request::TopStartIndex>("top_start_index.non_negative"),
                    rules::required<&request::AssistFlags>(" (the newest page says 63)", "assist_flags.required"));
    static constexpr bool may_add_state = false; ///< a read adds nothing

    /// What a page's request is told apart by: a repeated cursor means the server is not advancing.
    static std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t> cursor(const request& r) {
        return {r.TimeStamp, r.StartIndex, r.TopTimeStamp, r.TopStartIndex};
    }

    /// Moves `next` to the page after `page`; false at the end. The answer's four cursors go into the next
    /// request until CompleteFlag is 1 (docs/protocol.md §3.7).
    static bool advance(request& next, const response& page) {
        if (page.CompleteFlag != complete_flag::incomplete || !page.TimeStamp || !page.StartIndex || !page.TopTimeStamp ||
            !page.TopStartIndex)
            return false;
        next.TimeStamp = *page.TimeStamp;
        next.StartIndex = *page.StartIndex;
        next.TopTimeStamp = *page.TopTimeStamp;
        next.TopStartIndex = *page.TopStartIndex;
        return true;
    }
    static constexpr bool needs_group_edition = false; ///< the conversation list: every edition
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::get_list)

TCCHAT_NAMESPACE_END
