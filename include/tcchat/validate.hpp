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
#include <tcchat/detail/codec/reflect.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/error.hpp>
#include <tcchat/rules.hpp>
#include <tcchat/validation_limits.hpp>

#include <boost/config.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

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
    rule_checker(std::string_view command, report& out) noexcept : command_(command), out_(out) {}

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

    BOOST_FORCEINLINE void non_empty(const path& at, std::string_view value, std::string_view rule, std::string_view name) {
        if (value.empty()) reject_empty(at, rule, name);
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

    BOOST_FORCEINLINE void one_of(const path& at, std::int64_t value, const rules::value_set& allowed, std::string_view rule,
                                  std::string_view name, std::string_view expected) {
        if (!allowed.contains(value)) reject_value(at, value, rule, name, "expected ", expected);
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
    report& out_;
};

/// A member's value when it is present: the value itself, or what an engaged optional holds (null when empty).
template <class Field>
const Field* present(const Field& field) noexcept {
    return &field;
}
template <class Field>
const Field* present(const std::optional<Field>& field) noexcept {
    return field ? &*field : nullptr;
}

/// Applies an endpoint's rule list (tcchat/rules.hpp) to a request: members in declaration order, each member's
/// rules in list order, then its strings' text and its nested objects. The list is a constexpr tuple, so which
/// rules check a member is settled at compile time; a member without rules costs nothing but its text scan.
template <class Rules>
class rule_walker {
public:
    rule_walker(rule_checker& check, const Rules& rules, const validation_limits& limits) noexcept
        : check_(check), rules_(rules), limits_(limits) {}

    template <class Object>
    void object(const path& at, const Object& value) {
        boost::mp11::mp_for_each<wire_members<Object>>([&](auto member) {
            using descriptor = decltype(member);
            const path here = at.key(member.name);
            const auto& field = value.*member.pointer;
            std::apply([&](const auto&... rule) { (apply_if_checks<descriptor>(here, value, field, rule), ...); }, rules_);
            contents(here, field);
        });
    }

private:
    /// Every string's text; every nested object's members.
    template <class Value>
    void contents(const path& at, const Value& value) {
        if constexpr (std::is_same_v<Value, std::string>) {
            check_.text(at, value);
        } else if constexpr (is_optional<Value>::value) {
            if (value) contents(at, *value);
        } else if constexpr (is_vector<Value>::value) {
            for (std::size_t i = 0; i < value.size(); ++i) contents(at.index(i), value[i]);
        } else if constexpr (is_described<Value>::value) {
            object(at, value);
        }
    }

    template <class Descriptor, class Owner, class Field, class Rule>
    void apply_if_checks(const path& at, const Owner& owner, const Field& field, const Rule& rule) {
        if constexpr (rules::targets_member<Rule, Descriptor>()) apply(at, owner, field, rule, Descriptor::name);
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::non_empty<Member>& rule, std::string_view name) {
        if constexpr (is_vector<Field>::value) {
            for (std::size_t i = 0; i < field.size(); ++i) check_.non_empty(at.index(i), field[i], rule.id, name);
        } else {
            check_.non_empty(at, field, rule.id, name);
        }
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::max_bytes<Member>& rule, std::string_view name) {
        if (const auto* text = present(field)) check_.max_bytes(at, *text, rule.bytes(limits_), rule.error, rule.id, name);
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::count<Member>& rule, std::string_view name) {
        if (const auto* items = present(field))
            check_.count(at, items->size(), rule.min, rule.max(limits_), rule.error, rule.id, name);
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::one_of<Member>& rule, std::string_view name) {
        if (const auto* value = present(field))
            check_.one_of(at, static_cast<std::int64_t>(*value), rule.allowed, rule.id, name, rule.expected);
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::non_negative<Member>& rule, std::string_view name) {
        check_.non_negative(at, static_cast<std::int64_t>(field), rule.id, name);
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::bit_numbers<Member>& rule, std::string_view name) {
        const auto* bits = present(field);
        if (!bits) return;
        for (std::size_t i = 0; i < bits->size(); ++i) {
            const std::int64_t bit = (*bits)[i];
            if (bit < rule.lowest || bit > rule.highest)
                check_.add(rule.error, rule.id, at.index(i), std::string(name) + " bit " + std::to_string(bit) + " is outside " +
                                                              std::to_string(rule.lowest) + ".." + std::to_string(rule.highest));
        }
    }

    template <class Owner, class Field, auto Member>
    void apply(const path& at, const Owner&, const Field& field, const rules::required<Member>& rule, std::string_view name) {
        if (!field) check_.add(rule.error, rule.id, at, std::string(name) + " is required" + std::string(rule.note));
    }

    template <class Owner, class Field, auto Member, auto When>
    void apply(const path& at, const Owner& owner, const Field& field, const rules::non_empty_when<Member, When>& rule,
               std::string_view name) {
        const auto when = static_cast<std::int64_t>(owner.*When);
        if (rule.values.contains(when) && (!field || field->empty()))
            check_.add(rule.error, rule.id, at, condition_words<When>(when) + " needs a non-empty " + std::string(name));
    }

    template <class Owner, class Field, auto Member, auto When, auto Alternative>
    void apply(const path& at, const Owner& owner, const Field& field, const rules::present_when<Member, When, Alternative>& rule,
               std::string_view name) {
        using rule_type = rules::present_when<Member, When, Alternative>;
        const auto when = static_cast<std::int64_t>(owner.*When);
        if (!rule.values.contains(when) || field) return;
        if constexpr (rules::has_alternative<rule_type>()) {
            if (!(owner.*Alternative))
                check_.add(rule.error, rule.id, at, condition_words<When>(when) + " needs " + std::string(name) + " or " +
                                                        std::string(rules::member_name<Alternative>()));
        } else {
            check_.add(rule.error, rule.id, at, condition_words<When>(when) + " needs " + std::string(name));
        }
    }

    template <class Owner, class Field, auto Member, auto When>
    void apply(const path& at, const Owner& owner, const Field& field, const rules::absent_when<Member, When>& rule,
               std::string_view name) {
        const auto when = static_cast<std::int64_t>(owner.*When);
        if (rule.values.contains(when) && field)
            check_.add(rule.error, rule.id, at, condition_words<When>(when) + " must not carry " + std::string(name));
    }

    template <class Owner, class Field, auto Member, auto Other>
    void apply(const path& at, const Owner& owner, const Field& field, const rules::disjoint_from<Member, Other>& rule,
               std::string_view name) {
        const auto& other = owner.*Other;
        if (!(limits_.*rule.enabled) || !field || !other) return;
        for (std::size_t k = 0; k < field->size(); ++k)
            for (const auto& value : *other)
                if (value == (*field)[k]) {
                    check_.add(rule.error, rule.id, at.index(k),
                               std::to_string(value) + " is in both " + std::string(rules::member_name<Other>()) + " and " +
                                   std::string(name));
                    break;
                }
    }

    /// "<When's key> <its value>", as in "OptType 3 needs CustomMark".
    template <auto When>
    static std::string condition_words(std::int64_t value) {
        return std::string(rules::member_name<When>()) + " " + std::to_string(value);
    }

    rule_checker& check_;
    const Rules& rules_;
    const validation_limits& limits_;
};

template <class Request>
report run_rules(const Request& request, const validation_limits& limits) {
    using endpoint = listed_endpoint_of_t<Request>;
    report out;
    rule_checker check(endpoint::command, out);
    rule_walker<std::remove_cv_t<decltype(endpoint::request_rules)>>(check, endpoint::request_rules, limits).object(path{}, request);
    return out;
}

} // namespace detail

/// Every violation of `request` against `limits`, in document order. Empty when the request is valid.
template <class Request>
[[nodiscard]] report validate(const Request& request, const validation_limits& limits = {}) {
    return detail::run_rules(request, limits);
}

/// The id of every rule validate() can report for `Endpoint`'s requests, "<command>.<field>.<rule>": its list
/// (`Endpoint::request_rules`) in order, then the text rules every string has. The contract tests compare it with
/// the rules `tcchat schema` tags (`tcchat endpoints` prints it).
template <class Endpoint>
std::vector<std::string> rule_ids() {
    std::vector<std::string> ids;
    auto add = [&](std::string_view rule) { ids.push_back(std::string(Endpoint::command) + "." + std::string(rule)); };
    std::apply([&](const auto&... rule) { (add(rule.id), ...); }, Endpoint::request_rules);
    add("string.nul");
    add("string.utf8");
    return ids;
}

TCCHAT_NAMESPACE_END
