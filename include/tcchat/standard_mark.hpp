#pragma once
// StandardMark (docs/protocol.md §4): a 64-bit set of conversation marks. On the wire it is a binary numeral whose
// rightmost character is bit 0, of any length, leading zeros allowed, "" meaning no marks (§4.2).
// Compare values, never strings: "11111110" and "011111110" are the same mark.

#include <tcchat/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace tcchat {

/// Named bits (docs/protocol.md §4.1). Bits 4..31 are Chat-internal; 32..63 belong to the customer.
enum class mark_bit : unsigned {
    favorite = 0,
    unread = 1,
    collapsed = 2,
    hidden = 3,
};

class standard_mark {
public:
    static constexpr unsigned bit_count = 64;
    static constexpr unsigned first_customer_bit = 32;

    constexpr standard_mark() noexcept = default;
    constexpr explicit standard_mark(std::uint64_t bits) noexcept : bits_(bits) {}

    constexpr std::uint64_t bits() const noexcept { return bits_; }
    constexpr bool empty() const noexcept { return bits_ == 0; }

    /// Out-of-range bit numbers (>= 64) read as unset and are ignored by set/reset.
    constexpr bool test(unsigned bit) const noexcept { return bit < bit_count && ((bits_ >> bit) & 1u) != 0; }
    constexpr bool test(mark_bit bit) const noexcept { return test(static_cast<unsigned>(bit)); }
    constexpr standard_mark& set(unsigned bit) noexcept {
        if (bit < bit_count) bits_ |= std::uint64_t{1} << bit;
        return *this;
    }
    constexpr standard_mark& set(mark_bit bit) noexcept { return set(static_cast<unsigned>(bit)); }
    constexpr standard_mark& reset(unsigned bit) noexcept {
        if (bit < bit_count) bits_ &= ~(std::uint64_t{1} << bit);
        return *this;
    }
    constexpr standard_mark& reset(mark_bit bit) noexcept { return reset(static_cast<unsigned>(bit)); }

    /// Customer bit n is bit 32 + n (n in 0..31).
    constexpr bool test_customer(unsigned n) const noexcept { return n < 32 && test(first_customer_bit + n); }

    /// The server's format: the minimal numeral, "" for no marks.
    std::string to_string() const {
        std::string text;
        append_to(text);
        return text;
    }

    /// Appends the minimal numeral to `out` (the encoder writes marks without a temporary string).
    void append_to(std::string& out) const {
        if (bits_ == 0) return;
        unsigned top = bit_count - 1;
        while (((bits_ >> top) & 1u) == 0) --top;
        for (unsigned bit = top + 1; bit-- > 0;) out.push_back(((bits_ >> bit) & 1u) ? '1' : '0');
    }

    /// Accepts [01]* with at most 64 significant bits; leading zeros are not counted (§4.2, §4.3).
    static result<standard_mark> parse(std::string_view text) {
        std::uint64_t value = 0;
        unsigned significant = 0;
        for (char c : text) {
            if (c != '0' && c != '1')
                return make_error(code::invalid_parameters, error_origin::decode, "",
                                  "StandardMark must contain only the characters 0 and 1");
            if (significant == 0 && c == '0') continue;
            if (++significant > bit_count)
                return make_error(code::invalid_parameters, error_origin::decode, "",
                                  "StandardMark has more than 64 significant bits");
            value = (value << 1) | static_cast<std::uint64_t>(c - '0');
        }
        return standard_mark(value);
    }

    friend constexpr bool operator==(standard_mark a, standard_mark b) noexcept { return a.bits_ == b.bits_; }
    friend constexpr bool operator!=(standard_mark a, standard_mark b) noexcept { return a.bits_ != b.bits_; }

private:
    std::uint64_t bits_ = 0;
};

} // namespace tcchat
