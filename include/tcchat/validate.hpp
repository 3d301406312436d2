#pragma once
// The validator: the documented constraints of every request, checked client-side and reported with the
// server's own error codes, a stable rule id and the JSON Pointer of the field. It lists every violation,
// in document order, and allocates nothing when the request is valid.
//
//   tcchat::report r = tcchat::validate(request);          // defaults: the newest page of each endpoint
//   tcchat::report s = tcchat::validate(request, tcchat::validation_limits::strict_profile());
//   for (const auto& v : r.violations) log(v.code.value(), v.rule, v.pointer, v.message);

#include <tcchat/version.hpp>
#include <tcchat/detail/codec/json_pointer.hpp>
#include <tcchat/detail/codec/utf8.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/error.hpp>

#include <boost/config.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

/// Limits the validator applies. Defaults follow the newest page of each endpoint and are never stricter
/// than it (docs/design-decisions.md §4); strict_profile() adds the rules docs/protocol.md marks as inferred.
struct validation_limits {
    std::size_t create_group_name_max_bytes = 32;  ///< §3.1, §6.1
    std::size_t update_group_name_max_bytes = 64;  ///< §3.3 (2026 page); 32 in the strict profile
    std::size_t create_contact_items_max = 0;      ///< 0: no documented limit; 100 in the strict profile (§3.1)
    std::size_t search_items_max = api::search_contact_group::batch_limit; ///< 300, §3.4
    std::size_t mark_items_max = api::mark_contact::batch_limit;           ///< 100, §3.6
    std::size_t custom_mark_max_bytes = 256;       ///< §3.6
    bool forbid_set_and_clear_same_bit = false;    ///< strict: a bit both set and cleared is ambiguous (§3.6)

    /// Defaults plus inferred rules: 100 conversations per create, 32-byte new names, no bit both set and cleared.
    static validation_limits strict_profile() {
        validation_limits strict;
        strict.create_contact_items_max = 100;
        strict.update_group_name_max_bytes = 32;
        strict.forbid_set_and_clear_same_bit = true;
        return strict;
    }
};

/// The most items of a batch that `limits` lets one request carry (0: no limit). The client splits an oversized
/// batch into chunks of this size, so that it never sends a chunk its own validator refuses.
inline std::size_t batch_items_max(const validation_limits& limits, const mark_contact_request&) noexcept {
    return limits.mark_items_max;
}
inline std::size_t batch_items_max(const validation_limits& limits, const search_contact_group_request&) noexcept {
    return limits.search_items_max;
}

/// One broken rule of a request: the server's code for it, the rule id, the field and what was found.
struct violation {
    std::error_code code; ///< the code the server answers with for the same mistake
    std::string rule;     ///< stable id: "<command>.<field>.<rule>"
    std::string pointer;  ///< JSON Pointer of the field
    std::string message;  ///< names the limit and the value found
};

/// What validate() found: every violation in document order; none means the request may be sent.
struct report {
    std::vector<violation> violations;

    /// True when the request broke no rule (`violations` is empty).
    bool ok() const noexcept { return violations.empty(); }
    /// The same as ok(), so that `if (validate(request))` reads "if valid".
    explicit operator bool() const noexcept { return ok(); }

    /// The first violation as an error (origin: validation); the message counts the others.
    error first_error() const {
        if (violations.empty()) return {};
        const violation& first = violations.front();
        std::string message = first.message;
        if (violations.size() > 1)
            message += " (and " + std::to_string(violations.size() - 1) + " more violation" +
                       (violations.size() > 2 ? "s)" : ")");
        return error{first.code, first.pointer, std::move(message), error_origin::validation, 0};
    }
};

namespace detail {

/// Collects violations for one request; rule ids are prefixed with the command. The checks are inline and
/// what reports a violation is not: a valid request, the common case, then costs a compare per rule instead
/// of a call carrying the rule's id, field name and wording.
class rule_checker {
public:
    rule_checker(std::string_view command, const validation_limits& limits, report& out) noexcept
        : command_(command), limits_(limits), out_(out) {}

    const validation_limits& limit() const noexcept { return limits_; }

    BOOST_NOINLINE void add(code c, std::string_view rule, const path& at, std::string message) {
        std::string id(command_);
        id.push_back('.');
        id.append(rule);
        out_.violations.push_back(violation{make_error_code(c), std::move(id), at.to_pointer(), std::move(message)});
    }

    /// Every string field: well-formed UTF-8 without NUL bytes (docs/protocol.md §7).
    BOOST_FORCEINLINE void text(const path& at, std::string_view value) {
        if (plain_prefix(value) != value.size()) reject_text(at, value);
    }

    BOOST_FORCEINLINE void required_text(const path& at, std::string_view value, std::string_view rule, std::string_view name) {
        if (value.empty()) reject_empty(at, rule, name);
        text(at, value);
    }

    BOOST_FORCEINLINE void max_bytes(const path& at, std::string_view value, std::size_t limit, code c, std::string_view rule,
                                     std::string_view name) {
        if (value.size() > limit) reject_size(at, value.size(), limit, c, rule, name);
    }

    /// Counts outside [min, max] (max 0 means unbounded).
    BOOST_FORCEINLINE void count(const path& at, std::size_t size, std::size_t min, std::size_t max, code c, std::string_view rule,
                                 std::string_view name) {
        if (size < min || (max != 0 && size > max)) reject_count(at, size, min, max, c, rule, name);
    }

    BOOST_FORCEINLINE void non_negative(const path& at, std::int64_t value, std::string_view rule, std::string_view name) {
        if (value < 0) reject_value(at, value, rule, name, "it must be >= 0", "");
    }

    template <class Enum>
    BOOST_FORCEINLINE void one_of(const path& at, Enum value, std::initializer_list<Enum> allowed, std::string_view rule,
                                  std::string_view name, std::string_view expected) {
        for (Enum candidate : allowed)
            if (candidate == value) return;
        reject_value(at, static_cast<long long>(value), rule, name, "expected ", expected);
    }

    void from_account(const path& root, const std::string& value) {
        required_text(root.key("From_Account"), value, "from_account.non_empty", "From_Account");
    }

    /// A conversation reference (docs/protocol.md §2.2): Type 1 carries To_Account only, Type 2 ToGroupId only.
    void contact(const path& at, const contact_item& item) {
        const path type = at.key("Type"), account = at.key("To_Account"), group = at.key("ToGroupId");
        one_of(type, item.Type, {conversation_type::c2c, conversation_type::group}, "contact_item.type", "Type",
               "1 (one-to-one) or 2 (group)");
        const bool c2c = item.Type == conversation_type::c2c, chat_group = item.Type == conversation_type::group;
        if (c2c && (!item.To_Account || item.To_Account->empty()))
            add(code::invalid_parameters, "contact_item.to_account_required", account,
                "Type 1 needs a non-empty To_Account");
        if (chat_group && item.To_Account)
            add(code::invalid_parameters, "contact_item.to_account_forbidden", account, "Type 2 must not carry To_Account");
        if (item.To_Account) text(account, *item.To_Account);
        if (chat_group && (!item.ToGroupId || item.ToGroupId->empty()))
            add(code::invalid_parameters, "contact_item.to_group_id_required", group,
                "Type 2 needs a non-empty ToGroupId");
        if (c2c && item.ToGroupId)
            add(code::invalid_parameters, "contact_item.to_group_id_forbidden", group, "Type 1 must not carry ToGroupId");
        if (item.ToGroupId) text(group, *item.ToGroupId);
    }

    void contacts(const path& at, const std::vector<contact_item>& items) {
        for (std::size_t i = 0; i < items.size(); ++i) contact(at.index(i), items[i]);
    }

    /// SetMark / ClearMark bit numbers (docs/protocol.md §3.6, §4.1).
    void mark_bits(const path& at, const std::optional<std::vector<std::int64_t>>& bits, std::string_view rule,
                   std::string_view name) {
        if (!bits) return;
        for (std::size_t i = 0; i < bits->size(); ++i)
            if ((*bits)[i] < 0 || (*bits)[i] > 63)
                add(code::invalid_parameters, rule, at.index(i),
                    std::string(name) + " bit " + std::to_string((*bits)[i]) + " is outside 0..63");
    }

private:
    BOOST_NOINLINE void reject_empty(const path& at, std::string_view rule, std::string_view name) {
        add(code::invalid_parameters, rule, at, std::string(name) + " must not be empty");
    }

    BOOST_NOINLINE void reject_text(const path& at, std::string_view value) {
        const text_scan found = scan_text(value); // one pass for both rules
        if (found.first_nul != std::string_view::npos)
            add(code::invalid_parameters, "string.nul", at, "holds a NUL byte at byte " + std::to_string(found.first_nul));
        if (found.first_invalid != std::string_view::npos)
            add(code::invalid_parameters, "string.utf8", at, "is not valid UTF-8 at byte " + std::to_string(found.first_invalid));
    }

    BOOST_NOINLINE void reject_size(const path& at, std::size_t size, std::size_t limit, code c, std::string_view rule,
                                    std::string_view name) {
        add(c, rule, at,
            std::string(name) + " is " + std::to_string(size) + " bytes; the limit is " + std::to_string(limit) + " bytes");
    }

    BOOST_NOINLINE void reject_count(const path& at, std::size_t size, std::size_t min, std::size_t max, code c,
                                     std::string_view rule, std::string_view name) {
        std::string bound = max == 0 ? "at least " + std::to_string(min)
                            : min == max ? "exactly " + std::to_string(min)
                                         : std::to_string(min) + " to " + std::to_string(max);
        add(c, rule, at, std::string(name) + " holds " + std::to_string(size) + " items; allowed " + bound);
    }

    /// "<name> is <value>; <lead><detail>"
    BOOST_NOINLINE void reject_value(const path& at, long long value, std::string_view rule, std::string_view name,
                                     std::string_view lead, std::string_view detail) {
        std::string message = std::string(name) + " is " + std::to_string(value) + "; ";
        message.append(lead).append(detail);
        add(code::invalid_parameters, rule, at, std::move(message));
    }

    std::string_view command_;
    const validation_limits& limits_;
    report& out_;
};

template <class Request>
report run_rules(const Request& request, const validation_limits& limits) {
    report out;
    rule_checker check(listed_endpoint_of_t<Request>::command, limits, out);
    check_request(check, path{}, request);
    return out;
}

// One function per request, members in declaration (= document) order. Each cites its section of docs/protocol.md.

// §3.1 create_contact_group
inline void check_request(rule_checker& check, const path& root, const create_contact_group_request& r) {
    check.from_account(root, r.From_Account);
    const path groups = root.key("GroupContactItem");
    check.count(groups, r.GroupContactItem.size(), 1, 1, code::invalid_parameters, "group_contact_item.count",
                "GroupContactItem"); // §6.16: one group per call
    for (std::size_t i = 0; i < r.GroupContactItem.size(); ++i) {
        const group_contact_item& group = r.GroupContactItem[i];
        const path at = groups.index(i), name = at.key("GroupName"), items = at.key("ContactItem");
        check.required_text(name, group.GroupName, "group_name.non_empty", "GroupName");
        check.max_bytes(name, group.GroupName, check.limit().create_group_name_max_bytes, code::group_name_too_long,
                        "group_name.max_bytes", "GroupName");
        check.count(items, group.ContactItem.size(), 1, check.limit().create_contact_items_max,
                    code::item_count_out_of_range, "contact_item.count", "ContactItem");
        check.contacts(items, group.ContactItem);
    }
}

// §3.2 del_contact_group
inline void check_request(rule_checker& check, const path& root, const del_contact_group_request& r) {
    check.from_account(root, r.From_Account);
    const path names = root.key("GroupName");
    check.count(names, r.GroupName.size(), 1, 1, code::invalid_parameters, "group_name.count", "GroupName");
    for (std::size_t i = 0; i < r.GroupName.size(); ++i)
        check.required_text(names.index(i), r.GroupName[i], "group_name.non_empty", "GroupName");
}

// §3.3 update_contact_group
inline void check_request(rule_checker& check, const path& root, const update_contact_group_request& r) {
    check.from_account(root, r.From_Account);
    check.one_of(root.key("UpdateType"), r.UpdateType, {update_type::group}, "update_type.value", "UpdateType", "1");
    const path group = root.key("UpdateGroup");
    if (!r.UpdateGroup) { // §6.14: "Required: No", yet the only UpdateType needs it
        check.add(code::invalid_parameters, "update_group.required", group, "UpdateGroup is required for UpdateType 1");
        return;
    }
    const update_group& update = *r.UpdateGroup;
    check.one_of(group.key("UpdateGroupType"), update.UpdateGroupType,
                 {update_group_type::rename, update_group_type::update_conversations}, "update_group_type.value",
                 "UpdateGroupType", "1 (rename) or 2 (conversations)");
    check.required_text(group.key("OldGroupName"), update.OldGroupName, "old_group_name.non_empty", "OldGroupName");
    const path new_name = group.key("NewGroupName");
    if (update.UpdateGroupType == update_group_type::rename && (!update.NewGroupName || update.NewGroupName->empty()))
        check.add(code::invalid_parameters, "new_group_name.non_empty", new_name, "UpdateGroupType 1 needs a non-empty NewGroupName");
    if (update.NewGroupName) {
        check.max_bytes(new_name, *update.NewGroupName, check.limit().update_group_name_max_bytes,
                        code::group_name_too_long, "new_group_name.max_bytes", "NewGroupName");
        check.text(new_name, *update.NewGroupName);
    }
    const path items = group.key("ContactUpdateItem");
    if (update.UpdateGroupType == update_group_type::update_conversations &&
        (!update.ContactUpdateItem || update.ContactUpdateItem->empty()))
        check.add(code::invalid_parameters, "contact_update_item.non_empty", items,
                  "UpdateGroupType 2 needs a non-empty ContactUpdateItem");
    if (!update.ContactUpdateItem) return;
    for (std::size_t i = 0; i < update.ContactUpdateItem->size(); ++i) {
        const contact_update_item& item = (*update.ContactUpdateItem)[i];
        const path at = items.index(i);
        check.one_of(at.key("ContactOptType"), item.ContactOptType, {contact_operation::add, contact_operation::remove},
                     "contact_opt_type.value", "ContactOptType", "1 (add) or 2 (remove)");
        check.contact(at.key("ContactItem"), item.ContactItem);
    }
}

// §3.4 search_contact_group
inline void check_request(rule_checker& check, const path& root, const search_contact_group_request& r) {
    check.from_account(root, r.From_Account);
    const path items = root.key("ContactItem");
    check.count(items, r.ContactItem.size(), 1, check.limit().search_items_max, code::invalid_parameters,
                "contact_item.count", "ContactItem");
    check.contacts(items, r.ContactItem);
}

// §3.5 get_contact_group
inline void check_request(rule_checker& check, const path& root, const get_contact_group_request& r) {
    check.from_account(root, r.From_Account);
    check.non_negative(root.key("StartIndex"), r.StartIndex, "start_index.non_negative", "StartIndex");
}

// §3.6 mark_contact
inline void check_request(rule_checker& check, const path& root, const mark_contact_request& r) {
    check.from_account(root, r.From_Account);
    const path items = root.key("MarkItem");
    check.count(items, r.MarkItem.size(), 1, check.limit().mark_items_max, code::item_count_out_of_range,
                "mark_item.count", "MarkItem");
    for (std::size_t i = 0; i < r.MarkItem.size(); ++i) {
        const mark_item& item = r.MarkItem[i];
        const path at = items.index(i);
        check.one_of(at.key("OptType"), item.OptType, {mark_operation::standard, mark_operation::custom, mark_operation::both},
                     "opt_type.value", "OptType", "1 (standard), 2 (custom) or 3 (both)");
        check.contact(at.key("ContactItem"), item.ContactItem);
        const bool wants_standard = item.OptType == mark_operation::standard || item.OptType == mark_operation::both;
        const bool wants_custom = item.OptType == mark_operation::custom || item.OptType == mark_operation::both;
        if (wants_standard && !item.SetMark && !item.ClearMark)
            check.add(code::invalid_parameters, "set_mark.required", at.key("SetMark"),
                      "OptType " + std::to_string(static_cast<int>(item.OptType)) + " needs SetMark or ClearMark");
        check.mark_bits(at.key("SetMark"), item.SetMark, "set_mark.bit_range", "SetMark");
        check.mark_bits(at.key("ClearMark"), item.ClearMark, "clear_mark.bit_range", "ClearMark");
        if (check.limit().forbid_set_and_clear_same_bit && item.SetMark && item.ClearMark) {
            for (std::size_t k = 0; k < item.ClearMark->size(); ++k)
                for (std::int64_t set_bit : *item.SetMark)
                    if (set_bit == (*item.ClearMark)[k]) {
                        check.add(code::invalid_parameters, "clear_mark.conflicts_with_set_mark", at.key("ClearMark").index(k),
                                  "bit " + std::to_string(set_bit) + " is both set and cleared");
                        break;
                    }
        }
        const path custom = at.key("CustomMark");
        if (wants_custom && !item.CustomMark)
            check.add(code::invalid_parameters, "custom_mark.required", custom,
                      "OptType " + std::to_string(static_cast<int>(item.OptType)) + " needs CustomMark");
        if (item.CustomMark) {
            check.max_bytes(custom, *item.CustomMark, check.limit().custom_mark_max_bytes, code::invalid_parameters,
                            "custom_mark.max_bytes", "CustomMark");
            check.text(custom, *item.CustomMark);
        }
    }
}

// §3.7 get_list
inline void check_request(rule_checker& check, const path& root, const get_list_request& r) {
    check.from_account(root, r.From_Account);
    check.non_negative(root.key("TimeStamp"), r.TimeStamp, "time_stamp.non_negative", "TimeStamp");
    check.non_negative(root.key("StartIndex"), r.StartIndex, "start_index.non_negative", "StartIndex");
    check.non_negative(root.key("TopTimeStamp"), r.TopTimeStamp, "top_time_stamp.non_negative", "TopTimeStamp");
    check.non_negative(root.key("TopStartIndex"), r.TopStartIndex, "top_start_index.non_negative", "TopStartIndex");
    if (!r.AssistFlags)
        check.add(code::invalid_parameters, "assist_flags.required", root.key("AssistFlags"),
                  "AssistFlags is required (the newest page says 63)");
}

// §3.8 delete
inline void check_request(rule_checker& check, const path& root, const delete_request& r) {
    check.from_account(root, r.From_Account);
    check.one_of(root.key("Type"), r.Type, {conversation_type::c2c, conversation_type::group}, "type.value", "Type",
                 "1 (one-to-one) or 2 (group)");
    const path account = root.key("To_Account"), group = root.key("ToGroupid");
    if (r.Type == conversation_type::c2c && (!r.To_Account || r.To_Account->empty()))
        check.add(code::invalid_parameters, "to_account.required", account, "Type 1 needs a non-empty To_Account");
    if (r.To_Account) check.text(account, *r.To_Account);
    if (r.Type == conversation_type::group && (!r.ToGroupid || r.ToGroupid->empty()))
        check.add(code::invalid_parameters, "to_groupid.required", group, "Type 2 needs a non-empty ToGroupid");
    if (r.ToGroupid) check.text(group, *r.ToGroupid);
    if (r.ClearRamble && *r.ClearRamble != 0 && *r.ClearRamble != 1)
        check.add(code::invalid_parameters, "clear_ramble.value", root.key("ClearRamble"),
                  "ClearRamble is " + std::to_string(*r.ClearRamble) + "; expected 0 or 1");
}

} // namespace detail

/// Every violation of `request` against `limits`, in document order. Empty when the request is valid.
template <class Request>
report validate(const Request& request, const validation_limits& limits = {}) {
    return detail::run_rules(request, limits);
}

TCCHAT_NAMESPACE_END
