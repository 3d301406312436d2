#pragma once
// The Boost.JSON basic_parser handler of the SAX decoder (see sax_decoder.hpp for the semantics it keeps).
// It is one class of about 530 lines on purpose: the token callbacks share the frame stack, the string state
// and the parked errors, and splitting them would pass that state around instead of keeping it in one place.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/detail/codec/decode_errors.hpp>
#include <tcchat/detail/codec/json_pointer.hpp>
#include <tcchat/detail/codec/sax/type_ops.hpp>
#include <tcchat/error.hpp>

#include <boost/assert.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <new>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace detail::sax {

/// The incremental state of the string being received (a string may arrive in several parts).
struct string_state {
    enum class mode : std::uint8_t { skip, text, mark, digits };
    mode kind = mode::skip;
    slot at{};
    bool overflow = false;   // text: past max_string_bytes, only counted from now on
    /// What went wrong in a mark or a numeric string so far; the rest of it is only counted.
    enum class fault : std::uint8_t { none, not_a_digit, too_many_bits };
    fault failure = fault::none;
    bool negative = false;
    bool any_digit = false;
    bool too_big = false;
    unsigned significant = 0;
    std::uint64_t value = 0; // mark bits, or the magnitude of a numeric string
    std::size_t fed = 0;
};

/// The basic_parser handler that fills the root slot. It knows its types only through type_ops, so one
/// basic_parser<handler> serves every root type: a program compiles Boost.JSON's parser once, not once per
/// message type. Use through sax_decoder below.
class handler {
public:
    // The same bounds as Boost.JSON's DOM parser, so both reject the same oversized documents the same way.
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    /// Bounds every root type must fit (sax_decoder checks them at compile time): typed nesting depth, and the
    /// longest member name, which is as much of a split key as is kept (a longer key is unknown anyway).
    static constexpr std::size_t frame_capacity = 8;
    static constexpr std::size_t key_capacity = 32;
    static constexpr std::size_t scratch_slots = 16; ///< vector members: one scratch per vector type

    handler(slot root, const decode_limits& options) noexcept : root_(root), options_(options) {}
    ~handler() {
        for (std::size_t i = 0; i < scratch_count_; ++i) {
            scratches_[i].ops->destroy_scratch(scratches_[i].storage);
            if (scratches_[i].on_heap)
                ::operator delete(scratches_[i].storage, std::align_val_t(scratches_[i].ops->scratch_align));
        }
    }
    handler(const handler&) = delete;
    handler& operator=(const handler&) = delete;

    /// The first error in the DOM decoder's order, once the document has been parsed without syntax errors.
    bool failed() const noexcept { return !errors_.empty(); }
    error take_error() {
        BOOST_ASSERT(errors_.size() == 1 && errors_.front().depth == 0);
        return std::move(errors_.front().value);
    }

    bool on_document_begin(boost::json::error_code&) noexcept { return true; }
    bool on_document_end(boost::json::error_code&) noexcept { return true; }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_number_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }

    bool on_object_begin(boost::json::error_code&) {
        if (skip_depth_ != 0) return ++skip_depth_, true;
        slot s = next_slot();
        if (s.ops == nullptr) return skip_depth_ = 1, true;
        s = engage(s);
        if (s.ops->kind != shape::object) {
            wrong_type(*s.ops, "an object");
            return skip_depth_ = 1, true;
        }
        BOOST_ASSERT(top_ < frames_.size());
        frames_[top_++] = frame{s.ops, s.target, nullptr, npos, 0, false};
        return true;
    }

    bool on_object_end(std::size_t, boost::json::error_code&) {
        if (skip_depth_ != 0) return --skip_depth_, true;
        close_object();
        return true;
    }

    bool on_array_begin(boost::json::error_code&) {
        if (skip_depth_ != 0) return ++skip_depth_, true;
        slot s = next_slot();
        if (s.ops == nullptr) return skip_depth_ = 1, true;
        s = engage(s);
        if (s.ops->kind != shape::array) {
            wrong_type(*s.ops, "an array");
            return skip_depth_ = 1, true;
        }
        void* scratch = scratch_for(s.ops);
        s.ops->clear(scratch); // a failed array may have left items behind
        BOOST_ASSERT(top_ < frames_.size());
        frames_[top_++] = frame{s.ops, s.target, scratch, 0, 0, false};
        return true;
    }

    bool on_array_end(std::size_t, boost::json::error_code&) {
        if (skip_depth_ != 0) return --skip_depth_, true;
        close_array();
        return true;
    }

    bool on_key_part(boost::json::string_view part, std::size_t total, boost::json::error_code&) noexcept {
        if (skip_depth_ != 0) return true;
        if (total <= key_buffer_.size()) std::memcpy(key_buffer_.data() + (total - part.size()), part.data(), part.size());
        return true;
    }

    bool on_key(boost::json::string_view last, std::size_t total, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        std::string_view key(last.data(), last.size());
        if (total != last.size()) { // the key came in parts: the earlier ones are in the buffer
            if (total > key_buffer_.size()) {
                frames_[top_ - 1].index = npos; // longer than every member name: unknown
                return true;
            }
            std::memcpy(key_buffer_.data() + (total - last.size()), last.data(), last.size());
            key = std::string_view(key_buffer_.data(), total);
        }
        select_member(key);
        return true;
    }

    bool on_string_part(boost::json::string_view part, std::size_t total, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        if (!in_string_) {
            begin_string();
            in_string_ = true;
        }
        feed_string(part, total);
        return true;
    }

    bool on_string(boost::json::string_view last, std::size_t total, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        if (!in_string_) {
            if (total <= options_.max_string_bytes && stored_directly(&type_ops::store_text, std::string_view(last.data(), last.size())))
                return true;
            slot s = next_slot();
            if (s.ops == nullptr) return true;
            begin_string(engage(s)); // whole, but past the limit, or left to this path by store_scalar
        }
        in_string_ = false;
        feed_string(last, total);
        finish_string(total);
        return true;
    }

    bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        if (stored_directly(&type_ops::store_int64, value)) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        s = engage(s);
        if (s.ops->kind != shape::integer) return wrong_type(*s.ops, "an integer"), true;
        if (!s.ops->from_int64(s.target, value)) out_of_range(*s.ops, std::to_string(value));
        return true;
    }

    bool on_uint64(std::uint64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        if (stored_directly(&type_ops::store_uint64, value)) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        s = engage(s);
        if (s.ops->kind != shape::integer) return wrong_type(*s.ops, "an integer"), true;
        if (!s.ops->from_uint64(s.target, value)) out_of_range(*s.ops, std::to_string(value));
        return true;
    }

    bool on_double(double, boost::json::string_view, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        s = engage(s);
        if (s.ops->kind != shape::integer) return wrong_type(*s.ops, "a non-integer number"), true;
        fail_value(code::invalid_parameters, not_an_integer_message(s.ops->integer_name));
        return true;
    }

    bool on_bool(bool, boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        wrong_type(*engage(s).ops, "a boolean");
        return true;
    }

    bool on_null(boost::json::error_code&) {
        if (skip_depth_ != 0) return true;
        slot s = next_slot();
        if (s.ops == nullptr) return true;
        if (s.ops->kind == shape::optional) s.ops->reset(s.target);
        else wrong_type(*s.ops, "null");
        return true;
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// An open typed object or array.
    struct frame {
        const type_ops* ops;
        void* target;
        void* scratch;      ///< arrays: where the items are decoded before the commit
        std::size_t index;  ///< objects: the member whose value comes next (npos: an unknown key); arrays: items seen so far
        std::uint64_t seen; ///< objects: members present
        bool failed;        ///< arrays: an item failed, the rest are only counted
    };

    struct parked_error {
        std::size_t depth; ///< the frame whose value slot failed (0: the root)
        std::size_t slot;  ///< objects: the member index; arrays: 0
        error value;
    };

    /// One array scratch per vector type met in the document, made on first use: in the handler's own arena
    /// while it has room (so decoding a typical body allocates nothing for it), on the heap past that.
    struct scratch_entry {
        const type_ops* ops;
        void* storage;
        bool on_heap;
    };
    static constexpr std::size_t arena_bytes = 6144;

    void* scratch_for(const type_ops* ops) {
        for (std::size_t i = 0; i < scratch_count_; ++i)
            if (scratches_[i].ops == ops) return scratches_[i].storage;
        BOOST_ASSERT(scratch_count_ < scratch_slots);
        const std::size_t start = (arena_used_ + ops->scratch_align - 1) / ops->scratch_align * ops->scratch_align;
        const bool on_heap = ops->scratch_align > alignof(std::max_align_t) || start + ops->scratch_size > arena_bytes;
        void* storage = on_heap ? ::operator new(ops->scratch_size, std::align_val_t(ops->scratch_align)) : arena_ + start;
        if (!on_heap) arena_used_ = start + ops->scratch_size;
        ops->construct_scratch(storage);
        scratches_[scratch_count_++] = scratch_entry{ops, storage, on_heap};
        return storage;
    }

    BOOST_FORCEINLINE slot next_slot() {
        if (top_ == 0) return root_;
        frame& f = frames_[top_ - 1];
        if (f.ops->kind == shape::object) {
            if (f.index == npos) return {nullptr, nullptr};
            return {f.ops->member_types[f.index], f.ops->member_address(f.target, f.index)};
        }
        ++f.index;
        if (f.failed || f.index > options_.max_array_items) return {nullptr, nullptr}; // counted, not stored
        return {f.ops->element, f.ops->push(f.scratch)};
    }

    /// A non-null value fills an optional: emplace it, as the DOM decoder does before decoding.
    static BOOST_FORCEINLINE slot engage(slot s) {
        while (s.ops->kind == shape::optional) s = {s.ops->value, s.ops->emplace(s.target)};
        return s;
    }

    void select_member(std::string_view key) {
        frame& f = frames_[top_ - 1];
        const std::size_t i = f.ops->find(key);
        f.index = i == no_member ? npos : i;
        if (i == no_member) return;
        const std::uint64_t bit = std::uint64_t{1} << i;
        if ((f.seen & bit) != 0) forget_error(top_, i); // a duplicate key: the last occurrence wins
        f.seen |= bit;
    }

    /// True when the top frame took the token through its type's store function: an object's member (or nobody,
    /// after an unknown key), or an array's next item. False sends the token down the general path (next_slot,
    /// engage...), which serves every other case and words the errors.
    template <class Token>
    BOOST_FORCEINLINE bool stored_directly(bool (*type_ops::*store)(void*, std::size_t, Token), Token token) {
        if (top_ == 0) return false;
        frame& f = frames_[top_ - 1];
        if (f.ops->kind == shape::object) return f.index == npos || (f.ops->*store)(f.target, f.index, token);
        if (f.failed || f.index >= options_.max_array_items || !(f.ops->*store)(f.scratch, f.index, token)) return false;
        ++f.index;
        return true;
    }

    // --- strings -----------------------------------------------------------------------------------------

    void begin_string() {
        slot s = next_slot();
        if (s.ops == nullptr) {
            str_.kind = string_state::mode::skip;
            return;
        }
        begin_string(engage(s));
    }

    void begin_string(slot s) {
        str_ = string_state{};
        str_.at = s;
        switch (s.ops->kind) {
        case shape::string:
            str_.kind = string_state::mode::text;
            static_cast<std::string*>(s.target)->clear();
            break;
        case shape::mark: str_.kind = string_state::mode::mark; break;
        case shape::integer:
            if (s.ops->accepts_numeric_string) {
                str_.kind = string_state::mode::digits;
                break;
            }
            [[fallthrough]];
        default:
            str_.kind = string_state::mode::skip;
            wrong_type(*s.ops, "a string");
        }
    }

    void feed_string(boost::json::string_view part, std::size_t total) {
        switch (str_.kind) {
        case string_state::mode::skip: return;
        case string_state::mode::text:
            if (total > options_.max_string_bytes) str_.overflow = true; // never grows past the limit
            if (!str_.overflow) static_cast<std::string*>(str_.at.target)->append(part.data(), part.size());
            return;
        case string_state::mode::mark: feed_mark(part); return;
        case string_state::mode::digits:
            for (char c : part) feed_digit(c);
            return;
        }
    }

    /// standard_mark::parse, resumable across parts (the state is kept in locals while a part is scanned).
    void feed_mark(boost::json::string_view part) noexcept {
        if (str_.failure != string_state::fault::none) return;
        std::uint64_t value = str_.value;
        unsigned significant = str_.significant;
        for (char c : part) {
            if (c != '0' && c != '1') {
                str_.failure = string_state::fault::not_a_digit;
                return;
            }
            if (significant == 0 && c == '0') continue;
            if (++significant > standard_mark::bit_count) {
                str_.failure = string_state::fault::too_many_bits;
                return;
            }
            value = (value << 1) | static_cast<std::uint64_t>(c - '0');
        }
        str_.value = value;
        str_.significant = significant;
    }

    /// parse_numeric_string (an optional '-' for signed types, then decimal digits), one character at a time.
    void feed_digit(char c) noexcept {
        const std::size_t position = str_.fed++;
        if (str_.failure != string_state::fault::none) return;
        if (position == 0 && c == '-') {
            if (!str_.at.ops->is_signed) str_.failure = string_state::fault::not_a_digit;
            str_.negative = true;
            return;
        }
        if (c < '0' || c > '9') {
            str_.failure = string_state::fault::not_a_digit;
            return;
        }
        str_.any_digit = true;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (str_.value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) str_.too_big = true;
        else if (!str_.too_big) str_.value = str_.value * 10 + digit;
    }

    void finish_string(std::size_t total) {
        switch (str_.kind) {
        case string_state::mode::skip: return;
        case string_state::mode::text:
        case string_state::mode::mark:
            if (total > options_.max_string_bytes) {
                string_too_long(total);
                return;
            }
            if (str_.kind == string_state::mode::text) return;
            if (str_.failure != string_state::fault::none) {
                const bool bad_digit = str_.failure == string_state::fault::not_a_digit;
                fail_value(code::invalid_parameters, std::string(bad_digit ? standard_mark::not_binary_message
                                                                           : standard_mark::too_many_bits_message));
                return;
            }
            *static_cast<standard_mark*>(str_.at.target) = standard_mark(str_.value);
            return;
        case string_state::mode::digits:
            if (str_.failure != string_state::fault::none || !str_.any_digit || str_.too_big ||
                !str_.at.ops->from_digits(str_.at.target, str_.negative, str_.value))
                fail_value(code::invalid_parameters, not_decimal_digits_message(str_.at.ops->integer_name));
            return;
        }
    }

    // --- closing containers --------------------------------------------------------------------------------

    void close_object() {
        frame& f = frames_[top_ - 1];
        const type_ops& ops = *f.ops;
        const std::uint64_t all = ops.member_count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << ops.member_count) - 1;
        const std::uint64_t absent = all & ~f.seen;
        if ((absent & ops.optionals) != 0) ops.reset_absent(f.target, absent & ops.optionals);
        if ((absent & ops.required) == 0 && !has_errors_at(top_)) {
            --top_;
            return;
        }
        // The DOM decoder walks members in declaration order: the first one missing or failed is the error.
        std::size_t first = npos;
        std::size_t parked = npos;
        for (std::size_t k = first_error_at(top_); k < errors_.size(); ++k)
            if (errors_[k].slot < first) first = errors_[k].slot, parked = k;
        const std::uint64_t missing = absent & ops.required;
        std::size_t first_missing = npos;
        for (std::size_t i = 0; i < ops.member_count && first_missing == npos; ++i)
            if (((missing >> i) & 1u) != 0) first_missing = i;
        error winner = first_missing < first
                           ? make_error(code::invalid_parameters, error_origin::decode,
                                        pointer_to(top_ - 1, ops.names[first_missing]), std::string(missing_key_message))
                           : std::move(errors_[parked].value);
        errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(first_error_at(top_)), errors_.end());
        --top_;
        raise(std::move(winner));
    }

    void close_array() {
        frame& f = frames_[top_ - 1];
        const std::size_t items = f.index;
        if (items > options_.max_array_items) { // checked before the items, as the DOM decoder does
            errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(first_error_at(top_)), errors_.end());
            --top_;
            fail_value(code::local_limit_exceeded, too_many_items_message(items, options_.max_array_items));
            return;
        }
        if (has_errors_at(top_)) {
            error item_error = std::move(errors_.back().value);
            errors_.pop_back();
            --top_;
            raise(std::move(item_error));
            return;
        }
        f.ops->commit(f.target, f.scratch);
        --top_;
    }

    // --- errors ----------------------------------------------------------------------------------------------
    // Parked errors are ordered by depth (a frame's errors are resolved into its parent when it closes), so
    // the errors of the top frame are the tail of the list.

    bool has_errors_at(std::size_t depth) const noexcept { return !errors_.empty() && errors_.back().depth == depth; }

    std::size_t first_error_at(std::size_t depth) const noexcept {
        std::size_t k = errors_.size();
        while (k > 0 && errors_[k - 1].depth == depth) --k;
        return k;
    }

    void forget_error(std::size_t depth, std::size_t member) {
        for (std::size_t k = first_error_at(depth); k < errors_.size(); ++k)
            if (errors_[k].slot == member) {
                errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(k));
                return;
            }
    }

    /// Parks an error for the value slot of the top frame (the root when no frame is open).
    void raise(error e) {
        std::size_t member = 0;
        if (top_ != 0) {
            frame& f = frames_[top_ - 1];
            if (f.ops->kind == shape::object) member = f.index;
            else f.failed = true;
        }
        errors_.push_back(parked_error{top_, member, std::move(e)});
    }

    void fail_value(code c, std::string message) {
        raise(make_error(c, error_origin::decode, pointer_to(top_), std::move(message)));
    }

    void wrong_type(const type_ops& expected, std::string_view found) {
        std::string_view name = "an integer";
        switch (expected.kind) {
        case shape::object: name = "an object"; break;
        case shape::array: name = "an array"; break;
        case shape::string:
        case shape::mark: name = "a string"; break;
        default: break;
        }
        fail_value(code::invalid_parameters, wrong_type_message(name, found));
    }

    void out_of_range(const type_ops& ops, std::string found) {
        fail_value(code::invalid_parameters, out_of_range_message(found, ops.integer_name));
    }

    void string_too_long(std::size_t total) {
        fail_value(code::local_limit_exceeded, string_too_long_message(total, options_.max_string_bytes));
    }

    /// The JSON Pointer of the value that frame `depth` is filling (the root for 0), then of `key` when given.
    std::string pointer_to(std::size_t depth, std::string_view key = {}) const {
        return pointer_from(0, depth, path{}, key);
    }

    std::string pointer_from(std::size_t i, std::size_t depth, const path& at, std::string_view key) const {
        if (i == depth) return key.empty() ? at.to_pointer() : at.key(key).to_pointer();
        const frame& f = frames_[i];
        if (f.ops->kind == shape::object) return pointer_from(i + 1, depth, at.key(f.ops->names[f.index]), key);
        return pointer_from(i + 1, depth, at.index(f.index - 1), key);
    }

    slot root_;
    const decode_limits& options_;
    std::array<frame, frame_capacity> frames_;
    std::size_t top_ = 0;
    std::size_t skip_depth_ = 0; ///< open containers being skipped (unknown key, wrong type, item past a limit)
    bool in_string_ = false;
    string_state str_;
    std::array<char, key_capacity> key_buffer_;
    std::vector<parked_error> errors_;
    std::array<scratch_entry, scratch_slots> scratches_;
    std::size_t scratch_count_ = 0;
    std::size_t arena_used_ = 0;
    alignas(std::max_align_t) unsigned char arena_[arena_bytes];
};

} // namespace detail::sax
TCCHAT_NAMESPACE_END
