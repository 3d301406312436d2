// Codec behaviour beyond the samples: tolerance, exact JSON Pointers on errors, limits, escaping.
#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>

#include <catch2/catch.hpp>

using namespace tcchat;

namespace {
template <class T>
error decode_error(std::string_view text, const decode_limits& options = {}) {
    auto decoded = decode<T>(text, options);
    REQUIRE_FALSE(decoded.has_value());
    return decoded.error();
}
/// A byte-at-a-time reference: what JSON requires of a string, and what the encoder wrote before it scanned
/// eight bytes at a time and wrote through a buffer.
std::string escaped_reference(const std::string& text) {
    std::string out = "\"";
    for (const unsigned char c : text) {
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        } else out.push_back(static_cast<char>(c));
    }
    return out + "\"";
}
} // namespace

TEST_CASE("decode tolerates what live servers send (docs/design-decisions.md §2 and docs/protocol.md §1.4)", "[codec]") {
    SECTION("unknown keys are ignored") {
        auto r = decode<delete_response>(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Extra":{"x":[1,2]}})");
        REQUIRE(r.has_value());
        CHECK(r->ok());
    }
    SECTION("missing optional keys and null optionals are empty, and stay omitted on encode") {
        auto r = decode<get_contact_group_response>(R"({"ActionStatus":"FAIL","ErrorCode":51013,"ErrorInfo":"x","ErrorDisplay":null})");
        REQUIRE(r.has_value());
        CHECK_FALSE(r->ContactItem.has_value());
        CHECK_FALSE(r->ErrorDisplay.has_value());
        CHECK(encode(*r) == R"({"ActionStatus":"FAIL","ErrorCode":51013,"ErrorInfo":"x"})");
    }
    SECTION("Type as a numeric string is accepted and re-encoded as an integer (docs/protocol.md §6.2)") {
        auto r = decode<contact_mark_item>(R"({"Type":"2","ToGroupId":"@G"})");
        REQUIRE(r.has_value());
        CHECK(r->Type == conversation_type::group);
        CHECK(encode(*r) == R"({"Type":2,"ToGroupId":"@G"})");
    }
    SECTION("an unknown enum value survives decode and encode") {
        auto r = decode<mark_result>(R"({"OptType":9,"ContactItem":{"Type":7,"To_Account":"p"},"ResultCode":0,"ResultInfo":""})");
        REQUIRE(r.has_value());
        CHECK(static_cast<int>(r->OptType) == 9);
        CHECK(static_cast<int>(r->ContactItem.Type) == 7);
        CHECK(encode(*r) == R"({"OptType":9,"ContactItem":{"Type":7,"To_Account":"p"},"ResultCode":0,"ResultInfo":""})");
    }
    SECTION("duplicate keys: the last one wins (Boost.JSON parse_options default)") {
        auto r = decode<get_contact_group_request>(R"({"From_Account":"a","StartIndex":1,"StartIndex":5})");
        REQUIRE(r.has_value());
        CHECK(r->StartIndex == 5);
    }
    SECTION("64-bit timestamps and ids at their limits") {
        auto r = decode<contact_mark_item>(R"({"Type":1,"Timestamp":9223372036854775807,"ContactGroupId":[18446744073709551615]})");
        REQUIRE(r.has_value());
        CHECK(*r->Timestamp == INT64_MAX);
        CHECK((*r->ContactGroupId)[0] == UINT64_MAX);
    }
}

TEST_CASE("a key that differs from a member name in any one byte is unknown", "[codec]") {
    // Keys are looked up by length and first bytes before the rest is compared: every byte must count.
    // ToGroupId and ToGroupid (delete's spelling) differ only in their eighth byte.
    for (const std::string member : {"To_Account", "ToGroupId"}) {
        for (std::size_t at = 0; at < member.size(); ++at) {
            std::string key = member;
            key[at] = '#';
            INFO(key);
            auto decoded = decode<contact_item>(R"({"Type":1,")" + key + R"(":"x"})");
            REQUIRE(decoded.has_value());
            CHECK_FALSE(decoded->To_Account.has_value());
            CHECK_FALSE(decoded->ToGroupId.has_value());
        }
    }
    auto lower_d = decode<contact_item>(R"({"Type":2,"ToGroupid":"@G"})");
    REQUIRE(lower_d.has_value());
    CHECK_FALSE(lower_d->ToGroupId.has_value());
    auto upper_i = decode<delete_request>(R"({"From_Account":"u","Type":2,"ToGroupId":"@G"})");
    REQUIRE(upper_i.has_value());
    CHECK_FALSE(upper_i->ToGroupid.has_value());
}

TEST_CASE("decode errors name the field by JSON Pointer", "[codec]") {
    SECTION("wrong type deep inside an array") {
        auto e = decode_error<mark_contact_request>(
            R"({"From_Account":"u","MarkItem":[{"OptType":1,"ContactItem":{"Type":1}},{"OptType":1,"ContactItem":{"Type":[]}}]})");
        CHECK(e.value() == 50002);
        CHECK(e.pointer == "/MarkItem/1/ContactItem/Type");
        CHECK(e.message == "expected an integer, found an array");
        CHECK(e.origin == error_origin::decode);
    }
    SECTION("a missing required key") {
        auto e = decode_error<search_contact_group_request>(R"({"From_Account":"u","ContactItem":[{"To_Account":"p"}]})");
        CHECK(e.value() == 50002);
        CHECK(e.pointer == "/ContactItem/0/Type");
        CHECK(e.message == "required key is missing");
    }
    SECTION("an integer out of range for int32") {
        auto e = decode_error<mark_result>(R"({"OptType":1,"ContactItem":{"Type":1},"ResultCode":2147483648,"ResultInfo":""})");
        CHECK(e.pointer == "/ResultCode");
        CHECK(e.message == "2147483648 is out of range for int32");
    }
    SECTION("-1 and 2^64 where the field is unsigned") {
        auto negative = decode_error<group_item>(R"({"GroupName":"g","GroupId":-1})");
        CHECK(negative.pointer == "/GroupId");
        CHECK(negative.message == "-1 is out of range for uint64");
        auto too_big = decode_error<group_item>(R"({"GroupName":"g","GroupId":18446744073709551616})");
        CHECK(too_big.pointer == "/GroupId");
        CHECK(too_big.value() == 50002);
    }
    SECTION("1e400 and fractions are not integers") {
        auto e = decode_error<get_contact_group_request>(R"({"From_Account":"u","StartIndex":1.5})");
        CHECK(e.pointer == "/StartIndex");
        auto huge = decode<get_contact_group_request>(R"({"From_Account":"u","StartIndex":1e400})");
        REQUIRE_FALSE(huge.has_value()); // either a syntax error or a non-integer: never a value
    }
    SECTION("numeric strings with spaces, signs or nothing are rejected") {
        for (const char* text : {R"(" 1")", R"("1 ")", R"("+1")", R"("")", R"("0x1")", R"("1.0")"}) {
            auto e = decode_error<contact_item>(std::string(R"({"Type":)") + text + "}");
            CHECK(e.pointer == "/Type");
            CHECK(e.value() == 50002);
        }
    }
    SECTION("numeric strings are only accepted for wire enums, not for plain integers") {
        auto e = decode_error<get_contact_group_request>(R"({"From_Account":"u","StartIndex":"1"})");
        CHECK(e.pointer == "/StartIndex");
        CHECK(e.message == "expected an integer, found a string");
    }
    SECTION("a malformed document is 60003 with the byte offset") {
        auto e = decode_error<delete_response>(R"({"ActionStatus":"OK",})");
        CHECK(e.value() == 60003);
        CHECK(e.pointer == "");
        CHECK(e.message.find("byte 21") != std::string::npos);
    }
    SECTION("a document that is not an object") {
        auto e = decode_error<delete_response>("[1,2]");
        CHECK(e.value() == 50002);
        CHECK(e.pointer == "");
        CHECK(e.message == "expected an object, found an array");
    }
    SECTION("a document nested past the depth limit") {
        const std::string deep = R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","x":)" + std::string(40, '[') +
                                 std::string(40, ']') + "}";
        auto e = decode_error<delete_response>(deep);
        CHECK(e.value() == static_cast<int>(code::local_limit_exceeded));
        CHECK(e.message == "JSON nesting exceeds the depth limit of 32");
    }
    SECTION("StandardMark that is not a binary numeral") {
        auto e = decode_error<contact_mark_item>(R"({"Type":1,"StandardMark":"10201"})");
        CHECK(e.pointer == "/StandardMark");
        CHECK(e.value() == 50002);
    }
    SECTION("keys with / and ~ are escaped in pointers (RFC 6901)") {
        detail::path root;
        const detail::path a = root.key("a/b");
        const detail::path b = a.key("c~d");
        CHECK(b.index(3).to_pointer() == "/a~1b/c~0d/3");
    }
}

TEST_CASE("encode escapes strings so that decode gives them back", "[codec]") {
    const std::string awkward = std::string("quote\" back\\ nl\n tab\t nul") + '\0' + " ctl\x01 utf8 \xE4\xBD\xA0";
    del_contact_group_request request{"u", {awkward}};
    const std::string text = encode(request);
    CHECK(text.find(R"(quote\" back\\ nl\n tab\t nul\u0000 ctl\u0001)") != std::string::npos);
    auto back = decode<del_contact_group_request>(text);
    REQUIRE(back.has_value());
    CHECK(back->GroupName.at(0) == awkward);
}

TEST_CASE("decode_or_throw carries the error in tcchat::exception", "[codec]") {
    try {
        (void)decode_or_throw<group_item>(R"({"GroupName":1,"GroupId":1})");
        FAIL("no exception");
    } catch (const tcchat::exception& e) {
        CHECK(e.get().pointer == "/GroupName");
        CHECK(std::string(e.what()) == "50002 at /GroupName: expected a string, found an integer");
    }
}

TEST_CASE("decode_into fills a value in place and answers decode's error", "[codec]") {
    get_contact_group_response page;
    REQUIRE_FALSE(decode_into(page, R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CompleteFlag":1,)"
                                    R"("ContactItem":[],"GroupItem":[{"GroupName":"g","GroupId":7}]})"));
    REQUIRE(page.GroupItem.has_value());
    CHECK(page.GroupItem->at(0).GroupName == "g");
    CHECK(page.GroupItem->at(0).GroupId == 7);
    CHECK(page.CompleteFlag == complete_flag::complete);
    CHECK(page.ContactItem.has_value());
    CHECK(page.ContactItem->empty());

    group_item item;
    const std::string_view wrong = R"({"GroupName":1,"GroupId":1})";
    const auto failed = decode_into(item, wrong);
    REQUIRE(failed.has_value());
    CHECK(failed->pointer == "/GroupName");
    CHECK(failed->message == decode_error<group_item>(wrong).message);
}

TEST_CASE("encode escapes a special byte at every position of the eight-byte scan", "[codec][encode]") {
    for (const char special : {'"', '\\', '\n', '\t', '\x01', '\x1f', '\0'}) {
        for (std::size_t at = 0; at < 19; ++at) {
            std::string text = "abcdefgh\xc3\xa9ijklmnopq"; // 19 bytes, a 2-byte character inside a word
            text[at] = special;
            const del_contact_group_request request{text, {}};
            const std::string expected = "{\"From_Account\":" + escaped_reference(text) + ",\"GroupName\":[]}";
            INFO("byte " << static_cast<int>(special) << " at " << at);
            CHECK(encode(request) == expected);
        }
    }
    // Bytes 0x20 and up, 0x80 and up included, are written as they are.
    std::string plain;
    for (int c = 0x20; c < 0x100; ++c)
        if (c != '"' && c != '\\') plain.push_back(static_cast<char>(c));
    CHECK(encode(del_contact_group_request{plain, {}}) == "{\"From_Account\":\"" + plain + "\",\"GroupName\":[]}");
}

TEST_CASE("encode is exact wherever its buffer fills: keys and numbers and marks and escapes across the boundary", "[codec][encode]") {
    constexpr std::size_t buffer = detail::json_buffer::capacity;
    // The padding moves every later piece across the point where the buffer is appended to the string.
    for (std::size_t pad = buffer - 90; pad < buffer + 10; ++pad) {
        contact_mark_item item;
        item.Type = conversation_type::group;
        item.To_Account = std::string(pad, 'a') + "\"\\\n\x01";
        item.StandardMark = standard_mark((std::uint64_t{1} << 63) | 5);
        item.ContactGroupId = std::vector<std::uint64_t>{18446744073709551615u, 0};
        item.Timestamp = -9223372036854775807 - 1;
        const std::string expected = "{\"Type\":2,\"To_Account\":" + escaped_reference(*item.To_Account) +
                                     ",\"StandardMark\":\"1" + std::string(60, '0') + "101\"" +
                                     ",\"ContactGroupId\":[18446744073709551615,0],\"Timestamp\":-9223372036854775808}";
        INFO("padding " << pad);
        REQUIRE(encode(item) == expected);
    }
    // A string longer than the buffer, with escapes inside, and encode_to appending to text already there.
    std::string long_text(3 * buffer + 7, 'x');
    for (std::size_t at = 0; at < long_text.size(); at += 997) long_text[at] = '"';
    std::string out = "prefix";
    encode_to(out, del_contact_group_request{long_text, {long_text, ""}});
    CHECK(out == "prefix{\"From_Account\":" + escaped_reference(long_text) + ",\"GroupName\":[" +
                     escaped_reference(long_text) + ",\"\"]}");
}
