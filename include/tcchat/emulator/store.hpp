#pragma once
// The emulator's state and the documented semantics of the eight commands, in tcchat::emulation::detail, apart
// from the library's own internals (docs/protocol.md §1.8, §3). Not thread-safe by itself:
// tcchat::emulation::emulator serialises every call.

#include <tcchat/version.hpp>
#include <tcchat/endpoints.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace emulation::detail {

/// A conversation as the group and mark commands name it: Type plus To_Account or the group ID.
struct conversation_key {
    std::int32_t type = 0;
    std::string peer;

    friend bool operator<(const conversation_key& a, const conversation_key& b) {
        return std::tie(a.type, a.peer) < std::tie(b.type, b.peer);
    }
    friend bool operator==(const conversation_key& a, const conversation_key& b) {
        return a.type == b.type && a.peer == b.peer;
    }

    static conversation_key of(const contact_item& item) {
        return {static_cast<std::int32_t>(item.Type),
                item.Type == conversation_type::group ? item.ToGroupId.value_or("") : item.To_Account.value_or("")};
    }
    contact_item to_contact() const {
        contact_item item;
        item.Type = static_cast<conversation_type>(type);
        (type == static_cast<std::int32_t>(conversation_type::group) ? item.ToGroupId : item.To_Account) = peer;
        return item;
    }
};

/// What the service keeps about one conversation. It counts against the 1000-conversation quota while it is
/// in a group or carries a mark (docs/protocol.md §1.8).
struct conversation_data {
    std::vector<std::uint64_t> groups; // ascending group ids
    standard_mark mark;
    std::optional<std::string> custom_mark;
    std::int64_t timestamp = 0;

    bool holds_anything() const { return !groups.empty() || !mark.empty() || custom_mark.has_value(); }
};

struct conversation_group {
    std::uint64_t id = 0;
    std::string name;
};

struct session {
    conversation_key key;
    std::int64_t msg_time = 0;
    bool pinned = false;
};

struct roaming_clear {
    conversation_key key;
    bool cleared = false; ///< ClearRamble 1
};

struct store_limits {
    std::size_t max_groups_per_user = 20;
    std::size_t conversation_quota = 1000;
    std::size_t page_size = 100;
    std::size_t roaming_clears_kept = 1000; ///< per user, newest first; only tests read them
};

class user_store {
public:
    std::vector<conversation_group> groups; // creation order
    std::uint64_t next_group_id = 1;
    std::map<conversation_key, conversation_data> conversations;
    std::vector<session> sessions;
    std::vector<roaming_clear> roaming_clears;
    std::size_t counted_bytes = 0; ///< this user's footprint when the emulator last counted it

    /// Whether the user has anything the service would keep: an empty store is not worth a record.
    bool empty() const noexcept {
        return groups.empty() && conversations.empty() && sessions.empty() && roaming_clears.empty() && next_group_id == 1;
    }

    /// The bytes this user's state holds, by a fixed cost per record plus its text: an estimate of the heap it
    /// takes, which the emulator's byte cap counts. The same number for the same state, on every platform.
    std::size_t footprint() const noexcept {
        constexpr std::size_t per_user = 256, per_group = 64, per_conversation = 160, per_session = 64, per_clear = 48;
        std::size_t bytes = per_user + groups.size() * per_group + sessions.size() * per_session + roaming_clears.size() * per_clear;
        for (const auto& g : groups) bytes += g.name.size();
        for (const auto& [key, data] : conversations)
            bytes += per_conversation + key.peer.size() + data.groups.size() * sizeof(std::uint64_t) +
                     (data.custom_mark ? data.custom_mark->size() : 0);
        for (const auto& s : sessions) bytes += s.key.peer.size();
        for (const auto& r : roaming_clears) bytes += r.key.peer.size();
        return bytes;
    }

    const conversation_group* find_group(std::string_view name) const {
        for (const auto& g : groups)
            if (g.name == name) return &g;
        return nullptr;
    }

    /// The data entry for `key`, created only when the quota allows another conversation.
    conversation_data* touch(const conversation_key& key, const store_limits& limits) {
        auto found = conversations.find(key);
        if (found != conversations.end()) return &found->second;
        if (conversations.size() >= limits.conversation_quota) return nullptr;
        return &conversations[key];
    }

    void forget_if_empty(const conversation_key& key) {
        auto found = conversations.find(key);
        if (found != conversations.end() && !found->second.holds_anything()) conversations.erase(found);
    }

    /// Adds `key` to a group; 0 on success or the per-item code.
    int add_to_group(const conversation_key& key, std::uint64_t group_id, const store_limits& limits, std::int64_t now) {
        conversation_data* data = touch(key, limits);
        if (data == nullptr) return static_cast<int>(code::conversation_quota_exceeded);
        auto at = std::lower_bound(data->groups.begin(), data->groups.end(), group_id);
        if (at == data->groups.end() || *at != group_id) data->groups.insert(at, group_id);
        data->timestamp = now;
        return 0;
    }

    void remove_from_group(const conversation_key& key, std::uint64_t group_id, std::int64_t now) {
        auto found = conversations.find(key);
        if (found == conversations.end()) return;
        auto& ids = found->second.groups;
        ids.erase(std::remove(ids.begin(), ids.end(), group_id), ids.end());
        found->second.timestamp = now;
        forget_if_empty(key);
    }

    std::vector<group_item> group_items(const std::vector<std::uint64_t>& ids) const {
        std::vector<group_item> out;
        for (const auto& g : groups)
            if (std::find(ids.begin(), ids.end(), g.id) != ids.end()) out.push_back({g.name, g.id});
        return out;
    }

    contact_mark_item mark_item_of(const conversation_key& key, const conversation_data& data) const {
        contact_mark_item item;
        const contact_item contact = key.to_contact();
        item.Type = contact.Type;
        item.To_Account = contact.To_Account;
        item.ToGroupId = contact.ToGroupId;
        item.StandardMark = data.mark; // "" when no bit is set, as live answers show
        item.CustomMark = data.custom_mark;
        if (!data.groups.empty()) item.ContactGroupId = data.groups;
        item.Timestamp = data.timestamp;
        return item;
    }
};

/// A command's outcome: a response, or a FAIL with a code and text.
template <class Response>
struct outcome {
    Response response;
    int error_code = 0;
    std::string error_info;

    static outcome fail(code c, std::string info) { return {Response{}, static_cast<int>(c), std::move(info)}; }
};

class store_commands {
public:
    store_commands(user_store& user, const store_limits& limits, std::int64_t now) : user_(user), limits_(limits), now_(now) {}

    // §3.1: one new group; per-item 51008 when the quota is full.
    outcome<create_contact_group_response> run(const create_contact_group_request& request) {
        const group_contact_item& wanted = request.GroupContactItem.front();
        if (user_.groups.size() >= limits_.max_groups_per_user)
            return outcome<create_contact_group_response>::fail(code::conversation_group_limit_exceeded,
                                                                 "the user already has " + std::to_string(user_.groups.size()) + " conversation groups");
        if (user_.find_group(wanted.GroupName))
            return outcome<create_contact_group_response>::fail(code::invalid_parameters, "a conversation group with this name exists");
        const conversation_group& group = user_.groups.emplace_back(conversation_group{user_.next_group_id++, wanted.GroupName});
        group_result_item result{{group.name, group.id}, {}};
        for (const contact_item& item : wanted.ContactItem) {
            const int code_value = user_.add_to_group(conversation_key::of(item), group.id, limits_, now_);
            result.ResultItem.push_back({item, code_value, code_value == 0 ? "" : "conversation quota exceeded"});
        }
        outcome<create_contact_group_response> out;
        out.response.GroupResultItem = std::vector<group_result_item>{std::move(result)};
        return out;
    }

    // §3.2: 51009 for a group that does not exist.
    outcome<del_contact_group_response> run(const del_contact_group_request& request) {
        const std::string& name = request.GroupName.front();
        auto found = std::find_if(user_.groups.begin(), user_.groups.end(), [&](const auto& g) { return g.name == name; });
        if (found == user_.groups.end())
            return outcome<del_contact_group_response>::fail(code::conversation_group_not_found, "conversation group does not exist");
        const conversation_group removed = *found;
        user_.groups.erase(found);
        std::vector<conversation_key> members;
        for (const auto& [key, data] : user_.conversations)
            if (std::find(data.groups.begin(), data.groups.end(), removed.id) != data.groups.end()) members.push_back(key);
        for (const auto& key : members) user_.remove_from_group(key, removed.id, now_);
        outcome<del_contact_group_response> out;
        out.response.GroupItem = std::vector<group_item>{{removed.name, removed.id}};
        return out;
    }

    // §3.3: rename keeps the id; conversation updates report per item.
    outcome<update_contact_group_response> run(const update_contact_group_request& request) {
        const update_group& update = *request.UpdateGroup;
        auto found = std::find_if(user_.groups.begin(), user_.groups.end(),
                                  [&](const auto& g) { return g.name == update.OldGroupName; });
        if (found == user_.groups.end())
            return outcome<update_contact_group_response>::fail(code::conversation_group_not_found, "conversation group does not exist");
        outcome<update_contact_group_response> out;
        update_group_result result{update.UpdateGroupType, found->name, found->id, update.OldGroupName, std::nullopt};
        if (update.UpdateGroupType == update_group_type::rename) {
            const conversation_group* clash = user_.find_group(*update.NewGroupName);
            if (clash != nullptr && clash->id != found->id)
                return outcome<update_contact_group_response>::fail(code::invalid_parameters, "a conversation group with this name exists");
            found->name = *update.NewGroupName;
            result.GroupName = found->name;
        } else {
            std::vector<contact_update_result> items;
            for (const contact_update_item& item : *update.ContactUpdateItem) {
                const conversation_key key = conversation_key::of(item.ContactItem);
                int code_value = 0;
                if (item.ContactOptType == contact_operation::add) code_value = user_.add_to_group(key, found->id, limits_, now_);
                else user_.remove_from_group(key, found->id, now_);
                items.push_back({item.ContactOptType, item.ContactItem, code_value, code_value == 0 ? "" : "conversation quota exceeded"});
            }
            result.ContactResultItem = std::move(items);
        }
        out.response.UpdateType = request.UpdateType;
        out.response.UpdateGroupResult = std::move(result);
        return out;
    }

    // §3.4: the data of the requested conversations that have any; GroupItem names their groups.
    outcome<search_contact_group_response> run(const search_contact_group_request& request) {
        std::vector<contact_mark_item> items;
        std::vector<std::uint64_t> group_ids;
        for (const contact_item& item : request.ContactItem) {
            const conversation_key key = conversation_key::of(item);
            auto found = user_.conversations.find(key);
            if (found == user_.conversations.end()) continue;
            items.push_back(user_.mark_item_of(key, found->second));
            group_ids.insert(group_ids.end(), found->second.groups.begin(), found->second.groups.end());
        }
        outcome<search_contact_group_response> out;
        out.response.ContactResultItem = std::move(items);
        out.response.GroupItem = user_.group_items(group_ids);
        return out;
    }

    // §3.5: pages of page_size; NextStartIndex only while CompleteFlag is 0 (live answers omit it at the end).
    outcome<get_contact_group_response> run(const get_contact_group_request& request) {
        outcome<get_contact_group_response> out;
        std::vector<contact_mark_item> items;
        const auto start = static_cast<std::size_t>(request.StartIndex);
        std::size_t index = 0;
        for (const auto& [key, data] : user_.conversations) {
            if (index >= start && items.size() < limits_.page_size) items.push_back(user_.mark_item_of(key, data));
            ++index;
        }
        const std::size_t next = start + items.size();
        const bool complete = next >= user_.conversations.size();
        out.response.ContactItem = std::move(items);
        std::vector<group_item> all_groups;
        for (const auto& g : user_.groups) all_groups.push_back({g.name, g.id});
        out.response.GroupItem = std::move(all_groups);
        out.response.CompleteFlag = complete ? complete_flag::complete : complete_flag::incomplete;
        if (!complete) out.response.NextStartIndex = static_cast<std::int64_t>(next);
        out.response.CompleteTime = now_;
        return out;
    }

    // §3.6: SetMark then ClearMark on the 64-bit mark; CustomMark set or replaced ("" removes it).
    outcome<mark_contact_response> run(const mark_contact_request& request) {
        std::vector<mark_result> results;
        for (const mark_item& item : request.MarkItem) {
            const conversation_key key = conversation_key::of(item.ContactItem);
            conversation_data* data = user_.touch(key, limits_);
            if (data == nullptr) {
                results.push_back({item.OptType, item.ContactItem, static_cast<int>(code::conversation_quota_exceeded),
                                   "conversation quota exceeded"});
                continue;
            }
            if (item.OptType != mark_operation::custom) {
                for (std::int64_t bit : item.SetMark.value_or(std::vector<std::int64_t>{})) data->mark.set(static_cast<unsigned>(bit));
                for (std::int64_t bit : item.ClearMark.value_or(std::vector<std::int64_t>{})) data->mark.reset(static_cast<unsigned>(bit));
            }
            if (item.OptType != mark_operation::standard && item.CustomMark) {
                if (item.CustomMark->empty()) data->custom_mark.reset();
                else data->custom_mark = *item.CustomMark;
            }
            data->timestamp = now_;
            user_.forget_if_empty(key);
            results.push_back({item.OptType, item.ContactItem, 0, ""});
        }
        outcome<mark_contact_response> out;
        out.response.ResultItem = std::move(results);
        return out;
    }

    // §3.7, as the older documented sample lists them: the pinned block (TopStartIndex), then the general one
    // (StartIndex), each oldest first (ascending MsgTime); a page that ends the pinned block goes on with the
    // general one, as that sample's single page does.
    outcome<get_list_response> run(const get_list_request& request) {
        std::vector<const session*> pinned, general;
        for (const session& s : user_.sessions) (s.pinned ? pinned : general).push_back(&s);
        auto oldest_first = [](const session* a, const session* b) {
            return a->msg_time != b->msg_time ? a->msg_time < b->msg_time : a->key < b->key;
        };
        std::sort(pinned.begin(), pinned.end(), oldest_first);
        std::sort(general.begin(), general.end(), oldest_first);
        const bool with_marks = (request.AssistFlags.value_or(0) & ~std::int64_t{7}) != 0; // bits 3-5 (§6.18)
        std::vector<session_item> items;
        auto take = [&](const std::vector<const session*>& list, std::int64_t from) {
            auto index = static_cast<std::size_t>(from);
            for (; index < list.size() && items.size() < limits_.page_size; ++index) items.push_back(session_item_of(*list[index], with_marks));
            return static_cast<std::int64_t>(index);
        };
        const std::int64_t next_top = take(pinned, request.TopStartIndex);
        const std::int64_t next_general = take(general, request.StartIndex);
        const bool complete = static_cast<std::size_t>(next_top) >= pinned.size() &&
                              static_cast<std::size_t>(next_general) >= general.size();
        outcome<get_list_response> out;
        out.response.SessionItem = std::move(items);
        out.response.CompleteFlag = complete ? complete_flag::complete : complete_flag::incomplete;
        const std::int64_t snapshot = request.TimeStamp != 0 ? request.TimeStamp : now_;
        out.response.TimeStamp = snapshot;
        out.response.TopTimeStamp = request.TopTimeStamp != 0 ? request.TopTimeStamp : now_;
        out.response.StartIndex = complete ? 0 : next_general; // the documented final page carries 0 (§3.7)
        out.response.TopStartIndex = complete ? 0 : next_top;
        return out;
    }

    // §3.8: removes the conversation if it is listed; ClearRamble is recorded.
    outcome<delete_response> run(const delete_request& request) {
        const bool group = request.Type == conversation_type::group;
        const conversation_key key{static_cast<std::int32_t>(request.Type),
                                   group ? request.ToGroupid.value_or("") : request.To_Account.value_or("")};
        auto& list = user_.sessions;
        list.erase(std::remove_if(list.begin(), list.end(), [&](const session& s) { return s.key == key; }), list.end());
        auto& clears = user_.roaming_clears;
        if (limits_.roaming_clears_kept == 0) return {};
        if (clears.size() >= limits_.roaming_clears_kept)
            clears.erase(clears.begin(), clears.begin() + static_cast<std::ptrdiff_t>(clears.size() - limits_.roaming_clears_kept + 1));
        clears.push_back({key, request.ClearRamble.value_or(0) == 1});
        return {};
    }

private:
    session_item session_item_of(const session& s, bool with_marks) const {
        session_item item;
        item.Type = static_cast<conversation_type>(s.key.type);
        (s.key.type == static_cast<std::int32_t>(conversation_type::group) ? item.GroupId : item.To_Account) = s.key.peer;
        item.MsgTime = s.msg_time;
        item.TopFlag = s.pinned ? top_flag::pinned : top_flag::general;
        if (with_marks) {
            auto found = user_.conversations.find(s.key);
            if (found != user_.conversations.end()) {
                item.StandardMark = found->second.mark;
                item.CustomMark = found->second.custom_mark;
                if (!found->second.groups.empty()) item.ContactGroupId = found->second.groups;
            }
        }
        return item;
    }

    user_store& user_;
    const store_limits& limits_;
    std::int64_t now_;
};

/// A canonical JSON image of one user's state, for comparing runs (e.g. concurrent against serial).
inline boost::json::value state_image(const user_store& user) {
    boost::json::array groups, conversations, sessions;
    for (const auto& g : user.groups) groups.push_back(boost::json::object{{"id", g.id}, {"name", g.name}});
    for (const auto& [key, data] : user.conversations) {
        boost::json::array ids(data.groups.begin(), data.groups.end());
        boost::json::object row{{"type", key.type}, {"peer", key.peer}, {"groups", std::move(ids)}, {"mark", data.mark.bits()}};
        if (data.custom_mark) row["custom"] = *data.custom_mark;
        conversations.push_back(std::move(row));
    }
    for (const auto& s : user.sessions)
        sessions.push_back(boost::json::object{{"type", s.key.type}, {"peer", s.key.peer}, {"time", s.msg_time}, {"pinned", s.pinned}});
    return boost::json::object{{"groups", std::move(groups)}, {"conversations", std::move(conversations)}, {"sessions", std::move(sessions)}};
}

} // namespace emulation::detail
TCCHAT_NAMESPACE_END
