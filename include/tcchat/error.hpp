#pragma once
// Error model: every documented service and public code (docs/protocol.md §1.6, §1.7), the client-side codes
// tcchat adds, a std::error_category, retry classes, and the error value carried by results.

#include <tcchat/version.hpp>
#include <boost/system/result.hpp>
#include <boost/throw_exception.hpp>

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

TCCHAT_NAMESPACE_BEGIN

/// How a caller should react to a code (docs/protocol.md §1.6, §1.7: inferred from each code's wording).
enum class retry_class : std::uint8_t {
    never,             ///< a client bug, a permission or a billing state: retrying cannot help
    with_backoff,      ///< rate limits, timeouts, internal errors: retry with exponential backoff
    after_new_usersig, ///< the signature expired: renew the UserSig, then retry once
    once,              ///< ambiguous server-side failures: one more attempt is reasonable
};

/// Numeric values are the server's own, so a client-side rejection and a server answer share one switch.
enum class code : int {
    ok = 0,

    // recentcontact service codes (docs/protocol.md §1.7)
    account_not_found = 50001,
    invalid_parameters = 50002,
    admin_required = 50003,
    internal_error = 50004,
    network_timeout = 50005,
    item_count_out_of_range = 51006,
    group_operation_failed = 51007,
    conversation_quota_exceeded = 51008,
    conversation_group_not_found = 51009,
    conversation_group_limit_exceeded = 51010,
    group_name_too_long = 51011,
    pinned_limit_exceeded = 51012,
    edition_not_supported = 51013,

    // public codes (docs/protocol.md §1.6)
    http_parse_error = 60002,
    json_parse_error = 60003,
    identifier_or_usersig_invalid = 60004,
    identifier_or_usersig_invalid_2 = 60005,
    sdkappid_invalid = 60006,
    rest_rate_limited = 60007,
    service_timeout = 60008,
    resource_not_found = 60009,
    admin_identifier_required = 60010,
    sdkappid_rate_limited = 60011,
    sdkappid_missing = 60012,
    response_json_parse_error = 60013,
    account_switch_timeout = 60014,
    identifier_type_invalid = 60015,
    sdkappid_disabled = 60016,
    request_disabled = 60017,
    too_many_requests = 60018,
    too_many_requests_2 = 60019,
    package_not_active = 60020,
    caller_ip_not_allowed = 60021,
    usersig_expired = 70001,
    usersig_empty = 70002,
    usersig_verification_failed = 70003,
    usersig_verification_failed_2 = 70005,
    usersig_public_key_mismatch = 70009,
    usersig_identifier_mismatch = 70013,
    usersig_sdkappid_mismatch = 70014,
    usersig_public_key_missing = 70016,
    sdkappid_not_found = 70020,
    account_locked = 70050,
    account_blocklisted = 70051,
    usersig_invalidated = 70052,
    account_does_not_exist = 70107,
    security_restricted = 70114,
    server_timeout = 70169,
    invalid_batch_number = 70206,
    trial_account_limit = 70398,
    invalid_parameter = 70402,
    admin_permission_required = 70403,
    server_internal_error = 70500,
    user_status_not_supported = 72001,
    text_filtered = 80001,
    message_too_long = 80002,

    // client-side codes: conditions the server never reports itself
    transport_failed = 90001,      ///< the HTTP stack could not complete the exchange
    http_status = 90002,           ///< HTTP status other than 200 (docs/protocol.md §1.3)
    timeout = 90003,               ///< one attempt ran out of time
    deadline_exceeded = 90004,     ///< the call's overall deadline passed
    local_limit_exceeded = 90005,  ///< a TCCHAT_MAX_* safety limit was hit
    cursor_not_advancing = 90006,  ///< a paging cursor repeated: stop instead of looping
    usersig_unavailable = 90007,   ///< the credentials provider produced no signature
    response_mismatch = 90008,     ///< a well-formed answer that cannot belong to the request
    limiter_unavailable = 90009,   ///< the shared rate limiter cannot be reached and its policy is to fail closed
    hook_failed = 90010,           ///< a hook of the caller's (client_options::on_attempt) threw
    invalid_options = 90011,       ///< the client's options cannot make a call (a base URL that is not http or https)
    cancelled = 90012,             ///< the caller cancelled the call (call_options::cancellation, Asio cancellation)
};

/// A row of the code table: the code, its enumerator's name, its documented meaning and how to react to it.
struct code_info {
    code value;
    std::string_view name;
    std::string_view meaning;
    retry_class retry;
};

namespace detail {
// One row per code; meanings follow the English SDK header and endpoint pages (docs/protocol.md §1.6, §1.7).
inline constexpr code_info code_table[] = {
    {code::ok, "ok", "Success.", retry_class::never},
    {code::account_not_found, "account_not_found", "The requested UserID has not been imported into Chat.", retry_class::never},
    {code::invalid_parameters, "invalid_parameters", "Incorrect request parameter.", retry_class::never},
    {code::admin_required, "admin_required", "The request requires app admin permissions.", retry_class::never},
    {code::internal_error, "internal_error", "Internal server error. Please try again.", retry_class::with_backoff},
    {code::network_timeout, "network_timeout", "Network timeout. Try again later.", retry_class::with_backoff},
    {code::item_count_out_of_range, "item_count_out_of_range", "The number of conversations in one request is empty or exceeds the limit of 100.", retry_class::never},
    {code::group_operation_failed, "group_operation_failed", "The group conversation operation failed: internal error or the group was disbanded.", retry_class::once},
    {code::conversation_quota_exceeded, "conversation_quota_exceeded", "The 1000-conversation quota for groups and marks is exceeded.", retry_class::never},
    {code::conversation_group_not_found, "conversation_group_not_found", "The conversation group does not exist.", retry_class::never},
    {code::conversation_group_limit_exceeded, "conversation_group_limit_exceeded", "The number of conversation groups exceeds the upper limit of 20.", retry_class::never},
    {code::group_name_too_long, "group_name_too_long", "The conversation group name is too long.", retry_class::never},
    {code::pinned_limit_exceeded, "pinned_limit_exceeded", "Exceeded the maximum number of conversations pinned to the top.", retry_class::never},
    {code::edition_not_supported, "edition_not_supported", "The app's edition does not support conversation groups or marks.", retry_class::never},
    {code::http_parse_error, "http_parse_error", "HTTP parsing error. Check the URL format of the HTTP request.", retry_class::never},
    {code::json_parse_error, "json_parse_error", "JSON parsing error. Check the JSON format of the HTTP request.", retry_class::never},
    {code::identifier_or_usersig_invalid, "identifier_or_usersig_invalid", "Identifier or UserSig in the request is incorrect.", retry_class::never},
    {code::identifier_or_usersig_invalid_2, "identifier_or_usersig_invalid_2", "Identifier or UserSig in the request is incorrect.", retry_class::never},
    {code::sdkappid_invalid, "sdkappid_invalid", "Invalid SDKAppID.", retry_class::never},
    {code::rest_rate_limited, "rest_rate_limited", "Exceeded the RESTful API call frequency limit.", retry_class::with_backoff},
    {code::service_timeout, "service_timeout", "Service request timeout or HTTP request format error.", retry_class::with_backoff},
    {code::resource_not_found, "resource_not_found", "Request resource error. Check the request URL.", retry_class::never},
    {code::admin_identifier_required, "admin_identifier_required", "The identifier must be the app admin account.", retry_class::never},
    {code::sdkappid_rate_limited, "sdkappid_rate_limited", "Exceeded the SDKAppID request frequency limit.", retry_class::with_backoff},
    {code::sdkappid_missing, "sdkappid_missing", "SDKAppID is required. Check the sdkappid parameter in the URL.", retry_class::never},
    {code::response_json_parse_error, "response_json_parse_error", "JSON parsing error in the HTTP response body.", retry_class::once},
    {code::account_switch_timeout, "account_switch_timeout", "Account switching timeout.", retry_class::with_backoff},
    {code::identifier_type_invalid, "identifier_type_invalid", "The identifier in the request must be a string.", retry_class::never},
    {code::sdkappid_disabled, "sdkappid_disabled", "The SDKAppID is disabled.", retry_class::never},
    {code::request_disabled, "request_disabled", "The request is disabled.", retry_class::never},
    {code::too_many_requests, "too_many_requests", "Too many requests. Please try again later.", retry_class::with_backoff},
    {code::too_many_requests_2, "too_many_requests_2", "Too many requests. Please try again later.", retry_class::with_backoff},
    {code::package_not_active, "package_not_active", "The package is not purchased, expired, or not yet in effect.", retry_class::never},
    {code::caller_ip_not_allowed, "caller_ip_not_allowed", "The caller's IP address is not allowed.", retry_class::never},
    {code::usersig_expired, "usersig_expired", "UserSig expired. Generate a new one.", retry_class::after_new_usersig},
    {code::usersig_empty, "usersig_empty", "The UserSig is empty.", retry_class::never},
    {code::usersig_verification_failed, "usersig_verification_failed", "UserSig verification failed.", retry_class::never},
    {code::usersig_verification_failed_2, "usersig_verification_failed_2", "UserSig verification failed.", retry_class::never},
    {code::usersig_public_key_mismatch, "usersig_public_key_mismatch", "Failed to verify the UserSig with the public key.", retry_class::never},
    {code::usersig_identifier_mismatch, "usersig_identifier_mismatch", "The identifier does not match the one the UserSig was generated for.", retry_class::never},
    {code::usersig_sdkappid_mismatch, "usersig_sdkappid_mismatch", "The SDKAppID does not match the one the UserSig was generated for.", retry_class::never},
    {code::usersig_public_key_missing, "usersig_public_key_missing", "The public key does not exist during UserSig verification.", retry_class::never},
    {code::sdkappid_not_found, "sdkappid_not_found", "SDKAppID not found.", retry_class::never},
    {code::account_locked, "account_locked", "The account is locked after too many failed logins.", retry_class::never},
    {code::account_blocklisted, "account_blocklisted", "The account is blocklisted.", retry_class::never},
    {code::usersig_invalidated, "usersig_invalidated", "UserSig has expired. Generate a new one and try again.", retry_class::after_new_usersig},
    {code::account_does_not_exist, "account_does_not_exist", "The requested user account does not exist.", retry_class::never},
    {code::security_restricted, "security_restricted", "Restricted for security reasons.", retry_class::never},
    {code::server_timeout, "server_timeout", "Server timeout. Try again later.", retry_class::with_backoff},
    {code::invalid_batch_number, "invalid_batch_number", "Invalid batch number in request.", retry_class::never},
    {code::trial_account_limit, "trial_account_limit", "The account count exceeds the Free Trial Edition limit.", retry_class::never},
    {code::invalid_parameter, "invalid_parameter", "Invalid parameter. Check the required fields.", retry_class::never},
    {code::admin_permission_required, "admin_permission_required", "The request requires app admin permissions.", retry_class::never},
    {code::server_internal_error, "server_internal_error", "Internal server error. Please try again.", retry_class::with_backoff},
    {code::user_status_not_supported, "user_status_not_supported", "The user status feature is not enabled.", retry_class::never},
    {code::text_filtered, "text_filtered", "The text is filtered out due to security policies.", retry_class::never},
    {code::message_too_long, "message_too_long", "The message packet exceeds the length limit.", retry_class::never},
    {code::transport_failed, "transport_failed", "The transport could not complete the HTTP exchange.", retry_class::with_backoff},
    {code::http_status, "http_status", "The server answered with an HTTP status other than 200.", retry_class::with_backoff},
    {code::timeout, "timeout", "The attempt timed out.", retry_class::with_backoff},
    {code::deadline_exceeded, "deadline_exceeded", "The call's overall deadline passed.", retry_class::never},
    {code::local_limit_exceeded, "local_limit_exceeded", "A local safety limit (TCCHAT_MAX_*) was exceeded.", retry_class::never},
    {code::cursor_not_advancing, "cursor_not_advancing", "The server repeated a paging cursor.", retry_class::never},
    {code::usersig_unavailable, "usersig_unavailable", "The UserSig provider returned no signature.", retry_class::never},
    {code::response_mismatch, "response_mismatch", "The response does not match the request.", retry_class::never},
    {code::limiter_unavailable, "limiter_unavailable", "The shared rate limiter is unavailable and fails closed.", retry_class::never},
    {code::hook_failed, "hook_failed", "A hook of the caller's threw; the call ends with its text.", retry_class::never},
    {code::invalid_options, "invalid_options", "The client's options cannot make a call, such as a base URL that is not http or https.", retry_class::never},
    {code::cancelled, "cancelled", "The caller cancelled the call; a write already sent may still take effect.", retry_class::never},
};
} // namespace detail

/// The table row for a numeric code, or nullptr when the code is not documented.
inline const code_info* find_code(int value) noexcept {
    for (const auto& row : detail::code_table)
        if (static_cast<int>(row.value) == value) return &row;
    return nullptr;
}

/// The enumerator's name: "never", "with_backoff", "after_new_usersig" or "once".
inline std::string_view to_string(retry_class r) noexcept {
    switch (r) {
    case retry_class::never: return "never";
    case retry_class::with_backoff: return "with_backoff";
    case retry_class::after_new_usersig: return "after_new_usersig";
    case retry_class::once: return "once";
    }
    return "never";
}

/// Unknown codes (the server may add some) are not retried.
inline retry_class retry_class_of(int value) noexcept {
    const code_info* row = find_code(value);
    return row ? row->retry : retry_class::never;
}

/// The std::error_category of tcchat codes; error_category() returns its one instance.
class error_category_impl final : public std::error_category {
public:
    /// The category's name in std::error_code output: "tcchat".
    const char* name() const noexcept override { return "tcchat"; }
    /// The code's documented meaning from the code table, or "unknown tcchat code N".
    std::string message(int value) const override {
        const code_info* row = find_code(value);
        return row ? std::string(row->meaning) : "unknown tcchat code " + std::to_string(value);
    }
};

inline const std::error_category& error_category() noexcept {
    static const error_category_impl instance;
    return instance;
}

inline std::error_code make_error_code(code c) noexcept { return {static_cast<int>(c), error_category()}; }

/// Where a failure was detected, so a caller can tell "the server said 50002" from "we refused to send".
enum class error_origin : std::uint8_t { decode, validation, server, transport, local };

/// The error carried by every tcchat result. `pointer` is an RFC 6901 JSON Pointer into the body
/// ("" for the whole document); `message` never contains a UserSig or secret key.
struct error {
    std::error_code code;
    std::string pointer;
    std::string message;
    error_origin origin = error_origin::local;
    int http_status = 0; ///< set for code::http_status

    /// The numeric code, e.g. 50002 from the server or 90004 from the client, whatever the origin.
    int value() const noexcept { return code.value(); }
    /// How to react to this code (retry_class_of): a code tcchat does not know is never retried.
    retry_class retry() const noexcept { return retry_class_of(code.value()); }
};

/// The enumerator's name: "decode", "validation", "server", "transport" or "local".
inline std::string_view to_string(error_origin origin) noexcept {
    switch (origin) {
    case error_origin::decode: return "decode";
    case error_origin::validation: return "validation";
    case error_origin::server: return "server";
    case error_origin::transport: return "transport";
    case error_origin::local: return "local";
    }
    return "local";
}

/// One line for a log: code, name, origin, pointer and message, as in
/// `50002 invalid_parameters (validation) at /MarkItem/0/CustomMark: CustomMark is 300 bytes; the limit is 256 bytes`
/// (` at <pointer>` only when there is one, ` HTTP <status>` when the status was not 200). A code tcchat does not know
/// is named "unknown". The message holds no UserSig: the client scrubs it, raw or escaped, from whatever a
/// server or transport said before the error reaches the caller.
inline std::string to_string(const error& e) {
    const code_info* row = find_code(e.code.value());
    std::string text = std::to_string(e.code.value());
    text.push_back(' ');
    text.append(row ? row->name : std::string_view("unknown"));
    text.append(" (").append(to_string(e.origin)).append(")");
    if (e.http_status != 0 && e.http_status != 200) text.append(" HTTP ").append(std::to_string(e.http_status));
    if (!e.pointer.empty()) text.append(" at ").append(e.pointer);
    text.append(": ").append(e.message);
    return text;
}

/// Writes to_string(e).
inline std::ostream& operator<<(std::ostream& out, const error& e) { return out << to_string(e); }

inline error make_error(code c, error_origin origin, std::string pointer, std::string message) {
    return error{make_error_code(c), std::move(pointer), std::move(message), origin, 0};
}

/// Thrown only by the throwing conveniences (result::value() on an error, decode_or_throw).
class exception : public std::runtime_error {
public:
    /// Wraps `e`; what() reads `<code> at <pointer>: <message>`, without ` at <pointer>` when it is empty.
    explicit exception(tcchat::error e)
        : std::runtime_error(describe(e)), error_(std::move(e)) {}
    /// The error that was thrown, with its code, pointer and origin.
    const tcchat::error& get() const noexcept { return error_; }

private:
    static std::string describe(const tcchat::error& e) {
        std::string text = std::to_string(e.code.value());
        if (!e.pointer.empty()) text += " at " + e.pointer;
        return text + ": " + e.message;
    }
    tcchat::error error_;
};

// Customisation point that boost::system::result<T, error>::value() finds by ADL. With -fno-exceptions the
// program's boost::throw_exception decides what happens.
[[noreturn]] inline void throw_exception_from_error(const error& e, const boost::source_location& loc) {
    boost::throw_exception(exception(e), loc);
}

template <class T>
using result = boost::system::result<T, error>;

TCCHAT_NAMESPACE_END

namespace std {
template <>
struct is_error_code_enum<tcchat::code> : true_type {};
} // namespace std
