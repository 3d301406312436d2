// The OpenAPI 3.1 contract (see openapi.hpp). Three sources, read here and nowhere copied:
// - the models (Boost.Describe): keys, types, required members, integer ranges, the known values of wire enums;
// - the endpoint traits: command, read or write, batch limit, the service codes each page lists;
// - validation_limits (default or strict): the numbers in the rules.
// The rules themselves are stated once more here, as schema keywords, each tagged with the validator's rule id
// and error code. The contract tests (tests/contract/) hold the two lists together: every rule id of
// include/tcchat/validate.hpp is in the document, as a keyword or among x-tcchat-inexpressible-rules, and every
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
#include <type_traits>
#include <vector>

namespace tcchat::cli {

namespace {

namespace json = boost::json;

/// Rules JSON Schema cannot state, with the reason; the document lists them so a reader knows what only the
/// validator (or the server) checks.
struct inexpressible_rule {
    std::string_view id; ///< "*." for every command
    std::string_view why;
};
constexpr inexpressible_rule inexpressible_rules[] = {
    {"*.string.utf8", "JSON Schema validates decoded text: ill-formed UTF-8 never reaches it (a JSON parser rejects or "
                    "replaces it), so only a check of the raw bytes can report it"},
    {"mark_contact.clear_mark.conflicts_with_set_mark",
     "strict profile only: no keyword relates the items of one array (ClearMark) to those of another (SetMark)"},
};

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

/// Builds the schema of one message, request or response, keyword by keyword.
class message_schema {
public:
    message_schema(std::string_view command, bool is_request, const validation_limits& limits)
        : command_(command), is_request_(is_request), limits_(limits) {}

    template <class T>
    json::object of(const std::string& path) {
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
            return of<typename T::value_type>(path);
        } else if constexpr (detail::is_vector<T>::value) {
            node["type"] = "array";
            node["items"] = of<typename T::value_type>(path + "/*");
        } else {
            node["type"] = "object";
            json::object properties;
            json::array required;
            boost::mp11::mp_for_each<detail::wire_members<T>>([&](auto member) {
                using member_type = detail::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
                properties[member.name] = of<member_type>(path + "/" + member.name);
                if (!detail::is_optional<member_type>::value) required.emplace_back(member.name);
            });
            node["properties"] = std::move(properties);
            node["required"] = std::move(required);
            node["additionalProperties"] = true; // unknown keys are skipped, so a newer server never breaks a decode
            if constexpr (std::is_same_v<T, contact_item>)
                if (is_request_) contact_rules(node);
        }
        if (is_request_) request_rules(path, node);
        return node;
    }

private:
    // --- keyword helpers: each adds a keyword and tags the node with the rule it states ----------------------

    /// Tags `node` with the rule "<command>.<rule>" and its code, as the validator names and answers it.
    void tag(json::object& node, std::string_view rule, code c) {
        json::array& rules = node["x-tcchat-rules"].is_array() ? node["x-tcchat-rules"].as_array()
                                                               : node["x-tcchat-rules"].emplace_array();
        rules.push_back(json::object{{"id", std::string(command_) + "." + std::string(rule)}, {"code", static_cast<int>(c)}});
    }
    void non_empty(json::object& node, std::string_view rule) {
        node["minLength"] = 1;
        tag(node, rule, code::invalid_parameters);
    }
    /// maxLength counts code points and the limit counts UTF-8 bytes: n code points take at least n bytes, so
    /// maxLength n is necessary, and x-tcchat-max-bytes is the exact rule.
    void max_bytes(json::object& node, std::size_t bytes, std::string_view rule, code c) {
        node["maxLength"] = bytes;
        node["x-tcchat-max-bytes"] = bytes;
        tag(node, rule, c);
    }
    void count(json::object& node, std::size_t min, std::size_t max, std::string_view rule, code c) {
        node["minItems"] = min;
        if (max != 0) node["maxItems"] = max;
        tag(node, rule, c);
    }
    void non_negative(json::object& node, std::string_view rule) {
        node["minimum"] = 0;
        tag(node, rule, code::invalid_parameters);
    }
    /// The values a request may hold, enumerators of a wire enum or plain integers.
    template <class Value>
    void one_of(json::object& node, std::initializer_list<Value> allowed, std::string_view rule) {
        json::array values;
        for (Value value : allowed) values.emplace_back(static_cast<std::int64_t>(value));
        node["enum"] = std::move(values);
        tag(node, rule, code::invalid_parameters);
    }
    void require(json::object& node, std::string_view key, std::string_view rule) {
        node["required"].as_array().emplace_back(key);
        tag(node, rule, code::invalid_parameters);
    }
    /// `if` the members hold these values, `then` this schema: the rules that depend on a Type or OptType.
    void when(json::object& node, json::object condition, json::object then, std::string_view rule) {
        json::array& all = node["allOf"].is_array() ? node["allOf"].as_array() : node["allOf"].emplace_array();
        json::object clause{{"if", json::object{{"properties", std::move(condition)}}}, {"then", std::move(then)}};
        tag(clause, rule, code::invalid_parameters);
        all.push_back(std::move(clause));
    }
    static json::object equals(std::string_view key, std::int64_t value) {
        return json::object{{key, json::object{{"const", value}}}};
    }
    static json::object is_one_of(std::string_view key, std::initializer_list<std::int64_t> values) {
        json::array list;
        for (auto value : values) list.emplace_back(value);
        return json::object{{key, json::object{{"enum", std::move(list)}}}};
    }
    static json::object present_and_non_empty(std::string_view key, std::string_view length_keyword) {
        return json::object{{"required", json::array{key}}, {"properties", json::object{{key, json::object{{length_keyword, 1}}}}}};
    }
    static json::object absent(std::string_view key) { return json::object{{"not", json::object{{"required", json::array{key}}}}}; }

    // --- the rules: validate.hpp's checks, keyword by keyword -------------------------------------------------

    /// A conversation reference in a request (docs/protocol.md §2.2).
    void contact_rules(json::object& node) {
        one_of(node["properties"].as_object()["Type"].as_object(), {conversation_type::c2c, conversation_type::group},
               "contact_item.type");
        when(node, equals("Type", 1), present_and_non_empty("To_Account", "minLength"), "contact_item.to_account_required");
        when(node, equals("Type", 2), absent("To_Account"), "contact_item.to_account_forbidden");
        when(node, equals("Type", 2), present_and_non_empty("ToGroupId", "minLength"), "contact_item.to_group_id_required");
        when(node, equals("Type", 1), absent("ToGroupId"), "contact_item.to_group_id_forbidden");
    }

    void request_rules(const std::string& path, json::object& node) {
        const std::string_view at = path;
        if (at == "/From_Account") return non_empty(node, "from_account.non_empty");
        if (command_ == "create_contact_group") {
            if (at == "/GroupContactItem") return count(node, 1, 1, "group_contact_item.count", code::invalid_parameters);
            if (at == "/GroupContactItem/*/GroupName") {
                non_empty(node, "group_name.non_empty");
                return max_bytes(node, limits_.create_group_name_max_bytes, "group_name.max_bytes", code::group_name_too_long);
            }
            if (at == "/GroupContactItem/*/ContactItem")
                return count(node, 1, limits_.create_contact_items_max, "contact_item.count", code::item_count_out_of_range);
        } else if (command_ == "del_contact_group") {
            if (at == "/GroupName") return count(node, 1, 1, "group_name.count", code::invalid_parameters);
            if (at == "/GroupName/*") return non_empty(node, "group_name.non_empty");
        } else if (command_ == "update_contact_group") {
            if (at == "/UpdateType") return one_of(node, {update_type::group}, "update_type.value");
            if (at.empty()) return require(node, "UpdateGroup", "update_group.required");
            if (at == "/UpdateGroup/UpdateGroupType")
                return one_of(node, {update_group_type::rename, update_group_type::update_conversations}, "update_group_type.value");
            if (at == "/UpdateGroup/OldGroupName") return non_empty(node, "old_group_name.non_empty");
            if (at == "/UpdateGroup/NewGroupName")
                return max_bytes(node, limits_.update_group_name_max_bytes, "new_group_name.max_bytes", code::group_name_too_long);
            if (at == "/UpdateGroup") {
                when(node, equals("UpdateGroupType", 1), present_and_non_empty("NewGroupName", "minLength"), "new_group_name.non_empty");
                when(node, equals("UpdateGroupType", 2), present_and_non_empty("ContactUpdateItem", "minItems"),
                     "contact_update_item.non_empty");
                return;
            }
            if (at == "/UpdateGroup/ContactUpdateItem/*/ContactOptType")
                return one_of(node, {contact_operation::add, contact_operation::remove}, "contact_opt_type.value");
        } else if (command_ == "search_contact_group") {
            if (at == "/ContactItem") return count(node, 1, limits_.search_items_max, "contact_item.count", code::invalid_parameters);
        } else if (command_ == "get_contact_group") {
            if (at == "/StartIndex") return non_negative(node, "start_index.non_negative");
        } else if (command_ == "mark_contact") {
            if (at == "/MarkItem") return count(node, 1, limits_.mark_items_max, "mark_item.count", code::item_count_out_of_range);
            if (at == "/MarkItem/*/OptType")
                return one_of(node, {mark_operation::standard, mark_operation::custom, mark_operation::both}, "opt_type.value");
            if (at == "/MarkItem/*/SetMark/*" || at == "/MarkItem/*/ClearMark/*") {
                node["minimum"] = 0;
                node["maximum"] = 63;
                return tag(node, at == "/MarkItem/*/SetMark/*" ? "set_mark.bit_range" : "clear_mark.bit_range", code::invalid_parameters);
            }
            if (at == "/MarkItem/*/CustomMark")
                return max_bytes(node, limits_.custom_mark_max_bytes, "custom_mark.max_bytes", code::invalid_parameters);
            if (at == "/MarkItem/*") {
                json::object set_or_clear{{"anyOf", json::array{json::object{{"required", json::array{"SetMark"}}},
                                                               json::object{{"required", json::array{"ClearMark"}}}}}};
                when(node, is_one_of("OptType", {1, 3}), std::move(set_or_clear), "set_mark.required");
                when(node, is_one_of("OptType", {2, 3}), json::object{{"required", json::array{"CustomMark"}}}, "custom_mark.required");
                return;
            }
        } else if (command_ == "get_list") {
            if (at == "/TimeStamp") return non_negative(node, "time_stamp.non_negative");
            if (at == "/StartIndex") return non_negative(node, "start_index.non_negative");
            if (at == "/TopTimeStamp") return non_negative(node, "top_time_stamp.non_negative");
            if (at == "/TopStartIndex") return non_negative(node, "top_start_index.non_negative");
            if (at.empty()) return require(node, "AssistFlags", "assist_flags.required");
        } else if (command_ == "delete") {
            if (at == "/Type") return one_of(node, {conversation_type::c2c, conversation_type::group}, "type.value");
            if (at == "/ClearRamble") return one_of(node, {0, 1}, "clear_ramble.value");
            if (at.empty()) {
                when(node, equals("Type", 1), present_and_non_empty("To_Account", "minLength"), "to_account.required");
                when(node, equals("Type", 2), present_and_non_empty("ToGroupid", "minLength"), "to_groupid.required");
            }
        }
    }

    std::string_view command_;
    bool is_request_;
    const validation_limits& limits_;
};

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
        schemas[command + ".request"] = message_schema(command, true, limits).of<typename endpoint_type::request>("");
        schemas[command + ".response"] = message_schema(command, false, limits).of<typename endpoint_type::response>("");
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
    json::array inexpressible, client_codes;
    for (const auto& rule : inexpressible_rules) inexpressible.push_back(json::object{{"id", rule.id}, {"why", rule.why}});
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
