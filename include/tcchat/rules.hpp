#pragma once
// The vocabulary of request rules. Each endpoint states its rules once, as a constexpr list on its tag
// (`request_rules` in api/<command>.hpp); validate() interprets the list against a request and `tcchat schema`
// interprets it as JSON Schema keywords, so no rule is written twice.
//
//   static constexpr auto request_rules = rules::list(
//       rules::non_empty<&request::From_Account>("from_account.non_empty"),
//       rules::count<&request::MarkItem>(1, &validation_limits::mark_items_max, code::item_count_out_of_range,
//                                        "mark_item.count"),
//       rules::present_when<&mark_item::CustomMark, &mark_item::OptType>({mark_operation::custom}, "custom_mark.required"));
//
// A rule names the member it checks by pointer, wherever that member sits in the request (a nested item's member
// applies to every item). Rules of one member apply in list order, members in declaration order, so violations
// come in document order. Every string of a request is also checked to be UTF-8 without NUL (rule ids
// string.utf8 and string.nul, docs/protocol.md §7); no list names those. The id is "<field>.<rule>": validate()
// reports it as "<command>.<field>.<rule>".

#include <tcchat/version.hpp>
#include <tcchat/error.hpp>
#include <tcchat/validation_limits.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

TCCHAT_NAMESPACE_BEGIN

namespace detail {
// Joining the parts of a rule list (rules::list) into one flat tuple.

/// The rule types of a part of a list (one rule, or a list's rules) as a type list, and whether it is a list.
template <class Part>
struct rule_part : std::false_type {
    using type = boost::mp11::mp_list<Part>;
};
template <class... Rules>
struct rule_part<std::tuple<Rules...>> : std::true_type {
    using type = boost::mp11::mp_list<Rules...>;
};
template <class Part>
inline constexpr std::size_t rule_part_size = boost::mp11::mp_size<typename rule_part<Part>::type>::value;

/// Where the `index`th rule of the joined list comes from: which part, and which rule of it.
struct rule_origin {
    std::size_t part = 0, rule = 0;
};
template <class... Parts>
constexpr rule_origin rule_origin_of(std::size_t index) noexcept {
    constexpr std::size_t sizes[] = {rule_part_size<Parts>...};
    rule_origin at;
    while (index >= sizes[at.part]) index -= sizes[at.part++];
    at.rule = index;
    return at;
}

template <std::size_t Rule, class Part>
constexpr const auto& rule_of_part(const Part& part) noexcept {
    if constexpr (rule_part<Part>::value) return std::get<Rule>(part);
    else return part;
}

template <std::size_t... Index, class... Parts>
constexpr auto join_rule_parts(std::index_sequence<Index...>, const Parts&... parts) {
    using joined = boost::mp11::mp_rename<boost::mp11::mp_append<typename rule_part<Parts>::type...>, std::tuple>;
    [[maybe_unused]] const std::tuple<const Parts&...> all(parts...);
    return joined(
        rule_of_part<rule_origin_of<Parts...>(Index).rule>(std::get<rule_origin_of<Parts...>(Index).part>(all))...);
}
} // namespace detail

namespace rules {

/// A few integer values: the allowed values of a field, or the values of another field that make a rule apply.
struct value_set {
    static constexpr std::size_t capacity = 8;
    std::int64_t values[capacity]{};
    std::size_t size = 0;

    /// From enumerators or integers: `{conversation_type::c2c, conversation_type::group}`, `{0, 1}`.
    template <class Value>
    constexpr value_set(std::initializer_list<Value> list) { // NOLINT: a braced list is the point
        for (Value value : list) values[size++] = static_cast<std::int64_t>(value);
    }
    /// Whether `value` is one of the set.
    constexpr bool contains(std::int64_t value) const noexcept {
        for (std::size_t i = 0; i < size; ++i)
            if (values[i] == value) return true;
        return false;
    }
};

/// What every rule carries: its id (without the command) and the code the server answers for it.
struct rule_identity {
    std::string_view id;
    code error = code::invalid_parameters;
};

/// The member a rule checks. `on_owner` rules relate a member to its siblings (or to its absence), so JSON Schema
/// states them on the object that holds the member; the others on the member's own schema (or its items').
template <auto Member, bool OnOwner>
struct targets {
    static constexpr auto member = Member;
    static constexpr bool on_owner = OnOwner;
};

/// A string (or each string of an array) is not empty.
template <auto Member>
struct non_empty : targets<Member, false>, rule_identity {
    /// The rule, with its id (and what the kind needs).
    constexpr explicit non_empty(std::string_view rule) : rule_identity{rule} {}
};

/// A string, when present, holds at most so many bytes of UTF-8: a fixed number, or one read from the limits.
template <auto Member>
struct max_bytes : targets<Member, false>, rule_identity {
    std::size_t fixed_limit = 0;
    std::size_t validation_limits::*limit = nullptr;
    /// The rule, with its id (and what the kind needs).
    constexpr max_bytes(std::size_t bytes, code c, std::string_view rule) : rule_identity{rule, c}, fixed_limit(bytes) {}
    /// The rule, with its id (and what the kind needs).
    constexpr max_bytes(std::size_t validation_limits::*bytes, code c, std::string_view rule)
        : rule_identity{rule, c}, limit(bytes) {}
    /// The limit under `limits`.
    constexpr std::size_t bytes(const validation_limits& limits) const noexcept { return limit ? limits.*limit : fixed_limit; }
};

/// An array, when present, holds `min` to `max` items; `max` is fixed or read from the limits (0: unbounded).
template <auto Member>
struct count : targets<Member, false>, rule_identity {
    std::size_t min;
    std::size_t fixed_max = 0;
    std::size_t validation_limits::*limit = nullptr;
    /// The rule, with its id (and what the kind needs).
    constexpr count(std::size_t at_least, std::size_t at_most, code c, std::string_view rule)
        : rule_identity{rule, c}, min(at_least), fixed_max(at_most) {}
    /// The rule, with its id (and what the kind needs).
    constexpr count(std::size_t at_least, std::size_t validation_limits::*at_most, code c, std::string_view rule)
        : rule_identity{rule, c}, min(at_least), limit(at_most) {}
    /// The maximum under `limits` (0: unbounded).
    constexpr std::size_t max(const validation_limits& limits) const noexcept { return limit ? limits.*limit : fixed_max; }
};

/// An enum or integer, when present, holds one of `allowed`; `expected` says them in words for the message.
template <auto Member>
struct one_of : targets<Member, false>, rule_identity {
    value_set allowed;
    std::string_view expected;
    /// The rule, with its id (and what the kind needs).
    constexpr one_of(value_set values, std::string_view in_words, std::string_view rule)
        : rule_identity{rule}, allowed(values), expected(in_words) {}
};

/// An integer is 0 or more.
template <auto Member>
struct non_negative : targets<Member, false>, rule_identity {
    /// The rule, with its id (and what the kind needs).
    constexpr explicit non_negative(std::string_view rule) : rule_identity{rule} {}
};

/// Each integer of an array, when present, is a StandardMark bit number, 0 to 63 (docs/protocol.md §4).
template <auto Member>
struct bit_numbers : targets<Member, false>, rule_identity {
    static constexpr std::int64_t lowest = 0, highest = 63;
    /// The rule, with its id (and what the kind needs).
    constexpr explicit bit_numbers(std::string_view rule) : rule_identity{rule} {}
};

/// An optional member is present; `note` follows "<Member> is required" in the message.
template <auto Member>
struct required : targets<Member, true>, rule_identity {
    std::string_view note;
    /// The rule, with its id (and what the kind needs).
    constexpr required(std::string_view why, std::string_view rule) : rule_identity{rule}, note(why) {}
};

/// When the sibling `When` holds one of `values`, the member is present and not empty.
template <auto Member, auto When>
struct non_empty_when : targets<Member, true>, rule_identity {
    static constexpr auto condition = When;
    value_set values;
    /// The rule, with its id (and what the kind needs).
    constexpr non_empty_when(value_set when_values, std::string_view rule) : rule_identity{rule}, values(when_values) {}
};

/// When the sibling `When` holds one of `values`, the member is present, or else its `Alternative` is.
template <auto Member, auto When, auto Alternative = nullptr>
struct present_when : targets<Member, true>, rule_identity {
    static constexpr auto condition = When;
    static constexpr auto alternative = Alternative;
    value_set values;
    /// The rule, with its id (and what the kind needs).
    constexpr present_when(value_set when_values, std::string_view rule) : rule_identity{rule}, values(when_values) {}
};

/// When the sibling `When` holds one of `values`, the member is absent.
template <auto Member, auto When>
struct absent_when : targets<Member, true>, rule_identity {
    static constexpr auto condition = When;
    value_set values;
    /// The rule, with its id (and what the kind needs).
    constexpr absent_when(value_set when_values, std::string_view rule) : rule_identity{rule}, values(when_values) {}
};

/// When the limits' `enabled` flag is set, no integer of the member's array is also in the sibling `Other`.
/// JSON Schema has no keyword for it: `inexpressible` says why, and the contract lists it with that reason.
template <auto Member, auto Other>
struct disjoint_from : targets<Member, true>, rule_identity {
    static constexpr auto other = Other;
    bool validation_limits::*enabled;
    std::string_view inexpressible;
    /// The rule, with its id (and what the kind needs).
    constexpr disjoint_from(bool validation_limits::*only_when, std::string_view why, std::string_view rule)
        : rule_identity{rule}, enabled(only_when), inexpressible(why) {}
};

/// Whether `Rule` checks the member that the Boost.Describe descriptor `Descriptor` stands for.
template <class Rule, class Descriptor>
constexpr bool targets_member() noexcept {
    using rule_pointer = std::remove_cv_t<decltype(Rule::member)>;
    using described_pointer = std::remove_cv_t<decltype(Descriptor::pointer)>;
    if constexpr (std::is_same_v<rule_pointer, described_pointer>) return Rule::member == Descriptor::pointer;
    else return false;
}

/// The class a pointer to member belongs to.
template <class Pointer>
struct member_pointer_owner;
/// The class a pointer to member belongs to: `Owner` of `Value Owner::*`.
template <class Value, class Owner>
struct member_pointer_owner<Value Owner::*> {
    using type = Owner; ///< the class that holds the member
};

/// The wire key of the member `Member` points to (its name, Boost.Describe), for messages and schema keywords.
template <auto Member>
constexpr std::string_view member_name() noexcept {
    using owner = typename member_pointer_owner<std::remove_cv_t<decltype(Member)>>::type;
    std::string_view name;
    boost::mp11::mp_for_each<boost::describe::describe_members<owner, boost::describe::mod_public>>([&](auto member) {
        using described_pointer = std::remove_cv_t<decltype(member.pointer)>;
        if constexpr (std::is_same_v<described_pointer, std::remove_cv_t<decltype(Member)>>)
            if (member.pointer == Member) name = member.name;
    });
    return name;
}

/// Whether a present_when rule accepts a second member in place of its own.
template <class Rule>
constexpr bool has_alternative() noexcept {
    return !std::is_null_pointer_v<std::remove_cv_t<decltype(Rule::alternative)>>;
}

/// One endpoint's rules, or a part shared by several (contact_item_rules): parts are joined in place, into one
/// flat tuple.
template <class... Parts>
constexpr auto list(const Parts&... parts) {
    // Joined by index, not with std::tuple_cat, whose instantiation every TU that includes the endpoints would pay
    // for (docs/design-decisions.md §9).
    constexpr std::size_t rules = (std::size_t{0} + ... + detail::rule_part_size<Parts>);
    return detail::join_rule_parts(std::make_index_sequence<rules>{}, parts...);
}

} // namespace rules

TCCHAT_NAMESPACE_END
