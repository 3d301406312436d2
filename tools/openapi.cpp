// The OpenAPI 3.1 contract (see openapi.hpp). Its sources, read here and nowhere copied:
// - the models (Boost.Describe): keys, types, required members, integer ranges, the known values of wire enums;
// - the endpoint traits: command, read or write, batch limit, the service codes each page lists, and the request
//   rules (`request_rules`, tcchat/rules.hpp), which validate() interprets too;
// - validation_limits (default or strict): the numbers in the rules.
// Each rule becomes schema keywords tagged with its rule id and error code. The contract tests (tests/contract/)
// check that the ids tagged here are exactly the ids validate() reports (`tcchat endpoints`), and that every
// invalid request of tests/fixtures/validation_cases.json that a keyword covers is rejected by the schema.

#include "openapi.hpp"

#include "cli_common.hpp"

#include <tcchat.hpp>

#include <boost/describe/enumerators.hpp>
#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>

#include <iostream>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace tcchat::cli {

namespace {

namespace json = boost::json;

/// The rule every request string has that JSON Schema cannot state; a rule list's own such rules (disjoint_from)
/// carry their reason. The document lists them, so a reader knows what only the validator (or the server) checks.
constexpr std::string_view utf8_rule_id = "*.string.utf8";
constexpr std::string_view utf8_rule_why = "JSON Schema validates decoded text: ill-formed UTF-8 never reaches it (a JSON "
                                           "parser rejects or replaces it), so only a check of the raw bytes can report it";

/// Whether a rule carries the reason JSON Schema cannot state it.
template <class Rule, class = void>
struct has_inexpressible : std::false_type {};
template <class Rule>
struct has_inexpressible<Rule, std::void_t<decltype(Rule::inexpressible)>> : std::true_type {};

/// The integer range of T, as JSON numbers.
template <class T>
void integer_range(json::object& node) {
    node["type"] = "integer";
    if constexpr (std::is_signed_v<T>) {
        node["minimum"] = static_cast<std::int64_t>(std::numeric_limits<T>::min());
        node["maximum"] = static_cast<std::int64_t>(std::numeric_limits<T>::max());
    } else {
        node["minimum"] = 0;
        node["maximum"] = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    }
}

/// Builds the schema of one message, request or response, keyword by keyword. A request's schema also states its
/// endpoint's rules (`Rules`, a response has none).
template <class Rules>
class message_schema {
public:
    message_schema(std::string_view command, bool is_request, const validation_limits& limits, const Rules& rules)
        : command_(command), is_request_(is_request), limits_(limits), rules_(rules) {}

    template <class T>
    json::object of() {
        json::object node;
        if constexpr (std::is_same_v<T, std::string>) {
            node["type"] = "string";
            if (is_request_) {
                node["pattern"] = "^[^\\u0000]*$";
                tag(node, "string.nul", code::invalid_parameters);
            }
        } else if constexpr (std::is_same_v<T, standard_mark>) {
            node["type"] = "string";
            node["pattern"] = "^0*(1[01]{0,63})?$";
            node["description"] = "A binary numeral of at most 64 significant bits, rightmost character = bit 0; \"\" is no "
                                  "marks, leading zeros are allowed (docs/protocol.md §4)";
        } else if constexpr (std::is_enum_v<T>) {
            integer_range<std::underlying_type_t<T>>(node);
            json::object known;
            boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto value) {
                known[std::to_string(static_cast<long long>(value.value))] = value.name;
            });
            node["x-tcchat-known-values"] = std::move(known);
            node["description"] = "An open wire enum: the known values are listed, any other is kept (tcchat also "
                                  "decodes a numeric string, docs/protocol.md §6.2)";
        } else if constexpr (detail::is_integer_v<T>) {
            integer_range<T>(node);
        } else if constexpr (detail::is_optional<T>::value) {
            return of<typename T::value_type>();
        } else if constexpr (detail::is_vector<T>::value) {
            node["type"] = "array";
            node["items"] = of<typename T::value_type>();
        } else {
            node["type"] = "object";
            json::object properties;
            json::array required;
            boost::mp11::mp_for_each<detail::wire_members<T>>([&](auto member) {
                using descriptor = decltype(member);
                using member_type = detail::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
                json::object property = of<member_type>();
                each_rule([&](const auto& rule) {
                    using rule_type = detail::remove_cvref_t<decltype(rule)>;
                    if constexpr (!rule_type::on_owner && rules::targets_member<rule_type, descriptor>())
                        member_keywords<member_type>(property, rule);
                });
                properties[member.name] = std::move(property);
                if (!detail::is_optional<member_type>::value) required.emplace_back(member.name);
            });
            node["properties"] = std::move(properties);
            node["required"] = std::move(required);
            node["additionalProperties"] = true; // unknown keys are skipped, so a newer server never breaks a decode
            each_rule([&](const auto& rule) {
                using rule_type = detail::remove_cvref_t<decltype(rule)>;
                if constexpr (rule_type::on_owner && std::is_same_v<owner_of<rule_type>, T>) owner_keywords(node, rule);
            });
        }
        return node;
    }

private:
    template <class Rule>
    using owner_of = typename rules::member_pointer_owner<std::remove_cv_t<decltype(Rule::member)>>::type;

    template <class Visit>
    void each_rule(Visit&& visit) {
        std::apply([&](const auto&... rule) { (visit(rule), ...); }, rules_);
    }

    // --- keyword helpers: each adds a keyword and tags the node with the rule it states ----------------------

    /// Tags `node` with the rule "<command>.<rule>" and its code, as the validator names and answers it.
    void tag(json::object& node, std::string_view rule, code c) {
        json::array& tags = node["x-tcchat-rules"].is_array() ? node["x-tcchat-rules"].as_array()
                                                              : node["x-tcchat-rules"].emplace_array();
        tags.push_back(json::object{{"id", std::string(command_) + "." + std::string(rule)}, {"code", static_cast<int>(c)}});
    }
    /// `if` the member `When` holds one of `values`, `then` this schema.
    template <auto When>
    void when(json::object& node, const rules::value_set& values, json::object then, const rules::rule_identity& rule) {
        const std::string_view key = rules::member_name<When>();
        json::object condition;
        if (values.size == 1) {
            condition[key] = json::object{{"const", values.values[0]}};
        } else {
            json::array list(values.values, values.values + values.size);
            condition[key] = json::object{{"enum", std::move(list)}};
        }
        json::array& all = node["allOf"].is_array() ? node["allOf"].as_array() : node["allOf"].emplace_array();
        json::object clause{{"if", json::object{{"properties", std::move(condition)}}}, {"then", std::move(then)}};
        tag(clause, rule.id, rule.error);
        all.push_back(std::move(clause));
    }
    static json::object present(std::string_view key) { return json::object{{"required", json::array{key}}}; }

    // --- a rule on the member's own schema (or on its items', for a rule that checks each item) ----------------

    template <class Member, auto Pointer>
    void member_keywords(json::object& node, const rules::non_empty<Pointer>& rule) {
        json::object& text = detail::is_vector<Member>::value ? node["items"].as_object() : node;
        text["minLength"] = 1;
        tag(text, rule.id, rule.error);
    }
    /// maxLength counts code points and the limit counts UTF-8 bytes: n code points take at least n bytes, so
    /// maxLength n is necessary, and x-tcchat-max-bytes is the exact rule.
    template <class Member, auto Pointer>
    void member_keywords(json::object& node, const rules::max_bytes<Pointer>& rule) {
        const std::size_t bytes = rule.bytes(limits_);
        node["maxLength"] = bytes;
        node["x-tcchat-max-bytes"] = bytes;
        tag(node, rule.id, rule.error);
    }
    template <class Member, auto Pointer>
    void member_keywords(json::object& node, const rules::count<Pointer>& rule) {
        node["minItems"] = rule.min;
        if (const std::size_t max = rule.max(limits_); max != 0) node["maxItems"] = max;
        tag(node, rule.id, rule.error);
    }
    template <class Member, auto Pointer>
    void member_keywords(json::object& node, const rules::one_of<Pointer>& rule) {
        node["enum"] = json::array(rule.allowed.values, rule.allowed.values + rule.allowed.size);
        tag(node, rule.id, rule.error);
    }
    template <class Member, auto Pointer>
    void member_keywords(json::object& node, const rules::non_negative<Pointer>& rule) {
        node["minimum"] = 0;
        tag(node, rule.id, rule.error);
    }
    template <class Member, auto Pointer>
    void member_keywords(json::object& node, const rules::bit_numbers<Pointer>& rule) {
        json::object& bit = node["items"].as_object();
        bit["minimum"] = rule.lowest;
        bit["maximum"] = rule.highest;
        tag(bit, rule.id, rule.error);
    }

    // --- a rule on the object that holds the member: presence, and rules that depend on a sibling -------------

    /// In a clause of its own, not in the object's `required` list: a missing From_Account fails that list, and
    /// must not be mistaken for this rule.
    template <auto Pointer>
    void owner_keywords(json::object& node, const rules::required<Pointer>& rule) {
        json::object clause = present(rules::member_name<Pointer>());
        tag(clause, rule.id, rule.error);
        json::array& all = node["allOf"].is_array() ? node["allOf"].as_array() : node["allOf"].emplace_array();
        all.push_back(std::move(clause));
    }
    template <auto Pointer, auto When>
    void owner_keywords(json::object& node, const rules::non_empty_when<Pointer, When>& rule) {
        using member_type = detail::remove_cvref_t<decltype(std::declval<owner_of<detail::remove_cvref_t<decltype(rule)>>&>().*Pointer)>;
        const std::string_view key = rules::member_name<Pointer>();
        const char* length = detail::is_vector<typename member_type::value_type>::value ? "minItems" : "minLength";
        when<When>(node, rule.values,
                   json::object{{"required", json::array{key}}, {"properties", json::object{{key, json::object{{length, 1}}}}}},
                   rule);
    }
    template <auto Pointer, auto When, auto Alternative>
    void owner_keywords(json::object& node, const rules::present_when<Pointer, When, Alternative>& rule) {
        const std::string_view key = rules::member_name<Pointer>();
        if constexpr (rules::has_alternative<rules::present_when<Pointer, When, Alternative>>())
            when<When>(node, rule.values,
                       json::object{{"anyOf", json::array{present(key), present(rules::member_name<Alternative>())}}}, rule);
        else
            when<When>(node, rule.values, present(key), rule);
    }
    template <auto Pointer, auto When>
    void owner_keywords(json::object& node, const rules::absent_when<Pointer, When>& rule) {
        when<When>(node, rule.values, json::object{{"not", present(rules::member_name<Pointer>())}}, rule);
    }
    /// Listed among x-tcchat-inexpressible-rules instead (inexpressible_rules()).
    template <auto Pointer, auto Other>
    void owner_keywords(json::object&, const rules::disjoint_from<Pointer, Other>&) {}

    std::string_view command_;
    bool is_request_;
    const validation_limits& limits_;
    const Rules& rules_;
};

/// The rules that no keyword states, with the reason: string.utf8 of every command, and each rule list's own.
json::array inexpressible_rules() {
    json::array out{json::object{{"id", utf8_rule_id}, {"why", utf8_rule_why}}};
    boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        std::apply(
            [&](const auto&... rule) {
                auto add = [&](const auto& one) {
                    if constexpr (has_inexpressible<detail::remove_cvref_t<decltype(one)>>::value)
                        out.push_back(json::object{{"id", std::string(endpoint_type::command) + "." + std::string(one.id)},
                                                   {"why", one.inexpressible}});
                };
                (add(rule), ...);
            },
            endpoint_type::request_rules);
    });
    return out;
}

json::object code_row(const code_info& row) {
    return json::object{{"code", static_cast<int>(row.value)},
                        {"name", row.name},
                        {"meaning", row.meaning},
                        {"retry", to_string(row.retry)}};
}

/// The codes an endpoint can answer: the public ones (every REST API) and those its page lists.
template <class Endpoint>
json::array error_codes() {
    json::array out;
    for (const auto& row : detail::code_table) {
        const int value = static_cast<int>(row.value);
        const bool is_public = value >= 60000 && value < 90000;
        bool listed = false;
        for (int service_code : Endpoint::listed_service_codes) listed = listed || service_code == value;
        if (is_public || listed) out.push_back(code_row(row));
    }
    return out;
}

json::object query_parameter(std::string_view name, std::string_view description, json::object schema) {
    return json::object{{"name", name}, {"in", "query"}, {"required", true}, {"description", description}, {"schema", std::move(schema)}};
}

json::object parameters() {
    json::object uint32{{"type", "integer"}, {"minimum", 0}, {"maximum", std::numeric_limits<std::uint32_t>::max()}};
    return json::object{
        {"sdkappid", query_parameter("sdkappid", "The app's SDKAppID.", uint32)},
        {"identifier", query_parameter("identifier", "The app admin account the call is made as.", json::object{{"type", "string"}, {"minLength", 1}})},
        {"usersig", query_parameter("usersig", "The admin's UserSig (TLSSigAPIv2, docs/protocol.md §5). A secret: never log it.",
                                    json::object{{"type", "string"}, {"minLength", 1}})},
        {"random", query_parameter("random", "A random 32-bit unsigned integer per request.", uint32)},
        {"contenttype", query_parameter("contenttype", "Always json.", json::object{{"type", "string"}, {"const", "json"}})},
    };
}

json::value document(bool strict) {
    const validation_limits limits = strict ? validation_limits::strict_profile() : validation_limits{};
    json::object paths, schemas;
    boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        const std::string command(endpoint_type::command);
        schemas[command + ".request"] =
            message_schema(command, true, limits, endpoint_type::request_rules).template of<typename endpoint_type::request>();
        schemas[command + ".response"] =
            message_schema(command, false, limits, std::tuple<>{}).template of<typename endpoint_type::response>();
        auto body = [&](std::string_view direction) {
            return json::object{{"application/json",
                                 json::object{{"schema", json::object{{"$ref", "#/components/schemas/" + command + "." + std::string(direction)}}}}}};
        };
        json::array parameter_refs;
        for (const char* name : {"sdkappid", "identifier", "usersig", "random", "contenttype"})
            parameter_refs.push_back(json::object{{"$ref", std::string("#/components/parameters/") + name}});
        json::object operation{
            {"operationId", command},
            {"summary", "POST " + std::string(service_path) + command},
            {"parameters", std::move(parameter_refs)},
            {"requestBody", json::object{{"required", true}, {"content", body("request")}}},
            {"responses",
             json::object{{"200", json::object{{"description", "The answer, success or failure: ErrorCode 0 with ActionStatus OK, "
                                                               "or a FAIL envelope with one of x-tcchat-error-codes"},
                                               {"content", body("response")}}}}},
            {"x-tcchat-read", endpoint_type::is_read},
            {"x-tcchat-error-codes", error_codes<endpoint_type>()},
        };
        if constexpr (has_batch<endpoint_type>::value) operation["x-tcchat-batch-limit"] = endpoint_type::batch_limit;
        paths["/" + std::string(service_path) + command] = json::object{{"post", std::move(operation)}};
    });
    json::array inexpressible = inexpressible_rules(), client_codes;
    for (const auto& row : detail::code_table)
        if (static_cast<int>(row.value) >= 90000) client_codes.push_back(code_row(row));
    json::array servers;
    for (const auto& row : regions) servers.push_back(json::object{{"url", "https://" + std::string(row.domain)}, {"description", row.name}});
    return json::object{
        {"openapi", "3.1.0"},
        {"jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema"},
        {"info",
         json::object{{"title", "Tencent Cloud Chat REST API v4/recentcontact, as tcchat reads it"},
                      {"version", TCCHAT_VERSION_STRING},
                      {"description",
                       std::string("Generated by `tcchat schema") + (strict ? " --strict" : "") +
                           "` from tcchat's models and validation rules (docs/contract.md). Keys are the wire keys. "
                           "x-tcchat-rules tags each keyword with the validator's rule id and the error code the server "
                           "answers; x-tcchat-max-bytes is a UTF-8 byte limit, of which maxLength (code points) is a "
                           "necessary bound. " +
                           (strict ? "Limits of the strict profile." : "Limits of the default profile.")}}},
        {"servers", std::move(servers)},
        {"paths", std::move(paths)},
        {"components", json::object{{"parameters", parameters()}, {"schemas", std::move(schemas)}}},
        {"x-tcchat-inexpressible-rules", std::move(inexpressible)},
        {"x-tcchat-client-codes", std::move(client_codes)},
    };
}

/// Two-space indentation, keys in insertion order: a stable text that diffs well in docs/openapi.json.
void pretty(std::string& out, const json::value& value, int depth) {
    const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' '), closing(static_cast<std::size_t>(depth) * 2, ' ');
    if (value.is_object() && !value.get_object().empty()) {
        out += "{\n";
        bool first = true;
        for (const auto& [key, member] : value.get_object()) {
            if (!first) out += ",\n";
            first = false;
            out += indent + json::serialize(json::string(key)) + ": ";
            pretty(out, member, depth + 1);
        }
        out += "\n" + closing + "}";
    } else if (value.is_array() && !value.get_array().empty()) {
        out += "[\n";
        bool first = true;
        for (const auto& item : value.get_array()) {
            if (!first) out += ",\n";
            first = false;
            out += indent;
            pretty(out, item, depth + 1);
        }
        out += "\n" + closing + "]";
    } else {
        out += json::serialize(value);
    }
}

} // namespace

std::string openapi_document(bool strict) {
    std::string out;
    pretty(out, document(strict), 0);
    out += "\n";
    return out;
}

int run_schema(const std::vector<std::string>& args) {
    const auto parsed = parse_arguments(args, 1, {}, {"--strict"});
    if (!parsed || !parsed->unknown_option.empty() || !parsed->positional.empty())
        return usage_error("schema takes only --strict");
    std::cout << openapi_document(parsed->flag("--strict"));
    return exit_ok;
}

} // namespace tcchat::cli
