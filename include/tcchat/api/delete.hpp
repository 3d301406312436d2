#pragma once
// v4/recentcontact/delete (docs/protocol.md §3.8): delete one conversation, optionally clearing roaming messages.

#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

namespace tcchat {

/// Note the key ToGroupid, lower-case "id", unlike every other endpoint (docs/protocol.md §2.2, §6.8).
struct delete_request {
    std::string From_Account;
    conversation_type Type{};
    std::optional<std::string> To_Account;
    std::optional<std::string> ToGroupid;
    std::optional<std::int32_t> ClearRamble; ///< 1 clears roaming messages, 0 keeps them
};
BOOST_DESCRIBE_STRUCT(delete_request, (), (From_Account, Type, To_Account, ToGroupid, ClearRamble))

struct delete_response : response_envelope {};
BOOST_DESCRIBE_STRUCT(delete_response, (response_envelope), ())

namespace api {
struct delete_conversation {
    static constexpr std::string_view command = "delete";
    using request = delete_request;
    using response = delete_response;
    static constexpr bool is_read = false;
    static constexpr bool needs_group_edition = false; ///< the conversation list: every edition
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::delete_conversation)

} // namespace tcchat
