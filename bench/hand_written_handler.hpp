#pragma once
// The fastest decoder of a get_contact_group answer that Boost.JSON's basic_parser allows, as a yardstick: a
// handler written by hand for this one message, every key and member known at compile time, no table, no
// function pointer. It does only the happy path: no limits, no required keys, no error ranking, no JSON Pointer,
// wrong types ignored, the mark parsed by the fast path alone. Whatever tcchat's decoder does beyond it is
// correctness this yardstick does not pay for; the report sets both against simdjson On-Demand's time.
// bench_codec.cpp checks its result against tcchat::decode's before timing it.

#include <tcchat/api/get_contact_group.hpp>
#include <tcchat/detail/sax/type_ops.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace tcchat_bench::hand_written {

class get_contact_group_handler {
public:
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    explicit get_contact_group_handler(tcchat::get_contact_group_response& out) : out_(out) {}

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }

    bool on_object_begin(boost::json::error_code&) {
        if (skip_ != 0) return ++skip_, true;
        if (top_ == 0) return push(place::root);
        switch (where()) {
        case place::contact_items: item_ = &out_.ContactItem->emplace_back(); return push(place::contact_item);
        case place::group_items: group_ = &out_.GroupItem->emplace_back(); return push(place::group_item);
        default: return skip_ = 1, true;
        }
    }
    bool on_object_end(std::size_t, boost::json::error_code&) {
        if (skip_ != 0) return --skip_, true;
        return --top_, true;
    }

    bool on_array_begin(boost::json::error_code&) {
        if (skip_ != 0) return ++skip_, true;
        if (where() == place::root && key_ == field::ContactItem) return out_.ContactItem.emplace(), push(place::contact_items);
        if (where() == place::root && key_ == field::GroupItem) return out_.GroupItem.emplace(), push(place::group_items);
        if (where() == place::contact_item && key_ == field::ContactGroupId) return group_ids_.clear(), push(place::group_ids);
        return skip_ = 1, true;
    }
    bool on_array_end(std::size_t, boost::json::error_code&) {
        if (skip_ != 0) return --skip_, true;
        if (where() == place::group_ids) item_->ContactGroupId.emplace(group_ids_.begin(), group_ids_.end());
        return --top_, true;
    }

    bool on_key_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
    bool on_key(boost::json::string_view text, std::size_t, boost::json::error_code&) {
        if (skip_ != 0) return true;
        const std::string_view key(text.data(), text.size());
        key_ = field::unknown;
        switch (where()) {
        case place::root:
            if (is(key, "ActionStatus")) key_ = field::ActionStatus;
            else if (is(key, "ErrorCode")) key_ = field::ErrorCode;
            else if (is(key, "ErrorInfo")) key_ = field::ErrorInfo;
            else if (is(key, "ErrorDisplay")) key_ = field::ErrorDisplay;
            else if (is(key, "ContactItem")) key_ = field::ContactItem;
            else if (is(key, "GroupItem")) key_ = field::GroupItem;
            else if (is(key, "CompleteFlag")) key_ = field::CompleteFlag;
            else if (is(key, "NextStartIndex")) key_ = field::NextStartIndex;
            else if (is(key, "CompleteTime")) key_ = field::CompleteTime;
            break;
        case place::contact_item:
            if (is(key, "Type")) key_ = field::Type;
            else if (is(key, "To_Account")) key_ = field::To_Account;
            else if (is(key, "ToGroupId")) key_ = field::ToGroupId;
            else if (is(key, "StandardMark")) key_ = field::StandardMark;
            else if (is(key, "CustomMark")) key_ = field::CustomMark;
            else if (is(key, "ContactGroupId")) key_ = field::ContactGroupId;
            else if (is(key, "Timestamp")) key_ = field::Timestamp;
            break;
        case place::group_item:
            if (is(key, "GroupName")) key_ = field::GroupName;
            else if (is(key, "GroupId")) key_ = field::GroupId;
            break;
        default: break;
        }
        return true;
    }

    bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
    bool on_string(boost::json::string_view text, std::size_t, boost::json::error_code&) {
        if (skip_ != 0) return true;
        const std::string_view value(text.data(), text.size());
        switch (key_) {
        case field::ActionStatus: out_.ActionStatus.assign(value); break;
        case field::ErrorInfo: out_.ErrorInfo.assign(value); break;
        case field::ErrorDisplay: out_.ErrorDisplay.emplace(value); break;
        case field::To_Account: item_->To_Account.emplace(value); break;
        case field::ToGroupId: item_->ToGroupId.emplace(value); break;
        case field::CustomMark: item_->CustomMark.emplace(value); break;
        case field::StandardMark: {
            std::uint64_t bits = 0;
            if (tcchat::detail::sax::parse_mark_fast(value, bits)) item_->StandardMark.emplace(bits);
            break;
        }
        case field::GroupName: group_->GroupName.assign(value); break;
        default: break;
        }
        return true;
    }

    bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skip_ != 0) return true;
        if (where() == place::group_ids) return group_ids_.push_back(static_cast<std::uint64_t>(value)), true;
        switch (key_) {
        case field::ErrorCode: out_.ErrorCode = static_cast<std::int32_t>(value); break;
        case field::CompleteFlag: out_.CompleteFlag = static_cast<tcchat::complete_flag>(value); break;
        case field::NextStartIndex: out_.NextStartIndex = value; break;
        case field::CompleteTime: out_.CompleteTime = value; break;
        case field::Type: item_->Type = static_cast<tcchat::conversation_type>(value); break;
        case field::Timestamp: item_->Timestamp = value; break;
        case field::GroupId: group_->GroupId = static_cast<std::uint64_t>(value); break;
        default: break;
        }
        return true;
    }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_double(double, boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_bool(bool, boost::json::error_code&) { return true; }
    bool on_null(boost::json::error_code&) { return true; }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    enum class place : unsigned char { root, contact_items, contact_item, group_ids, group_items, group_item };
    enum class field : unsigned char {
        unknown, ActionStatus, ErrorCode, ErrorInfo, ErrorDisplay, ContactItem, GroupItem, CompleteFlag, NextStartIndex,
        CompleteTime, Type, To_Account, ToGroupId, StandardMark, CustomMark, ContactGroupId, Timestamp, GroupName, GroupId
    };

    template <std::size_t N>
    static bool is(std::string_view key, const char (&name)[N]) noexcept {
        return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
    }
    place where() const noexcept { return places_[top_ - 1]; }
    bool push(place p) noexcept { return places_[top_++] = p, true; }

    tcchat::get_contact_group_response& out_;
    place places_[8]{};
    std::size_t top_ = 0;
    std::size_t skip_ = 0;
    field key_ = field::unknown;
    tcchat::contact_mark_item* item_ = nullptr;
    tcchat::group_item* group_ = nullptr;
    std::vector<std::uint64_t> group_ids_; ///< reused: each ContactGroupId is one exact allocation, as tcchat's
};

/// Decodes `text` into `out`; false on a syntax error (the only error this yardstick reports).
inline bool decode(std::string_view text, tcchat::get_contact_group_response& out) {
    boost::json::basic_parser<get_contact_group_handler> parser(boost::json::parse_options{}, out);
    boost::json::error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    return !ec;
}

} // namespace tcchat_bench::hand_written
