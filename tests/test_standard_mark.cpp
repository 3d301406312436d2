// StandardMark (docs/protocol.md §4): MSB-first binary numeral, rightmost character is bit 0.
#include <tcchat/standard_mark.hpp>

#include <catch2/catch.hpp>

using tcchat::mark_bit;
using tcchat::standard_mark;

TEST_CASE("every example of docs/protocol.md §4.2 decodes to its documented value and bits", "[standard_mark]") {
    struct example {
        const char* text;
        std::uint64_t value;
        const char* minimal;
    };
    const example examples[] = {
        {"111001", 0x39, "111001"},
        {"11111110", 0xFE, "11111110"},
        {"011111110", 0xFE, "11111110"},
        {"10000000000000000000000000000000000", std::uint64_t{1} << 34, "10000000000000000000000000000000000"},
        {"", 0, ""},
    };
    for (const auto& e : examples) {
        auto parsed = standard_mark::parse(e.text);
        REQUIRE(parsed.has_value());
        CHECK(parsed->bits() == e.value);
        CHECK(parsed->to_string() == e.minimal);
    }
    auto favorite_hidden = standard_mark::parse("111001").value();
    CHECK(favorite_hidden.test(mark_bit::favorite));
    CHECK_FALSE(favorite_hidden.test(mark_bit::unread));
    CHECK(favorite_hidden.test(mark_bit::hidden));
    CHECK(standard_mark::parse("11111110").value() == standard_mark::parse("011111110").value());
}

TEST_CASE("StandardMark accepts 64 significant bits and any number of leading zeros", "[standard_mark]") {
    const std::string all_ones(64, '1');
    CHECK(standard_mark::parse(all_ones).value().bits() == UINT64_MAX);
    CHECK(standard_mark::parse(std::string(100, '0') + "1").value().bits() == 1);
    CHECK(standard_mark::parse("1" + std::string(63, '0')).value().test(63));
}

TEST_CASE("StandardMark rejects other characters and more than 64 significant bits", "[standard_mark]") {
    CHECK_FALSE(standard_mark::parse("1" + std::string(64, '0')).has_value());
    CHECK_FALSE(standard_mark::parse("102").has_value());
    CHECK_FALSE(standard_mark::parse(" 1").has_value());
    CHECK_FALSE(standard_mark::parse("0b1").has_value());
    auto error = standard_mark::parse("12").error();
    CHECK(error.value() == 50002);
}

TEST_CASE("StandardMark bit operations", "[standard_mark]") {
    standard_mark mark;
    mark.set(mark_bit::unread).set(34).set(64); // 64 is out of range and ignored
    CHECK(mark.bits() == ((std::uint64_t{1} << 34) | 2));
    CHECK(mark.test_customer(2));
    CHECK_FALSE(mark.test(64));
    mark.reset(34).reset(mark_bit::unread);
    CHECK(mark.empty());
    CHECK(mark.to_string().empty());
}
