#pragma once
// The fastest decoders of the two page answers (get_contact_group, get_list) that Boost.JSON's basic_parser
// allows, as a yardstick: handlers written by hand for one message each, every key and member known at compile
// time, no table, no function pointer. They do only the happy path: no limits, no required keys, no error
// ranking, no JSON Pointer, wrong types ignored, the mark parsed by the fast path alone. Whatever tcchat's decoder
// does beyond them is correctness this yardstick does not pay for; the report sets them against simdjson
// On-Demand's time. bench_codec.cpp checks their results against tcchat::decode's before timing them.

#include <tcchat/api/get_contact_group.hpp>
#include <tcchat/api/get_list.hpp>
#include <tcchat/detail/codec/sax/type_ops.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tcchat_bench::hand_written {

/// What both handlers share: the callbacks they ignore, the stack of places, values skipped under keys no member
/// has, the envelope's keys, and what both messages' items carry (a StandardMark, a ContactGroupId list). Place is
/// the message's enum of places, with root first and group_ids among them; Item is the type of its page's items.
template <class Place, class Item>
class skeleton {
public:
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    explicit skeleton(tcchat::response_envelope& envelope) : envelope_(envelope) {}

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_end(std::size_t, boost::json::error_code&) {
        if (skip_ != 0) return --skip_, true;
        return --top_, true;
    }
    bool on_array_end(std::size_t, boost::json::error_code&) {
        if (skip_ != 0) return --skip_, true;
        if (where() == Place::group_ids) item_->ContactGroupId.emplace(group_ids_.begin(), group_ids_.end());
        return --top_, true;
    }
    bool on_key_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
    bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
    bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_double(double, boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_bool(bool, boost::json::error_code&) { return true; }
    bool on_null(boost::json::error_code&) { return true; }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

protected:
    template <std::size_t N>
    static bool is(std::string_view key, const char (&name)[N]) noexcept {
        return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
    }
    bool at_document_start() const noexcept { return top_ == 0; }
    Place where() const noexcept { return places_[top_ - 1]; }
    bool push(Place p) noexcept { return places_[top_++] = p, true; }
    bool skip() noexcept { return skip_ = 1, true; }

    /// A value under a key no member has, or inside one: skipped. Counts the containers it opens.
    bool skipped_container() noexcept { return skip_ != 0 && (++skip_, true); }
    bool skipped_value() const noexcept { return skip_ != 0; }

    /// The item being filled: a new one at the end of the page's items.
    bool begin_item(std::vector<Item>& items, Place p) { return item_ = &items.emplace_back(), push(p); }
    void mark(std::string_view value) {
        std::uint64_t bits = 0;
        if (tcchat::detail::sax::parse_mark_fast(value, bits)) item_->StandardMark.emplace(bits);
    }

    /// The envelope's keys, at the root: true when `key` is one of them.
    bool envelope_key(std::string_view key) noexcept {
        envelope_key_ = envelope_field::none;
        if (is(key, "ActionStatus")) envelope_key_ = envelope_field::ActionStatus;
        else if (is(key, "ErrorCode")) envelope_key_ = envelope_field::ErrorCode;
        else if (is(key, "ErrorInfo")) envelope_key_ = envelope_field::ErrorInfo;
        else if (is(key, "ErrorDisplay")) envelope_key_ = envelope_field::ErrorDisplay;
        return envelope_key_ != envelope_field::none;
    }
    void envelope_text(std::string_view value) {
        if (envelope_key_ == envelope_field::ActionStatus) envelope_.ActionStatus.assign(value);
        else if (envelope_key_ == envelope_field::ErrorInfo) envelope_.ErrorInfo.assign(value);
        else if (envelope_key_ == envelope_field::ErrorDisplay) envelope_.ErrorDisplay.emplace(value);
    }
    void envelope_integer(std::int64_t value) {
        if (envelope_key_ == envelope_field::ErrorCode) envelope_.ErrorCode = static_cast<std::int32_t>(value);
    }

    /// ContactGroupId: the ids go to a reused list, then into the item in one exact allocation (on_array_end), as
    /// tcchat's do.
    bool begin_group_ids() { return group_ids_.clear(), push(Place::group_ids); }
    bool add_group_id(std::int64_t id) { return group_ids_.push_back(static_cast<std::uint64_t>(id)), true; }

    Item* item_ = nullptr;

private:
    enum class envelope_field : unsigned char { none, ActionStatus, ErrorCode, ErrorInfo, ErrorDisplay };

    tcchat::response_envelope& envelope_;
    Place places_[8]{};
    std::size_t top_ = 0;
    std::size_t skip_ = 0;
    envelope_field envelope_key_ = envelope_field::none;
    std::vector<std::uint64_t> group_ids_;
};

enum class contact_group_place : unsigned char { root, contact_items, contact_item, group_ids, group_items, group_item };

class get_contact_group_handler : public skeleton<contact_group_place, tcchat::contact_mark_item> {
    using place = contact_group_place;

public:
    explicit get_contact_group_handler(tcchat::get_contact_group_response& out) : skeleton(out), out_(out) {}

    bool on_object_begin(boost::json::error_code&) {
        if (skipped_container()) return true;
        if (at_document_start()) return push(place::root);
        switch (where()) {
        case place::contact_items: return begin_item(*out_.ContactItem, place::contact_item);
        case place::group_items: group_ = &out_.GroupItem->emplace_back(); return push(place::group_item);
        default: return skip();
        }
    }
    bool on_array_begin(boost::json::error_code&) {
        if (skipped_container()) return true;
        if (where() == place::root && key_ == field::ContactItem) return out_.ContactItem.emplace(), push(place::contact_items);
        if (where() == place::root && key_ == field::GroupItem) return out_.GroupItem.emplace(), push(place::group_items);
        if (where() == place::contact_item && key_ == field::ContactGroupId) return begin_group_ids();
        return skip();
    }

    bool on_key(boost::json::string_view text, std::size_t, boost::json::error_code&) {
        if (skipped_value()) return true;
        const std::string_view key(text.data(), text.size());
        key_ = field::unknown;
        switch (where()) {
        case place::root:
            if (envelope_key(key)) key_ = field::envelope;
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

    bool on_string(boost::json::string_view text, std::size_t, boost::json::error_code&) {
        if (skipped_value()) return true;
        const std::string_view value(text.data(), text.size());
        switch (key_) {
        case field::envelope: envelope_text(value); break;
        case field::To_Account: item_->To_Account.emplace(value); break;
        case field::ToGroupId: item_->ToGroupId.emplace(value); break;
        case field::CustomMark: item_->CustomMark.emplace(value); break;
        case field::StandardMark: mark(value); break;
        case field::GroupName: group_->GroupName.assign(value); break;
        default: break;
        }
        return true;
    }

    bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skipped_value()) return true;
        if (where() == place::group_ids) return add_group_id(value);
        switch (key_) {
        case field::envelope: envelope_integer(value); break;
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

private:
    enum class field : unsigned char {
        unknown, envelope, ContactItem, GroupItem, CompleteFlag, NextStartIndex, CompleteTime, Type, To_Account,
        ToGroupId, StandardMark, CustomMark, ContactGroupId, Timestamp, GroupName, GroupId
    };

    tcchat::get_contact_group_response& out_;
    field key_ = field::unknown;
    tcchat::group_item* group_ = nullptr;
};

enum class session_place : unsigned char { root, session_items, session_item, group_ids };

class get_list_handler : public skeleton<session_place, tcchat::session_item> {
    using place = session_place;

public:
    explicit get_list_handler(tcchat::get_list_response& out) : skeleton(out), out_(out) {}

    bool on_object_begin(boost::json::error_code&) {
        if (skipped_container()) return true;
        if (at_document_start()) return push(place::root);
        if (where() == place::session_items) return begin_item(*out_.SessionItem, place::session_item);
        return skip();
    }
    bool on_array_begin(boost::json::error_code&) {
        if (skipped_container()) return true;
        if (where() == place::root && key_ == field::SessionItem) return out_.SessionItem.emplace(), push(place::session_items);
        if (where() == place::session_item && key_ == field::ContactGroupId) return begin_group_ids();
        return skip();
    }

    bool on_key(boost::json::string_view text, std::size_t, boost::json::error_code&) {
        if (skipped_value()) return true;
        const std::string_view key(text.data(), text.size());
        key_ = field::unknown;
        switch (where()) {
        case place::root:
            if (envelope_key(key)) key_ = field::envelope;
            else if (is(key, "SessionItem")) key_ = field::SessionItem;
            else if (is(key, "CompleteFlag")) key_ = field::CompleteFlag;
            else if (is(key, "TimeStamp")) key_ = field::TimeStamp;
            else if (is(key, "StartIndex")) key_ = field::StartIndex;
            else if (is(key, "TopTimeStamp")) key_ = field::TopTimeStamp;
            else if (is(key, "TopStartIndex")) key_ = field::TopStartIndex;
            break;
        case place::session_item:
            if (is(key, "Type")) key_ = field::Type;
            else if (is(key, "To_Account")) key_ = field::To_Account;
            else if (is(key, "GroupId")) key_ = field::GroupId;
            else if (is(key, "MsgTime")) key_ = field::MsgTime;
            else if (is(key, "TopFlag")) key_ = field::TopFlag;
            else if (is(key, "StandardMark")) key_ = field::StandardMark;
            else if (is(key, "CustomMark")) key_ = field::CustomMark;
            else if (is(key, "ContactGroupId")) key_ = field::ContactGroupId;
            break;
        default: break;
        }
        return true;
    }

    bool on_string(boost::json::string_view text, std::size_t, boost::json::error_code&) {
        if (skipped_value()) return true;
        const std::string_view value(text.data(), text.size());
        switch (key_) {
        case field::envelope: envelope_text(value); break;
        case field::To_Account: item_->To_Account.emplace(value); break;
        case field::GroupId: item_->GroupId.emplace(value); break;
        case field::CustomMark: item_->CustomMark.emplace(value); break;
        case field::StandardMark: mark(value); break;
        default: break;
        }
        return true;
    }

    bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code&) {
        if (skipped_value()) return true;
        if (where() == place::group_ids) return add_group_id(value);
        switch (key_) {
        case field::envelope: envelope_integer(value); break;
        case field::CompleteFlag: out_.CompleteFlag = static_cast<tcchat::complete_flag>(value); break;
        case field::TimeStamp: out_.TimeStamp = value; break;
        case field::StartIndex: out_.StartIndex = value; break;
        case field::TopTimeStamp: out_.TopTimeStamp = value; break;
        case field::TopStartIndex: out_.TopStartIndex = value; break;
        case field::Type: item_->Type = static_cast<tcchat::conversation_type>(value); break;
        case field::MsgTime: item_->MsgTime = value; break;
        case field::TopFlag: item_->TopFlag = static_cast<tcchat::top_flag>(value); break;
        default: break;
        }
        return true;
    }

private:
    enum class field : unsigned char {
        unknown, envelope, SessionItem, CompleteFlag, TimeStamp, StartIndex, TopTimeStamp, TopStartIndex, Type,
        To_Account, GroupId, MsgTime, TopFlag, StandardMark, CustomMark, ContactGroupId
    };

    tcchat::get_list_response& out_;
    field key_ = field::unknown;
};

template <class Response>
struct handler_of;
template <>
struct handler_of<tcchat::get_contact_group_response> {
    using type = get_contact_group_handler;
};
template <>
struct handler_of<tcchat::get_list_response> {
    using type = get_list_handler;
};

/// Whether a hand-written handler exists for Response.
template <class Response, class = void>
inline constexpr bool exists = false;
template <class Response>
inline constexpr bool exists<Response, std::void_t<typename handler_of<Response>::type>> = true;

/// Decodes `text` into `out`; false on a syntax error (the only error this yardstick reports).
template <class Response>
bool decode(std::string_view text, Response& out) {
    boost::json::basic_parser<typename handler_of<Response>::type> parser(boost::json::parse_options{}, out);
    boost::json::error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    return !ec;
}

} // namespace tcchat_bench::hand_written
