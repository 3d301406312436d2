// Hostile inputs: each comes back as a clear error (code, JSON Pointer, message) and never as a crash, a hang
// or an exception. The fuzz harnesses (fuzz/) search for more; these pin the known cases and record what
// the library does with each, including what Boost.JSON 1.81 decides before tcchat sees a value.
#include "oracle/dom_reference.hpp" // decode_dom, decode_value, parse_json: the test oracle
#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/validate.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace tcchat;
using namespace tcchat::test_oracle;
using namespace std::string_literals;

namespace {

/// Bytes held through the global operator new right now, and the most held since a test reset it: how the
/// 50 MB test below sees that decode_dom never holds the DOM of a body past the limits. Every test program
/// counts (the count is two relaxed atomics); only that test reads it.
struct heap_counter {
    std::atomic<std::size_t> held{0};
    std::atomic<std::size_t> peak{0};

    void add(std::size_t bytes) noexcept {
        const std::size_t now = held.fetch_add(bytes, std::memory_order_relaxed) + bytes;
        std::size_t seen = peak.load(std::memory_order_relaxed);
        while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
    }
    void remove(std::size_t bytes) noexcept { held.fetch_sub(bytes, std::memory_order_relaxed); }
    /// Starts a measurement: the peak is what is held now.
    std::size_t reset_peak() noexcept {
        const std::size_t now = held.load(std::memory_order_relaxed);
        peak.store(now, std::memory_order_relaxed);
        return now;
    }
};

heap_counter heap;

// Each block starts with its size, in a header that keeps the block aligned for any fundamental type.
constexpr std::size_t header_bytes = alignof(std::max_align_t);

void* counted_allocate(std::size_t size) noexcept {
    auto* block = static_cast<unsigned char*>(std::malloc(size + header_bytes));
    if (block == nullptr) return nullptr;
    *reinterpret_cast<std::size_t*>(block) = size;
    heap.add(size);
    return block + header_bytes;
}

void counted_free(void* memory) noexcept {
    if (memory == nullptr) return;
    auto* block = static_cast<unsigned char*>(memory) - header_bytes;
    heap.remove(*reinterpret_cast<std::size_t*>(block));
    std::free(block);
}

void* counted_allocate_or_throw(std::size_t size) {
    if (void* memory = counted_allocate(size)) return memory;
    throw std::bad_alloc();
}

} // namespace

// Every non-aligned form is replaced: a sanitizer runtime defines each form on its own, so a form left out
// would hand out blocks without the header. The aligned forms keep their own pairs and are not counted.
void* operator new(std::size_t size) { return counted_allocate_or_throw(size); }
void* operator new[](std::size_t size) { return counted_allocate_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_allocate(size); }
void operator delete(void* memory) noexcept { counted_free(memory); }
void operator delete[](void* memory) noexcept { counted_free(memory); }
void operator delete(void* memory, std::size_t) noexcept { counted_free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { counted_free(memory); }
void operator delete(void* memory, const std::nothrow_t&) noexcept { counted_free(memory); }
void operator delete[](void* memory, const std::nothrow_t&) noexcept { counted_free(memory); }

namespace {

/// Requires `decoded` to be an error with this code and pointer, whose message contains `words`.
template <class T>
void require_error(const result<T>& decoded, code expected, std::string_view pointer, std::string_view words) {
    REQUIRE_FALSE(decoded.has_value());
    const error& failure = decoded.error();
    INFO(failure.value() << " at '" << failure.pointer << "': " << failure.message);
    CHECK(failure.value() == static_cast<int>(expected));
    CHECK(failure.origin == error_origin::decode);
    CHECK(failure.pointer == pointer);
    CHECK_THAT(failure.message, Catch::Contains(std::string(words)));
}

/// A delete_response whose ErrorInfo string holds `raw` (inserted as is: escapes or raw bytes).
std::string response_with_error_info(std::string_view raw) {
    return R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":")" + std::string(raw) + R"("})";
}

/// A del_contact_group_response whose first GroupId is the number text `number`.
std::string response_with_group_id(std::string_view number) {
    return R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupItem":[{"GroupName":"g","GroupId":)" +
           std::string(number) + "}]}";
}

/// A search_contact_group_request whose one contact has `type` as its Type (JSON text).
std::string search_with_type(std::string_view type) {
    return R"({"From_Account":"u","ContactItem":[{"Type":)" + std::string(type) + R"(,"To_Account":"p"}]})";
}

constexpr std::string_view byte_offset_words = "JSON syntax error at byte ";

} // namespace

TEST_CASE("a nesting bomb of 100000 open brackets stops at the depth limit", "[hostile]") {
    const std::string bomb(100000, '[');
    require_error(decode<get_list_response>(bomb), code::local_limit_exceeded, "",
                  "JSON nesting exceeds the depth limit of 32");
    // Objects nest the same way.
    std::string objects;
    for (int i = 0; i < 20000; ++i) objects += R"({"a":)";
    require_error(decode<get_list_response>(objects), code::local_limit_exceeded, "", "depth limit of 32");
}

TEST_CASE("a 50 MB array of zeros is refused by the body limit before parsing", "[hostile]") {
    constexpr std::size_t fifty_megabytes = 50u * 1024u * 1024u;
    std::string items = "0,";
    while (items.size() < fifty_megabytes) items += items; // doubling: 25 appends rather than 26 million
    items.resize(fifty_megabytes);                         // still whole "0," pairs: the size is even
    const std::string zeros = "[" + items + "0]";
    // The message is the size check's, which runs before the parser sees a byte; no time is asserted.
    require_error(decode<get_list_response>(zeros), code::local_limit_exceeded, "",
                  "body is " + std::to_string(zeros.size()) + " bytes; the limit is " +
                      std::to_string(TCCHAT_MAX_BODY_BYTES));
}

TEST_CASE("decode_dom refuses a 50 MB array of zeros at the item limit without building its DOM", "[hostile]") {
    constexpr std::size_t fifty_megabytes = 50u * 1024u * 1024u;
    std::string items = "0,";
    while (items.size() < fifty_megabytes) items += items;
    items.resize(fifty_megabytes);
    const std::string body = R"({"From_Account":"user_0001","MarkItem":[{"OptType":1,)"
                             R"("ContactItem":{"Type":1,"To_Account":"user_0002"},"SetMark":[)" +
                             items + "0]}]}";
    items = std::string();
    decode_limits options;
    options.max_body_bytes = 64u * 1024u * 1024u; // the body passes: the array meets max_array_items
    const std::string words = "array holds " + std::to_string(fifty_megabytes / 2 + 1) + " items; the limit is " +
                              std::to_string(TCCHAT_MAX_ARRAY_ITEMS);

    const std::size_t before = heap.reset_peak();
    const auto decoded = decode_dom<mark_contact_request>(body, options);
    const std::size_t peak = heap.peak.load() - before;
    require_error(decoded, code::local_limit_exceeded, "/MarkItem/0/SetMark", words);
    // Its DOM would hold 16 bytes per item, 400 MB; what is held is at most the 100000 items of the limit.
    INFO("peak bytes held during decode_dom: " << peak);
    CHECK(peak < 4u * 1024u * 1024u);
    // The SAX decoder (decode) gives the same answer word for word, as the differential tests require.
    require_error(decode<mark_contact_request>(body, options), code::local_limit_exceeded, "/MarkItem/0/SetMark", words);
}

namespace {
/// The most heap bytes held at once, beyond what was held before, while `decoding` runs.
template <class Decoding>
std::size_t peak_heap_during(Decoding&& decoding) {
    const std::size_t before = heap.reset_peak();
    decoding();
    return heap.peak.load() - before;
}
} // namespace

TEST_CASE("decode limits are configurable and checked before allocating", "[codec][limits]") {
    // Each input is a megabyte or more past a configured limit. The heap held while decoding it stays far below
    // what decoding the input would take, so the limit stopped the decoder before it allocated for the input.
    constexpr std::size_t megabyte = 1024 * 1024;
    std::optional<result<delete_response>> body_result;
    decode_limits tight;
    tight.max_body_bytes = 64;
    const std::string spaces(megabyte, ' ');
    const std::size_t body_peak = peak_heap_during([&] { body_result = decode<delete_response>(spaces, tight); });
    require_error(*body_result, code::local_limit_exceeded, "", "body is 1048576 bytes; the limit is 64");
    INFO("peak bytes held: " << body_peak);
    CHECK(body_peak < 4096); // a copy of the body alone would be a megabyte

    constexpr std::size_t item_count = 200000;
    std::string names = R"({"From_Account":"u","GroupName":[)";
    for (std::size_t i = 0; i < item_count; ++i) names += i == 0 ? R"("a")" : R"(,"a")";
    names += "]}";
    decode_limits few_items;
    few_items.max_array_items = 2;
    std::optional<result<del_contact_group_request>> items_result;
    const std::size_t items_peak = peak_heap_during([&] { items_result = decode<del_contact_group_request>(names, few_items); });
    require_error(*items_result, code::local_limit_exceeded, "/GroupName",
                  "array holds " + std::to_string(item_count) + " items; the limit is 2");
    INFO("peak bytes held: " << items_peak);
    CHECK(items_peak < item_count * sizeof(std::string) / 16); // the vector of names alone: 6.4 MB

    std::string long_account = R"({"From_Account":")" + std::string(megabyte, 'a') + R"(","GroupName":[]})";
    decode_limits short_strings;
    short_strings.max_string_bytes = 3;
    std::optional<result<del_contact_group_request>> text_result;
    const std::size_t text_peak =
        peak_heap_during([&] { text_result = decode<del_contact_group_request>(long_account, short_strings); });
    require_error(*text_result, code::local_limit_exceeded, "/From_Account", "the limit is 3");
    INFO("peak bytes held: " << text_peak);
    CHECK(text_peak < megabyte / 16); // the string itself would be a megabyte
}

TEST_CASE("decode_dom: an array or a string past the limits under an unknown key is no error", "[hostile]") {
    decode_limits options;
    options.max_array_items = 2;
    options.max_string_bytes = 4;
    const std::string body = R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Extra":[1,2,3,"longer than 4"]})";
    const auto dom = decode_dom<delete_response>(body, options);
    REQUIRE(dom.has_value());
    CHECK(encode(*dom) == encode(decode<delete_response>(body, options).value()));
    // Within a typed member the same array is 90005 at its pointer, from both decoders.
    const std::string typed = R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupItem":[{"GroupName":"g","GroupId":1},1,2]})";
    require_error(decode_dom<del_contact_group_response>(typed, options), code::local_limit_exceeded, "/GroupItem",
                  "array holds 3 items; the limit is 2");
    require_error(decode<del_contact_group_response>(typed, options), code::local_limit_exceeded, "/GroupItem",
                  "array holds 3 items; the limit is 2");
}

TEST_CASE("2^64 and -1 are refused where the field is unsigned (GroupId is uint64)", "[hostile]") {
    SECTION("2^64 does not fit 64 bits: Boost.JSON reads it as a double, which no integer field accepts") {
        require_error(decode<del_contact_group_response>(response_with_group_id("18446744073709551616")),
                      code::invalid_parameters, "/GroupItem/0/GroupId", "more than 64 bits");
    }
    SECTION("-1") {
        require_error(decode<del_contact_group_response>(response_with_group_id("-1")), code::invalid_parameters,
                      "/GroupItem/0/GroupId", "-1 is out of range for uint64");
    }
    SECTION("2^64 - 1 is the largest GroupId and decodes") {
        auto decoded = decode<del_contact_group_response>(response_with_group_id("18446744073709551615"));
        REQUIRE(decoded.has_value());
        CHECK(decoded->GroupItem.value().at(0).GroupId == std::numeric_limits<std::uint64_t>::max());
    }
    SECTION("-1 inside an array of unsigned ids names the element") {
        auto decoded = decode<get_contact_group_response>(
            R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[{"Type":1,"To_Account":"p","ContactGroupId":[1,-1]}]})");
        require_error(decoded, code::invalid_parameters, "/ContactItem/0/ContactGroupId/1", "-1 is out of range for uint64");
    }
}

TEST_CASE("ErrorCode (int32) takes -2^31 and both decoders refuse -2^31 - 1", "[hostile]") {
    const auto envelope = [](std::string_view number) {
        return R"({"ActionStatus":"OK","ErrorCode":)" + std::string(number) + R"(,"ErrorInfo":""})";
    };
    const auto smallest = decode<delete_response>(envelope("-2147483648"));
    REQUIRE(smallest.has_value());
    CHECK(smallest->ErrorCode == std::numeric_limits<std::int32_t>::min());
    require_error(decode<delete_response>(envelope("-2147483649")), code::invalid_parameters, "/ErrorCode",
                  "-2147483649 is out of range for int32");
    require_error(decode_dom<delete_response>(envelope("-2147483649")), code::invalid_parameters, "/ErrorCode",
                  "-2147483649 is out of range for int32");
}

TEST_CASE("Type as a numeric string takes -2^31 and refuses -2^31 - 1 and 2^64 and the characters beside the digits", "[hostile]") {
    const auto contact = [](std::string_view digits) { return R"({"Type":")" + std::string(digits) + R"("})"; };
    const auto smallest = decode<contact_item>(contact("-2147483648"));
    REQUIRE(smallest.has_value());
    CHECK(static_cast<std::int32_t>(smallest->Type) == std::numeric_limits<std::int32_t>::min()); // an open enum
    // '/' and ':' are the characters just below '0' and just above '9'.
    for (const char* outside : {"-2147483649", "2147483648", "18446744073709551616", "184467440737095516160", "1/", "1:"}) {
        INFO(outside);
        const auto decoded = decode<contact_item>(contact(outside));
        REQUIRE_FALSE(decoded.has_value());
        CHECK(decoded.error().value() == 50002);
        CHECK(decoded.error().pointer == "/Type");
        CHECK_FALSE(decode_dom<contact_item>(contact(outside)).has_value());
    }
}

TEST_CASE("1e400 is a number that no integer or string field accepts", "[hostile]") {
    // Boost.JSON parses 1e400 (and -1e400) as a double infinity rather than failing, so the field decides.
    require_error(decode<del_contact_group_response>(response_with_group_id("1e400")), code::invalid_parameters,
                  "/GroupItem/0/GroupId", "a number with a fraction, an exponent or more than 64 bits");
    require_error(decode<delete_response>(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":1e400})"),
                  code::invalid_parameters, "/ErrorInfo", "expected a string, found a non-integer number");
    SECTION("under a key the model does not know, it is ignored like any unknown key") {
        auto decoded = decode<delete_response>(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Extra":1e400})");
        CHECK(decoded.has_value());
    }
}

TEST_CASE("invalid UTF-8 inside a string is a JSON syntax error at its byte", "[hostile]") {
    // Boost.JSON validates UTF-8 while parsing (its default), so invalid text never reaches a model.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a byte that never starts a sequence", "\xFF"},
        {"an overlong encoding of '/'", "\xC0\xAF"},
        {"an encoded surrogate U+D800", "\xED\xA0\x80"},
        {"a code point above U+10FFFF", "\xF4\x90\x80\x80"},
        {"a sequence cut short", "\xE2\x82"},
    };
    for (const auto& [what, bytes] : cases) {
        INFO(what);
        const std::string text = response_with_error_info("ok" + bytes);
        const std::size_t offset = text.find(bytes);
        auto decoded = decode<delete_response>(text);
        require_error(decoded, code::json_parse_error, "", byte_offset_words);
        // The reported byte is at the bad sequence or inside it, never before it.
        const std::string& message = decoded.error().message;
        const std::size_t reported = std::stoul(message.substr(message.find(byte_offset_words) + byte_offset_words.size()));
        CHECK(reported >= offset);
        CHECK(reported <= offset + bytes.size());
    }
}

TEST_CASE("escaped lone surrogates are a syntax error - an escaped pair decodes to UTF-8", "[hostile]") {
    // Boost.JSON 1.81 rejects unpaired \uD800-\uDFFF escapes instead of substituting U+FFFD, so a decoded
    // string is always well-formed UTF-8 (validate()'s string.utf8 rule cannot fire on decoded input).
    // A high surrogate must be followed by "\u": the closing quote is a plain syntax error.
    require_error(decode<delete_response>(response_with_error_info(R"(\ud800)")), code::json_parse_error, "",
                  "JSON syntax error at byte 54: syntax error");
    // Boost.JSON calls a low surrogate without its high one, or a high one followed by anything but a low
    // one, an "illegal trailing surrogate".
    require_error(decode<delete_response>(response_with_error_info(R"(\udc00)")), code::json_parse_error, "",
                  "JSON syntax error at byte 54: illegal trailing surrogate");
    require_error(decode<delete_response>(response_with_error_info(R"(\ud800\u0041)")), code::json_parse_error, "",
                  "JSON syntax error at byte 56: illegal trailing surrogate");
    auto pair = decode<delete_response>(response_with_error_info(R"(\ud83d\ude00)"));
    REQUIRE(pair.has_value());
    CHECK(pair->ErrorInfo == "\xF0\x9F\x98\x80");
}

TEST_CASE("NUL inside strings: escaped NUL decodes validate() refuses it a raw NUL is a syntax error", "[hostile]") {
    auto decoded = decode<get_list_request>(R"({"From_Account":"a\u0000b","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":63})");
    REQUIRE(decoded.has_value());
    CHECK(decoded->From_Account == "a\0b"s);
    CHECK_THAT(encode(*decoded), Catch::Contains(R"("From_Account":"a\u0000b")"));

    const report found = validate(*decoded);
    REQUIRE(found.violations.size() == 1);
    CHECK(found.violations[0].rule == "get_list.string.nul");
    CHECK(found.violations[0].pointer == "/From_Account");
    CHECK(found.violations[0].code == make_error_code(code::invalid_parameters));
    CHECK(found.violations[0].message == "holds a NUL byte at byte 1");

    // JSON forbids unescaped control characters in strings.
    require_error(decode<delete_response>(response_with_error_info("a\0b"s)), code::json_parse_error, "",
                  byte_offset_words);
}

TEST_CASE("duplicate keys: the last occurrence wins", "[hostile]") {
    // Boost.JSON 1.81 keeps the last value of a repeated key; earlier ones are dropped before decoding, so
    // even an earlier value of the wrong type is never seen.
    auto decoded = decode<delete_request>(
        R"({"From_Account":"first","Type":"x","From_Account":"last","Type":2,"ToGroupid":"@TGS#1"})");
    REQUIRE(decoded.has_value());
    CHECK(decoded->From_Account == "last");
    CHECK(decoded->Type == conversation_type::group);
    CHECK(encode(*decoded) == R"({"From_Account":"last","Type":2,"ToGroupid":"@TGS#1"})");
}

TEST_CASE("a UTF-8 byte order mark is a JSON syntax error", "[hostile]") {
    const std::string with_bom = "\xEF\xBB\xBF" + test::sample("delete.response.json");
    require_error(decode<delete_response>(with_bom), code::json_parse_error, "", "JSON syntax error at byte 0");
}

namespace {

/// Decodes every prefix of `text` as T; returns a description of each prefix that did not behave: a proper
/// prefix of the document must fail with 60003, anything from the whole document on must decode.
template <class T>
std::vector<std::string> misbehaving_prefixes(const std::string& text) {
    const std::size_t document_end = text.find_last_not_of(" \t\r\n") + 1; // trailing whitespace is allowed
    std::vector<std::string> problems;
    for (std::size_t length = 0; length <= text.size(); ++length) {
        const std::string_view prefix(text.data(), length);
        const std::string where = "prefix of " + std::to_string(length) + " bytes: ";
        try {
            auto decoded = decode<T>(prefix);
            if (length >= document_end) {
                if (!decoded) problems.push_back(where + "the whole document fails: " + decoded.error().message);
            } else if (decoded) {
                problems.push_back(where + "decoded although truncated");
            } else if (decoded.error().value() != static_cast<int>(code::json_parse_error) ||
                       !decoded.error().pointer.empty()) {
                problems.push_back(where + "error " + std::to_string(decoded.error().value()) + " at '" +
                                   decoded.error().pointer + "' instead of 60003");
            }
        } catch (const std::exception& e) {
            problems.push_back(where + "threw " + e.what());
        }
    }
    return problems;
}

} // namespace

TEST_CASE("every sample truncated at every byte offset fails cleanly with 60003", "[hostile]") {
    std::size_t samples = 0;
    for (const auto& entry : std::filesystem::directory_iterator(TCCHAT_SAMPLES_DIR)) {
        if (entry.path().extension() != ".json") continue;
        const std::string file = entry.path().filename().string();
        INFO(file);
        // <command>.<request|response>[.<variant>].json
        const std::string command = file.substr(0, file.find('.'));
        const bool is_request = file.find(".request.") != std::string::npos;
        const std::string text = test::sample(file);
        std::vector<std::string> problems;
        const bool known = visit_endpoint(command, [&](auto endpoint) {
            using endpoint_type = decltype(endpoint);
            problems = is_request ? misbehaving_prefixes<typename endpoint_type::request>(text)
                                  : misbehaving_prefixes<typename endpoint_type::response>(text);
        });
        REQUIRE(known);
        for (std::size_t i = 0; i < problems.size() && i < 5; ++i) UNSCOPED_INFO(problems[i]);
        CHECK(problems.empty());
        ++samples;
    }
    CHECK(samples >= 16);
}

TEST_CASE("Type as a numeric string: decimal digits with an optional '-' nothing else", "[hostile]") {
    SECTION("\"2\" is accepted (docs/protocol.md §6.2)") {
        auto decoded = decode<search_contact_group_request>(search_with_type(R"("2")"));
        REQUIRE(decoded.has_value());
        CHECK(decoded->ContactItem.at(0).Type == conversation_type::group);
    }
    SECTION("spaces, '+', fractions, hex, exponents, other digits and \"\" are refused") {
        for (const char* type : {R"(" 1")", R"("1 ")", R"("+1")", R"("1.0")", R"("0x1")", R"("1e0")", R"("")",
                                 "\"\xD9\xA1\"" /* ARABIC-INDIC DIGIT ONE */}) {
            INFO(type);
            require_error(decode<search_contact_group_request>(search_with_type(type)), code::invalid_parameters,
                          "/ContactItem/0/Type", "expected an integer or a string of decimal digits for int32");
        }
    }
    SECTION("past int32 is refused") {
        require_error(decode<search_contact_group_request>(search_with_type(R"("99999999999")")),
                      code::invalid_parameters, "/ContactItem/0/Type", "decimal digits for int32");
    }
    SECTION("\"-1\" decodes (the wire enum is a signed int32) and validate() refuses the value") {
        auto decoded = decode<search_contact_group_request>(search_with_type(R"("-1")"));
        REQUIRE(decoded.has_value());
        CHECK(static_cast<int>(decoded->ContactItem.at(0).Type) == -1);
        const report found = validate(*decoded);
        REQUIRE_FALSE(found.ok());
        CHECK(found.violations[0].rule == "search_contact_group.contact_item.type");
        CHECK(found.violations[0].pointer == "/ContactItem/0/Type");
    }
}

TEST_CASE("an empty body and whitespace alone are JSON syntax errors not a crash", "[hostile]") {
    require_error(decode<delete_response>(""), code::json_parse_error, "", "incomplete JSON");
    require_error(decode<delete_response>(" \t\r\n "), code::json_parse_error, "", "incomplete JSON");
    require_error(decode<delete_request>(std::string_view()), code::json_parse_error, "", "JSON syntax error at byte 0");
}

TEST_CASE("an object without its required keys names the first missing one", "[hostile]") {
    // Found by the fuzz seeds while the SAX decoder was being written: it built this pointer from the closing
    // object's own frame, reading a member name out of bounds when no key had been seen (ASan) and naming the
    // wrong field otherwise. fuzz/regressions/dom_parse_limits/sax-missing-key-* replays it.
    require_error(decode<delete_response>("{}"), code::invalid_parameters, "/ActionStatus", "required key is missing");
    require_error(decode<delete_response>(R"({"ErrorInfo":"","ErrorCode":0})"), code::invalid_parameters,
                  "/ActionStatus", "required key is missing");
    require_error(decode<search_contact_group_request>(R"({"From_Account":"u","ContactItem":[{}]})"),
                  code::invalid_parameters, "/ContactItem/0/Type", "required key is missing");
}

TEST_CASE("a document that is JSON but not an object names the root", "[hostile]") {
    for (const char* text : {"null", "[]", "0", "\"x\"", "true"}) {
        INFO(text);
        require_error(decode<delete_response>(text), code::invalid_parameters, "", "expected an object, found ");
    }
}
