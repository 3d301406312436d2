#pragma once
// StandardMark (docs/protocol.md §4): a 64-bit set of conversation marks. On the wire it is a binary numeral whose
// rightmost character is bit 0, of any length, leading zeros allowed, "" meaning no marks (§4.2).
// Compare values, never strings: "11111110" and "011111110" are the same mark.

#include <tcchat/version.hpp>
#include <tcchat/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN

/// Named bits (docs/protocol.md §4.1). Bits 4..31 are Chat-internal; 32..63 belong to the customer.
enum class mark_bit : unsigned {
    favorite = 0,
    unread = 1,
    collapsed = 2,
    hidden = 3,
};

/// Customer bit n (0..31), which is StandardMark bit 32 + n (docs/protocol.md §4.1).
struct customer_bit {
    unsigned n = 0;
};

/// A bit number as SetMark and ClearMark carry it, named rather than written as a number:
/// `mark_bit::favorite` or `customer_bit{2}` (bit 34). A customer bit past 31 stays out of range (64 and up),
/// so that the validator reports it (50002) instead of it being dropped.
class mark_bit_number {
public:
    /// A named mark's bit: favorite 0, unread 1, collapsed 2, hidden 3.
    constexpr mark_bit_number(mark_bit bit) noexcept : number_(static_cast<std::int64_t>(bit)) {}
    /// Bit 32 + n of customer bit n; n past 31 gives 64 and up, which the validator reports.
    constexpr mark_bit_number(customer_bit bit) noexcept : number_(32 + static_cast<std::int64_t>(bit.n)) {}
    /// The bit number as SetMark and ClearMark send it, 0..63 when in range.
    constexpr std::int64_t number() const noexcept { return number_; }

private:
    std::int64_t number_;
};

/// The value of a StandardMark: 64 bits, with the named bits of mark_bit and 32 customer bits.
class standard_mark {
public:
    static constexpr unsigned bit_count = 64;
    static constexpr unsigned first_customer_bit = 32;

    constexpr standard_mark() noexcept = default;
    /// The mark whose bit n is bit n of `bits` (bit 0 = favorite, bits 32..63 the customer's).
    constexpr explicit standard_mark(std::uint64_t bits) noexcept : bits_(bits) {}

    /// The 64 mark bits as one integer, bit 0 = favorite.
    constexpr std::uint64_t bits() const noexcept { return bits_; }
    /// True when no bit is set: the wire's "".
    constexpr bool empty() const noexcept { return bits_ == 0; }

    /// Out-of-range bit numbers (>= 64) read as unset and are ignored by set/reset.
    constexpr bool test(unsigned bit) const noexcept { return bit < bit_count && ((bits_ >> bit) & 1u) != 0; }
    /// Whether the named mark (favorite, unread, collapsed, hidden) is set.
    constexpr bool test(mark_bit bit) const noexcept { return test(static_cast<unsigned>(bit)); }
    /// Sets bit `bit`, ignoring numbers of 64 and above; returns *this for chaining.
    constexpr standard_mark& set(unsigned bit) noexcept {
        if (bit < bit_count) bits_ |= std::uint64_t{1} << bit;
        return *this;
    }
    /// Sets the named mark; returns *this for chaining.
    constexpr standard_mark& set(mark_bit bit) noexcept { return set(static_cast<unsigned>(bit)); }
    /// Clears bit `bit`, ignoring numbers of 64 and above; returns *this for chaining.
    constexpr standard_mark& reset(unsigned bit) noexcept {
        if (bit < bit_count) bits_ &= ~(std::uint64_t{1} << bit);
        return *this;
    }
    /// Clears the named mark; returns *this for chaining.
    constexpr standard_mark& reset(mark_bit bit) noexcept { return reset(static_cast<unsigned>(bit)); }

    /// Customer bit n is bit 32 + n (n in 0..31).
    constexpr bool test_customer(unsigned n) const noexcept { return n < 32 && test(first_customer_bit + n); }

    /// The server's format: the minimal numeral, "" for no marks.
    std::string to_string() const {
        std::string text;
        append_to(text);
        return text;
    }

    /// Appends the minimal numeral to `out`.
    void append_to(std::string& out) const {
        char numeral[bit_count];
        out.append(numeral, write_to(numeral));
    }

    /// Writes the minimal numeral to `numeral` (room for bit_count characters) and answers its length (the
    /// encoder writes marks straight into its buffer).
    std::size_t write_to(char* numeral) const noexcept {
        if (bits_ == 0) return 0;
        unsigned top = bit_count - 1;
        while (((bits_ >> top) & 1u) == 0) --top;
        for (unsigned bit = 0; bit <= top; ++bit) numeral[top - bit] = ((bits_ >> bit) & 1u) ? '1' : '0';
        return top + 1;
    }

    /// parse()'s two refusals, which the streaming decoder reports in the same words.
    static constexpr std::string_view not_binary_message = "StandardMark must contain only the characters 0 and 1";
    static constexpr std::string_view too_many_bits_message = "StandardMark has more than 64 significant bits";

    /// Accepts [01]* with at most 64 significant bits; leading zeros are not counted (§4.2, §4.3).
    [[nodiscard]] static result<standard_mark> parse(std::string_view text) {
        std::uint64_t value = 0;
        unsigned significant = 0;
        for (char c : text) {
            if (c != '0' && c != '1')
                return make_error(code::invalid_parameters, error_origin::decode, "", std::string(not_binary_message));
            if (significant == 0 && c == '0') continue;
            if (++significant > bit_count)
                return make_error(code::invalid_parameters, error_origin::decode, "", std::string(too_many_bits_message));
            value = (value << 1) | static_cast<std::uint64_t>(c - '0');
        }
        return standard_mark(value);
    }

    /// Equal when all 64 bits are: "0110" and "110" parse to equal marks.
    friend constexpr bool operator==(standard_mark a, standard_mark b) noexcept { return a.bits_ == b.bits_; }
    /// True when any of the 64 bits differs.
    friend constexpr bool operator!=(standard_mark a, standard_mark b) noexcept { return a.bits_ != b.bits_; }

private:
    std::uint64_t bits_ = 0;
};

TCCHAT_NAMESPACE_END
