// The seed file of `tcchat serve`: every member is checked and every problem named by its JSON Pointer. The
// first problem stops the loading; a reader keeps it, so the loader reads straight through without exceptions.

#include "serve_seed.hpp"

#include "cli_common.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace tcchat::cli {
namespace {

constexpr std::uint32_t default_seed_sdkappid = 1400000000;
constexpr std::size_t max_seed_bytes = 64u * 1024u * 1024u;

/// The first problem found in the file, with where it is.
class seed_problems {
public:
    void report(const std::string& pointer, const std::string& message) {
        if (!first_) first_ = (pointer.empty() ? "" : pointer + ": ") + message;
    }
    bool any() const noexcept { return first_.has_value(); }
    const std::optional<std::string>& first() const noexcept { return first_; }

private:
    std::optional<std::string> first_;
};

/// Typed access to one JSON object of the seed file. A member of the wrong type or range is reported and read
/// as its fallback, so the caller checks seed_problems::any() once per item rather than after every read.
class seed_object {
public:
    seed_object(const boost::json::value& value, std::string pointer, seed_problems& problems)
        : object_(value.if_object()), pointer_(std::move(pointer)), problems_(problems) {
        if (object_ == nullptr) problems_.report(pointer_, "expected an object");
    }

    /// Reports members the format does not know, so a typo does not silently seed nothing.
    void allow_only(std::initializer_list<std::string_view> names) const {
        if (object_ == nullptr) return;
        for (const auto& member : *object_)
            if (std::find(names.begin(), names.end(), std::string_view(member.key())) == names.end())
                problems_.report(pointer_, "unknown member \"" + std::string(member.key()) + "\"");
    }

    const boost::json::value* find(std::string_view name) const { return object_ ? object_->if_contains(name) : nullptr; }

    std::string at(std::string_view name) const { return pointer_ + "/" + std::string(name); }

    template <class Number>
    Number number(std::string_view name, Number fallback, Number min, Number max) const {
        const boost::json::value* value = find(name);
        if (value == nullptr) return fallback;
        boost::json::error_code ec;
        const auto number = value->to_number<Number>(ec);
        if (!ec && number >= min && number <= max) return number;
        problems_.report(at(name), "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
        return fallback;
    }

    std::string text(std::string_view name, std::optional<std::string> fallback = std::nullopt) const {
        const boost::json::value* value = find(name);
        if (value == nullptr && fallback) return *fallback;
        if (value != nullptr && value->is_string()) return std::string(value->get_string());
        problems_.report(at(name), "expected a string");
        return {};
    }

    bool flag(std::string_view name) const {
        const boost::json::value* value = find(name);
        if (value == nullptr) return false;
        if (value->is_bool()) return value->get_bool();
        problems_.report(at(name), "expected true or false");
        return false;
    }

    /// The array member `name` (empty when absent), each element with its pointer.
    std::vector<std::pair<const boost::json::value*, std::string>> items(std::string_view name) const {
        std::vector<std::pair<const boost::json::value*, std::string>> out;
        const boost::json::value* value = find(name);
        if (value == nullptr) return out;
        if (!value->is_array()) {
            problems_.report(at(name), "expected an array");
            return out;
        }
        for (std::size_t i = 0; i < value->get_array().size(); ++i)
            out.emplace_back(&value->get_array()[i], at(name) + "/" + std::to_string(i));
        return out;
    }

private:
    const boost::json::object* object_;
    std::string pointer_;
    seed_problems& problems_;
};

/// Whether an injected http_status can be served with its HTML page: a 1xx is no final answer, 204 and 304 have
/// no body, and below 100 there is no HTTP status at all (42 went out as "HTTP/1.1 042").
bool is_servable_status(int status) { return status == 0 || (status >= 200 && status <= 599 && status != 204 && status != 304); }

void apply_seed(emulation::emulator& service, const boost::json::value& root, seed_problems& problems) {
    const seed_object seed(root, "", problems);
    seed.allow_only({"sdkappid", "calls", "conversations", "faults"});
    constexpr std::uint32_t any_app = std::numeric_limits<std::uint32_t>::max();
    const std::uint32_t default_app = seed.number<std::uint32_t>("sdkappid", default_seed_sdkappid, 0, any_app);
    const auto app_of = [&](const seed_object& item) { return item.number<std::uint32_t>("sdkappid", default_app, 0, any_app); };
    if (problems.any()) return;

    for (const auto& [value, pointer] : seed.items("calls")) {
        const seed_object call(*value, pointer, problems);
        call.allow_only({"command", "body", "sdkappid"});
        const std::string command = call.text("command");
        const std::uint32_t app = app_of(call);
        const boost::json::value* body = call.find("body");
        if (body == nullptr || !body->is_object()) problems.report(call.at("body"), "expected the request object");
        if (problems.any()) return;
        const std::string answer = service.execute(command, app, boost::json::serialize(*body));
        const auto envelope = decode<response_envelope>(answer);
        if (!envelope || !envelope->ok()) return problems.report(pointer, command + " did not succeed: " + answer);
    }

    for (const auto& [value, pointer] : seed.items("conversations")) {
        const seed_object conversation(*value, pointer, problems);
        // The members of emulation::conversation_seed, as the faults use fault's. Type, MsgTime and TopFlag (wire
        // keys, the format of 0.1) are still read, for one release.
        conversation.allow_only({"user", "type", "peer", "msg_time", "pinned", "sdkappid", "Type", "MsgTime", "TopFlag"});
        emulation::conversation_seed entry;
        const std::string_view type_key = conversation.find("Type") != nullptr ? "Type" : "type";
        if (conversation.find(type_key) == nullptr) problems.report(conversation.at("type"), "expected 1 (C2C) or 2 (group)");
        entry.type = static_cast<conversation_type>(conversation.number<int>(type_key, 0, 1, 2));
        entry.peer = conversation.text("peer");
        const std::string_view time_key = conversation.find("MsgTime") != nullptr ? "MsgTime" : "msg_time";
        entry.msg_time = conversation.number<std::int64_t>(time_key, 0, 0, std::numeric_limits<std::int64_t>::max());
        entry.pinned = conversation.find("TopFlag") != nullptr ? conversation.number<int>("TopFlag", 0, 0, 1) == 1
                                                               : conversation.flag("pinned");
        const std::uint32_t app = app_of(conversation);
        const std::string user = conversation.text("user");
        if (problems.any()) return;
        service.seed_conversation(app, user, entry);
    }

    for (const auto& [value, pointer] : seed.items("faults")) {
        const seed_object item(*value, pointer, problems);
        item.allow_only({"command", "count", "rate", "error_code", "http_status", "truncate_body", "latency_ms"});
        emulation::fault injected;
        injected.command = item.text("command", "");
        injected.count = item.number<std::size_t>("count", 1, 1, std::numeric_limits<std::uint32_t>::max());
        injected.rate = item.number<double>("rate", 0, 0, 1);
        injected.error_code = item.number<int>("error_code", 0, 0, std::numeric_limits<int>::max());
        injected.http_status = item.number<int>("http_status", 0, 0, 599);
        if (!is_servable_status(injected.http_status))
            problems.report(item.at("http_status"), "expected 0 (none) or an HTTP status from 200 to 599 other than 204 and 304, "
                                                    "which carry no body, not " + std::to_string(injected.http_status));
        injected.truncate_body = item.flag("truncate_body");
        injected.latency = std::chrono::milliseconds(item.number<int>("latency_ms", 0, 0, 600000));
        if (problems.any()) return;
        service.add_fault(std::move(injected));
    }
}

} // namespace

std::optional<std::string> load_seed(emulation::emulator& service, const std::string& path) {
    std::string text, why;
    if (read_input({path}, 0, text, why, max_seed_bytes)) return "cannot use seed file: " + why;
    boost::json::error_code ec;
    const boost::json::value root = boost::json::parse(text, ec);
    if (ec) return "seed file " + path + " is not JSON: " + ec.message();
    seed_problems problems;
    apply_seed(service, root, problems);
    if (problems.any()) return "bad seed file " + path + ": " + *problems.first();
    return std::nullopt;
}

} // namespace tcchat::cli
