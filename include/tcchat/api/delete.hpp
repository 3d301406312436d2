#pragma once
// v4/recentcontact/delete (docs/protocol.md §3.8): delete one conversation, optionally clearing roaming messages.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <array>

#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// What `delete` does with the conversation's roaming messages (the `ClearRamble` key).
enum class roaming_messages {
    unspecified, ///< ClearRamble left out: the server's default
    keep,        ///< ClearRamble 0
    clear,       ///< ClearRamble 1
};

/// Note the key ToGroupid, lower-case "id", unlike every other endpoint (docs/protocol.md §2.2, §6.8).
struct delete_request {
    std::string From_Account;
    conversation_type Type{};
    std::optional<std::string> To_Account;
    std::optional<std::string> ToGroupid;
    std::optional<std::int32_t> ClearRamble; ///< 1 clears roaming messages, 0 keeps them

    /// Deletes `from`'s one-to-one conversation with `account`.
    static delete_request c2c(std::string from, std::string account, roaming_messages roaming = roaming_messages::unspecified) {
        return {std::move(from), conversation_type::c2c, std::move(account), std::nullopt, clear_ramble(roaming)};
    }
    /// Deletes `from`'s conversation in the group `group_id`.
    static delete_request group(std::string from, std::string group_id, roaming_messages roaming = roaming_messages::unspecified) {
        return {std::move(from), conversation_type::group, std::nullopt, std::move(group_id), clear_ramble(roaming)};
    }

private:
    static std::optional<std::int32_t> clear_ramble(roaming_messages roaming) noexcept {
        if (roaming == roaming_messages::unspecified) return std::nullopt;
        return roaming == roaming_messages::clear ? 1 : 0;
    }
};
BOOST_DESCRIBE_STRUCT(delete_request, (), (From_Account, Type, To_Account, ToGroupid, ClearRamble))

/// The answer to delete: the envelope alone (docs/protocol.md §3.8).
struct delete_response : response_envelope {};
BOOST_DESCRIBE_STRUCT(delete_response, (response_envelope), ())

namespace api {
/// Endpoint traits of v4/recentcontact/delete (`delete` is a C++ keyword): a write, on every edition.
struct delete_conversation {
    static constexpr std::string_view command = "delete";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 5> listed_service_codes{50001, 50002, 50003, 50004, 50005};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = delete_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = delete_response;
    static constexpr bool is_read = false;
    /// The request's rules (docs/protocol.md §3.8), read by validate() and `tcchat schema`.
    static constexpr auto request_rules = rules::list(
        rules::non_empty<&request::From_Account>("from_account.non_empty"),
        rules::one_of<&request::Type>({conversation_type::c2c, conversation_type::group}, "1 (one-to-one) or 2 (group)",
                                      "type.value"),
        rules::non_empty_when<&request::To_Account, &request::Type>({conversation_type::c2c}, "to_account.required"),
        rules::non_empty_when<&request::ToGroupid, &request::Type>({conversation_type::group}, "to_groupid.required"),
        rules::one_of<&request::ClearRamble>({0, 1}, "0 or 1", "clear_ramble.value"));
    static constexpr bool may_add_state = false; ///< it only removes state
    static constexpr bool needs_group_edition = false; ///< the conversation list: every edition
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::delete_conversation)

TCCHAT_NAMESPACE_END
