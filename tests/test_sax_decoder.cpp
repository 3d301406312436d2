// Differential test of the SAX decoder (decode, the default) against the DOM reference path (decode_dom):
// both must agree on success or failure, on the error's code, pointer, message and origin, and on success on
// the encoding of the value. Inputs: every documented sample as every type, every truncation, every split
// into pieces, reordered keys, unknown nested keys, wrong types and deletions at every node, pairs of faults,
// duplicate keys, escapes, tight limits, hand-picked hostile bodies and the fuzz corpus when present.
//
// Documented difference (sax_decoder.hpp): only the streaming interface differs, in the body-size message
// (bytes received so far instead of the whole body); the one-shot decode has no exception.
#include "oracle/dom_reference.hpp" // decode_dom, decode_value, parse_json: the test oracle
#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>

#include "ci_skip.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace {

using namespace tcchat;
using namespace tcchat::test_oracle;
namespace json = boost::json;

constexpr std::size_t type_count = 2 * boost::mp11::mp_size<all_endpoints>::value;

/// Calls f(T{}) for type `index`: 2k is the request and 2k+1 the response of endpoint k (all_endpoints order).
template <class F>
void visit_type(std::size_t index, F&& f) {
    boost::mp11::mp_with_index<boost::mp11::mp_size<all_endpoints>::value>(index / 2, [&](auto k) {
        using endpoint = boost::mp11::mp_at_c<all_endpoints, decltype(k)::value>;
        if (index % 2 == 0) f(typename endpoint::request{});
        else f(typename endpoint::response{});
    });
}

template <class T>
std::string describe(const result<T>& r) {
    if (r.has_value()) return "value " + encode(*r);
    const error& e = r.error();
    return "error " + std::to_string(e.value()) + " at '" + e.pointer + "': " + e.message +
           " (origin " + std::to_string(static_cast<int>(e.origin)) + ")";
}

/// "" when both results agree, else what differs.
template <class T>
std::string difference(const result<T>& sax, const result<T>& dom) {
    const std::string a = describe(sax), b = describe(dom);
    return a == b ? std::string() : "sax: " + a + "\n  dom: " + b;
}

/// Streams `text` through the SAX decoder in the given pieces.
template <class T>
result<T> decode_pieces(std::string_view text, const std::vector<std::size_t>& cuts, const decode_limits& options) {
    T out{};
    detail::sax_decoder<T> decoder(out, options);
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        if (!decoder.write(text.substr(at, cut - at))) return decoder.take_error();
        at = cut;
    }
    if (!decoder.finish(text.substr(at))) return decoder.take_error();
    return out;
}

/// Counts the comparisons and keeps the first mismatches for the report.
struct tally {
    std::size_t compared = 0;
    std::size_t mismatched = 0;
    std::string report;

    void record(std::string_view label, std::string_view text, const std::string& diff) {
        ++compared;
        if (diff.empty()) return;
        if (++mismatched <= 8)
            report += std::string(label) + "\n  input: " + std::string(text.substr(0, 400)) + "\n  " + diff + "\n";
    }

    template <class T>
    void compare(std::string_view label, std::string_view text, const decode_limits& options = {}) {
        record(label, text, difference(decode<T>(text, options), decode_dom<T>(text, options)));
    }

    void compare_as(std::size_t type, std::string_view label, std::string_view text, const decode_limits& options = {}) {
        visit_type(type, [&](auto tag) { compare<decltype(tag)>(label, text, options); });
    }

    template <class T>
    void compare_pieces(std::string_view label, std::string_view text, const std::vector<std::size_t>& cuts,
                        const decode_limits& options = {}) {
        record(label, text, difference(decode_pieces<T>(text, cuts, options), decode_dom<T>(text, options)));
    }

    void check() const {
        INFO(report);
        CHECK(mismatched == 0);
        CHECK(compared > 0);
    }
};

struct sample_file {
    std::string name;
    std::size_t type; // index for visit_type
    std::string text;
};

std::vector<sample_file> samples() {
    std::vector<sample_file> out;
    for (const auto& entry : std::filesystem::directory_iterator(TCCHAT_SAMPLES_DIR)) {
        if (entry.path().extension() != ".json") continue;
        const std::string file = entry.path().filename().string();
        const std::string command = file.substr(0, file.find('.'));
        const bool response = file.find(".response") != std::string::npos;
        std::size_t index = 0, found = type_count;
        boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
            if (decltype(endpoint)::command == command) found = 2 * index + (response ? 1 : 0);
            ++index;
        });
        REQUIRE(found < type_count);
        out.push_back({file, found, test::read_file(entry.path().string())});
    }
    std::sort(out.begin(), out.end(), [](const sample_file& a, const sample_file& b) { return a.name < b.name; });
    REQUIRE(out.size() >= 16);
    return out;
}

// --- mutations of a parsed sample -----------------------------------------------------------------------

/// Visits every value in pre-order; f(value&, index) returns true to stop.
bool walk(json::value& v, std::size_t& index, const std::function<bool(json::value&, std::size_t)>& f) {
    if (f(v, index++)) return true;
    if (v.is_object())
        for (auto& member : v.get_object())
            if (walk(member.value(), index, f)) return true;
    if (v.is_array())
        for (auto& item : v.get_array())
            if (walk(item, index, f)) return true;
    return false;
}

std::size_t node_count(const json::value& v) {
    std::size_t count = 1;
    if (v.is_object())
        for (const auto& member : v.get_object()) count += node_count(member.value());
    if (v.is_array())
        for (const auto& item : v.get_array()) count += node_count(item);
    return count;
}

/// A copy of `doc` with node `target` changed by `change`.
json::value mutated(const json::value& doc, std::size_t target, const std::function<void(json::value&)>& change) {
    json::value copy = doc;
    std::size_t index = 0;
    walk(copy, index, [&](json::value& v, std::size_t i) {
        if (i != target) return false;
        change(v);
        return true;
    });
    return copy;
}

/// Every object's keys in the reverse order (recursively), or rotated by one.
json::value reordered(const json::value& v, bool reverse) {
    if (v.is_array()) {
        json::array out;
        for (const auto& item : v.get_array()) out.push_back(reordered(item, reverse));
        return out;
    }
    if (!v.is_object()) return v;
    std::vector<std::pair<std::string, json::value>> members;
    for (const auto& member : v.get_object())
        members.emplace_back(std::string(member.key()), reordered(member.value(), reverse));
    if (reverse) std::reverse(members.begin(), members.end());
    else if (!members.empty()) std::rotate(members.begin(), members.begin() + 1, members.end());
    json::object out;
    for (auto& member : members) out[member.first] = std::move(member.second);
    return out;
}

/// Values that are the wrong type (or out of range) for most fields, and some that are right for a few.
std::vector<std::string> replacements() {
    return {"null", "true", "1.5", "-1", "0", "1", "2147483648", "-2147483649", "18446744073709551615",
            "18446744073709551616", "1e400", "\"x\"", "\"7\"", "\"-0\"", "\"101\"", "\"\"", "[]", "{}", "[1]",
            "[\"a\",{}]", "{\"Type\":1}", "{\"Type\":\"2\",\"ToGroupId\":\"g\"}", "[{\"GroupName\":1}]"};
}

/// What to do at one node: replace its value with `text`, or (objects) remove the first key, or add a second
/// occurrence of the first key with `text` as its value before or after the members.
enum class edit { replace, remove_key, duplicate_bad_first, duplicate_bad_last };

void emit(const json::value& v, std::size_t& index, std::size_t target, edit how, const std::string& text,
          std::string& out, bool& applied) {
    const bool here = index++ == target;
    if (here && how == edit::replace) {
        out += text;
        applied = true;
        // Keep the pre-order numbering of the nodes after this one.
        index += node_count(v) - 1;
        return;
    }
    if (v.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first) out += ',';
            first = false;
            emit(item, index, target, how, text, out, applied);
        }
        out += ']';
        return;
    }
    if (!v.is_object()) {
        out += json::serialize(v);
        return;
    }
    const json::object& object = v.get_object();
    const bool keyed = here && !object.empty();
    const std::string first_key = object.empty() ? std::string() : std::string(object.begin()->key());
    out += '{';
    bool first = true;
    const auto member_text = [&](const std::string& key, const std::string& value_text) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::value(key)) + ":" + value_text;
    };
    if (keyed && how == edit::duplicate_bad_first) member_text(first_key, text);
    bool skip_first = keyed && how == edit::remove_key;
    for (const auto& member : object) {
        if (skip_first) {
            skip_first = false;
            index += node_count(member.value());
            continue;
        }
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::value(member.key())) + ":";
        emit(member.value(), index, target, how, text, out, applied);
    }
    if (keyed && how == edit::duplicate_bad_last) member_text(first_key, text);
    out += '}';
    applied = applied || keyed;
}

/// The text of `doc` with the edit applied at node `target`; "" when the edit does not apply there.
std::string apply_edit(const json::value& doc, std::size_t target, edit how, const std::string& text) {
    std::string out;
    std::size_t index = 0;
    bool applied = false;
    emit(doc, index, target, how, text, out, applied);
    return applied ? out : std::string();
}

std::filesystem::path corpus_root() {
#ifdef TCCHAT_FUZZ_CORPUS_DIR
    return TCCHAT_FUZZ_CORPUS_DIR;
#else
    return std::filesystem::path(TCCHAT_SAMPLES_DIR) / ".." / ".." / ".." / "fuzz" / "corpus";
#endif
}

} // namespace

TEST_CASE("SAX and DOM agree on every sample as every type", "[sax]") {
    tally t;
    for (const sample_file& s : samples())
        for (std::size_t type = 0; type < type_count; ++type) t.compare_as(type, s.name, s.text);
    t.check();
}

TEST_CASE("SAX and DOM agree on every truncation of every sample", "[sax]") {
    tally t;
    for (const sample_file& s : samples())
        for (std::size_t length = 0; length < s.text.size(); ++length)
            t.compare_as(s.type, s.name + " truncated", std::string_view(s.text).substr(0, length));
    t.check();
}

TEST_CASE("the SAX decoder gives the same result whatever the pieces the body arrives in", "[sax][stream]") {
    tally t;
    for (const sample_file& s : samples()) {
        visit_type(s.type, [&](auto tag) {
            using T = decltype(tag);
            for (std::size_t cut = 0; cut <= s.text.size(); ++cut) t.compare_pieces<T>(s.name + " split", s.text, {cut});
            std::vector<std::size_t> every_byte;
            for (std::size_t cut = 1; cut < s.text.size(); ++cut) every_byte.push_back(cut);
            t.compare_pieces<T>(s.name + " byte by byte", s.text, every_byte);
            // Truncated bodies byte by byte: the syntax error offsets must still match.
            for (std::size_t length = 0; length < s.text.size(); length += 7) {
                std::vector<std::size_t> cuts;
                for (std::size_t cut = 1; cut < length; ++cut) cuts.push_back(cut);
                t.compare_pieces<T>(s.name + " truncated byte by byte", std::string_view(s.text).substr(0, length), cuts);
            }
        });
    }
    t.check();
}

TEST_CASE("SAX and DOM agree when keys are reordered - the value does not depend on key order", "[sax]") {
    tally t;
    for (const sample_file& s : samples()) {
        const json::value doc = json::parse(s.text);
        for (bool reverse : {true, false}) {
            const std::string text = json::serialize(reordered(doc, reverse));
            t.compare_as(s.type, s.name + " reordered", text);
            visit_type(s.type, [&](auto tag) {
                using T = decltype(tag);
                auto original = decode<T>(s.text);
                auto moved = decode<T>(text);
                REQUIRE(original.has_value());
                REQUIRE(moved.has_value());
                CHECK(encode(*original) == encode(*moved));
            });
        }
    }
    t.check();
}

TEST_CASE("SAX and DOM agree on unknown nested keys which are skipped whole", "[sax]") {
    const std::vector<std::string> unknowns = {
        R"("Zz":{"a":[1,{"b":"x"}],"Type":"bad","ContactItem":{"Type":[]}})",
        R"("CompleteTime2":[[[[{"x":[1.5,null,true,"s"]}]]]])",
        R"("Type_":"not a number")",
        R"("\u0054ypo":{"\u0054ype":1})",
        [] {
            std::string many = R"("GroupItemX":[0)";
            for (int i = 0; i < 50; ++i) many += ",{\"GroupName\":" + std::to_string(i) + "}";
            return many + "]";
        }(),
    };
    tally t;
    for (const sample_file& s : samples()) {
        const std::size_t nodes = node_count(json::parse(s.text));
        const json::value doc = json::parse(s.text);
        for (std::size_t target = 0; target < nodes; ++target) {
            for (const std::string& unknown : unknowns) {
                std::string text = json::serialize(mutated(doc, target, [](json::value& v) {
                    if (v.is_object()) v.get_object()["\x02"] = nullptr;
                }));
                const std::string marker = "\"\\u0002\":null";
                const std::size_t at = text.find(marker);
                if (at == std::string::npos) continue;
                text.replace(at, marker.size(), unknown);
                t.compare_as(s.type, s.name + " unknown key", text);
                decode_limits few;
                few.max_array_items = 1;
                few.max_string_bytes = 2;
                t.compare_as(s.type, s.name + " unknown key, tight limits", text, few);
            }
        }
    }
    t.check();
}

TEST_CASE("SAX and DOM agree on wrong types deletions and duplicates at every node", "[sax]") {
    tally t;
    const auto values = replacements();
    for (const sample_file& s : samples()) {
        const json::value doc = json::parse(s.text);
        const std::size_t nodes = node_count(doc);
        for (std::size_t target = 0; target < nodes; ++target) {
            for (const std::string& value : values) {
                t.compare_as(s.type, s.name + " replaced", apply_edit(doc, target, edit::replace, value));
                for (edit how : {edit::duplicate_bad_first, edit::duplicate_bad_last}) {
                    const std::string text = apply_edit(doc, target, how, value);
                    if (!text.empty()) t.compare_as(s.type, s.name + " duplicate key", text);
                }
            }
            const std::string removed = apply_edit(doc, target, edit::remove_key, "null");
            if (!removed.empty()) t.compare_as(s.type, s.name + " key removed", removed);
        }
    }
    t.check();
}

TEST_CASE("SAX and DOM report the same one of two faults (the DOM walk's order)", "[sax]") {
    tally t;
    const std::vector<std::string> values = {"null", "\"x\"", "[]", "{}", "1.5", "-1", "2147483648"};
    for (const sample_file& s : samples()) {
        const json::value doc = json::parse(s.text);
        const std::size_t nodes = node_count(doc);
        for (std::size_t first = 0; first < nodes; ++first) {
            for (std::size_t second = first + 1; second < nodes; ++second) {
                const std::string& a = values[(first + second) % values.size()];
                const std::string& b = values[(first * 3 + second) % values.size()];
                // Replace the later node first so that the numbering of the earlier one is unchanged.
                const std::string once = apply_edit(doc, second, edit::replace, b);
                const std::string twice = apply_edit(json::parse(once), first, edit::replace, a);
                t.compare_as(s.type, s.name + " two faults", twice);
                // A deletion and a wrong type.
                const std::string removed = apply_edit(json::parse(once), first, edit::remove_key, "null");
                if (!removed.empty()) t.compare_as(s.type, s.name + " deletion and fault", removed);
            }
        }
    }
    t.check();
}

TEST_CASE("SAX and DOM agree under tight limits", "[sax][limits]") {
    tally t;
    std::vector<decode_limits> profiles;
    for (std::size_t items : {0, 1, 2}) {
        decode_limits o;
        o.max_array_items = items;
        profiles.push_back(o);
    }
    for (std::size_t bytes : {0, 1, 4, 9, 14}) {
        decode_limits o;
        o.max_string_bytes = bytes;
        profiles.push_back(o);
    }
    for (std::size_t depth : {1, 2, 3, 4}) {
        decode_limits o;
        o.max_depth = depth;
        profiles.push_back(o);
    }
    decode_limits mixed;
    mixed.max_array_items = 1;
    mixed.max_string_bytes = 3;
    mixed.max_depth = 4;
    profiles.push_back(mixed);
    decode_limits small_body;
    small_body.max_body_bytes = 100;
    profiles.push_back(small_body);
    for (const sample_file& s : samples())
        for (const decode_limits& o : profiles)
            for (std::size_t type = 0; type < type_count; ++type) t.compare_as(type, s.name + " limits", s.text, o);
    t.check();
}

TEST_CASE("SAX and DOM agree on escapes split strings and keys and long strings", "[sax][strings]") {
    tally t;
    const std::string escaped_kilobytes = [] {
        std::string text;
        for (int i = 0; i < 3000; ++i) text += "a\\n\\u00e4";
        return text;
    }();
    const std::vector<std::string> bodies = {
        R"({"From_Account":"a\"b\\c\/d\n\u00e4\ud83d\ude00","GroupName":["\u0067"]})",
        R"({"\u0046rom_Account":"x","Group\u004eame":["y"],"GroupName":["z"]})",
        R"({"From_Account":")" + escaped_kilobytes + R"(","GroupName":[")" + escaped_kilobytes + "\"]}",
        R"({"From_Account":")" + std::string(70000, 'x') + R"(","GroupName":[]})",
        R"({"From_Account":"u","GroupName":["a\u0000b"]})",
        R"({"From_Account":"u","GroupName":["\ud800"]})",
        R"({"From_Account":"u","GroupName":["\xff"]})",
        R"({"From_Account":"u","GroupName":[")" + std::string(64, 'k') + R"("]})",
    };
    decode_limits tight;
    tight.max_string_bytes = 100;
    for (const std::string& body : bodies) {
        t.compare<del_contact_group_request>("strings", body);
        t.compare<del_contact_group_request>("strings, tight", body, tight);
        std::vector<std::size_t> cuts;
        for (std::size_t cut = 1; cut < body.size(); cut += 1 + body.size() / 500) cuts.push_back(cut);
        t.compare_pieces<del_contact_group_request>("strings in pieces", body, cuts);
        t.compare_pieces<del_contact_group_request>("strings in pieces, tight", body, cuts, tight);
    }
    // StandardMark: every documented form and fault, whole and split.
    const std::vector<std::string> marks = {"", "0", "1", "101", std::string(64, '1'), std::string(65, '1'),
                                            std::string(100, '0') + "1", "10201", "2", "1 ", "\\u0031\\u0030",
                                            std::string(70, '1') + "x", "x" + std::string(70, '1')};
    for (const std::string& mark : marks) {
        const std::string body = R"({"Type":1,"StandardMark":")" + mark + "\"}";
        t.compare<contact_mark_item>("mark", body);
        decode_limits small;
        small.max_string_bytes = 8;
        t.compare<contact_mark_item>("mark, tight", body, small);
        std::vector<std::size_t> cuts;
        for (std::size_t cut = 1; cut < body.size(); ++cut) cuts.push_back(cut);
        t.compare_pieces<contact_mark_item>("mark byte by byte", body, cuts);
    }
    t.check();
}

TEST_CASE("SAX and DOM agree on numbers and numeric strings at every edge", "[sax][numbers]") {
    tally t;
    const std::vector<std::string> numbers = {
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "1.0", "1e2", "1E-2", "-0.0", "1e400", "-1e400",
        "0.000000000000000000000000000001", "123456789012345678901234567890", "01", "+1", "-", "1.", ".1",
        "\"0\"", "\"-0\"", "\"-\"", "\"\"", "\"00000000000000000000000000000000001\"", "\"2147483647\"",
        "\"2147483648\"", "\"-2147483648\"", "\"-2147483649\"", "\"99999999999999999999999\"", "\"1a\"",
        "\" 1\"", "\"1 \"", "\"+1\"", "\"0x1\"", "\"1.0\"", "\"--1\"", "\"1-\"", "\"\\u0032\"", "true", "null"};
    for (const std::string& n : numbers) {
        t.compare<contact_item>("Type (int32 enum)", R"({"Type":)" + n + "}");
        t.compare<group_item>("GroupId (uint64)", R"({"GroupName":"g","GroupId":)" + n + "}");
        t.compare<contact_mark_item>("ContactGroupId item (uint64)", R"({"Type":1,"ContactGroupId":[1,)" + n + "]}");
        t.compare<get_contact_group_request>("StartIndex (int64)", R"({"From_Account":"u","StartIndex":)" + n + "}");
        t.compare<mark_result>("ResultCode (int32)",
                               R"({"OptType":1,"ContactItem":{"Type":1},"ResultCode":)" + n + R"(,"ResultInfo":""})");
        const std::string body = R"({"Type":)" + n + R"(,"To_Account":"a"})";
        std::vector<std::size_t> cuts;
        for (std::size_t cut = 1; cut < body.size(); ++cut) cuts.push_back(cut);
        t.compare_pieces<contact_item>("Type byte by byte", body, cuts);
    }
    t.check();
}

TEST_CASE("SAX and DOM agree on hostile bodies", "[sax][hostile]") {
    tally t;
    const std::string deep_unknown = R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","x":)" +
                                     std::string(40, '[') + std::string(40, ']') + "}";
    const std::string deep_known = "{\"ActionStatus\":" + std::string(40, '[') + std::string(40, ']') +
                                   ",\"ErrorCode\":0,\"ErrorInfo\":\"\"}";
    std::string many_items = R"({"From_Account":"u","GroupName":[)";
    for (int i = 0; i < 2000; ++i) many_items += (i ? ",\"g\"" : "\"g\"");
    many_items += "]}";
    std::string many_bad_items = R"({"From_Account":"u","GroupName":[)";
    for (int i = 0; i < 2000; ++i) many_bad_items += (i ? ",1" : "1");
    many_bad_items += "]}";
    const std::vector<std::string> bodies = {
        "", " ", "{", "}", "[", "null", "true", "1", "\"s\"", "[]", "{}", "{} x", "{}{}", "\xEF\xBB\xBF{}",
        "{\"ActionStatus\":\"OK\",}", "{\"ActionStatus\":\"OK\" // c\n}", "{\"a\":1,\"a\":2}", "[1,2]",
        deep_unknown, deep_known, many_items, many_bad_items,
        R"({"From_Account":1,"GroupName":"x"})",        // two wrong types: the first declared member is reported
        R"({"GroupName":"x","From_Account":1})",        // the same in the other text order
        R"({"GroupName":"x"})",                         // a wrong type after a missing required key
        R"({"GroupName":["a",1,2],"From_Account":[]})", // an array item fault after an earlier member's fault
        R"({"From_Account":"u","From_Account":1})",     // the bad duplicate is last: it wins
        R"({"From_Account":1,"From_Account":"u","GroupName":[]})", // the bad one is overridden: success
        R"({"From_Account":1,"GroupName":"x","From_Account":"u"})",
        R"({"From_Account":"u","GroupName":[1,2,3]} )",
        R"({"From_Account":"u","GroupName":[1,2,3]} x)",
        R"({"From_Account":"u","GroupName":[1,2,3],)",
        R"({"From_Account":"u","GroupName":[1,2,3]])",
    };
    decode_limits tight;
    tight.max_array_items = 2;
    tight.max_string_bytes = 1;
    decode_limits shallow;
    shallow.max_depth = 2;
    for (const std::string& body : bodies) {
        for (std::size_t type = 0; type < type_count; ++type) {
            t.compare_as(type, "hostile", body);
            t.compare_as(type, "hostile, tight", body, tight);
            t.compare_as(type, "hostile, shallow", body, shallow);
        }
    }
    t.check();
}

TEST_CASE("a string past max_string_bytes never grows past the limit", "[sax][limits]") {
    decode_limits options;
    options.max_string_bytes = 1000;
    std::string huge = R"({"From_Account":")";
    for (int i = 0; i < 20000; ++i) huge += "ab\\n";
    huge += R"(","GroupName":[]})";
    del_contact_group_request out{};
    detail::sax_decoder<del_contact_group_request> decoder(out, options);
    std::vector<std::size_t> cuts;
    for (std::size_t cut = 100; cut < huge.size(); cut += 100) cuts.push_back(cut);
    std::size_t at = 0;
    bool ok = true;
    for (std::size_t cut : cuts) {
        ok = decoder.write(std::string_view(huge).substr(at, cut - at));
        if (!ok) break;
        at = cut;
    }
    REQUIRE(ok);
    REQUIRE_FALSE(decoder.finish(std::string_view(huge).substr(at)));
    const error e = decoder.take_error();
    CHECK(e.pointer == "/From_Account");
    CHECK(e.message == "string is 60000 bytes; the limit is 1000");
    CHECK(out.From_Account.capacity() <= 2 * options.max_string_bytes);
}

TEST_CASE("the streaming body limit counts the bytes received so far (documented difference)", "[sax][stream]") {
    decode_limits options;
    options.max_body_bytes = 10;
    delete_response out{};
    detail::sax_decoder<delete_response> decoder(out, options);
    CHECK(decoder.write("{\"Action"));
    CHECK_FALSE(decoder.write("Status\""));
    CHECK(decoder.take_error().message == "body is 15 bytes; the limit is 10");
}

TEST_CASE("SAX and DOM agree on the fuzz corpus", "[sax][fuzz]") {
    const std::filesystem::path root = corpus_root();
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) TCCHAT_SKIP_TEST("SAX and DOM on the fuzz corpus: no corpus at " + root.string());
    tally t;
    for (const auto& dir : std::filesystem::directory_iterator(root, ec)) {
        if (!dir.is_directory()) continue;
        const std::string target = dir.path().filename().string();
        const bool typed = target == "response_decode" || target == "request_roundtrip";
        for (const auto& file : std::filesystem::directory_iterator(dir.path(), ec)) {
            if (!file.is_regular_file()) continue;
            const std::string data = test::read_file(file.path().string());
            const std::string label = target + "/" + file.path().filename().string();
            if (typed) {
                if (data.empty()) continue;
                const std::size_t endpoint = static_cast<unsigned char>(data[0]) % (type_count / 2);
                const std::size_t type = 2 * endpoint + (target == "response_decode" ? 1 : 0);
                t.compare_as(type, label, std::string_view(data).substr(1));
            } else {
                for (std::size_t type = 0; type < type_count; ++type) t.compare_as(type, label, data);
            }
        }
    }
    if (t.compared == 0) TCCHAT_SKIP_TEST("SAX and DOM on the fuzz corpus: the corpus at " + root.string() + " is empty");
    t.check();
}
