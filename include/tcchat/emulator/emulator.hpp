#pragma once
// tcchat::emulation::emulator: the v4/recentcontact service in memory, for tests that need no account, no
// network and no rate limit. It answers the real URL form with the documented envelopes and codes, keeps users
// apart by SDKAppID, and injects faults for resilience tests. Thread-safe: every call is serialised. The
// emulator, its options, faults and seeds live in tcchat::emulation, apart from the client, as a test tool.
//
//   tcchat::emulation::emulator service;
//   tcchat::emulation::in_memory_transport transport(service); // satisfies the transport concept
//   http_response r = service.handle(url, body);               // what an HTTP server would answer

#include <tcchat/version.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/emulator/request_target.hpp>
#include <tcchat/emulator/store.hpp>
#include <tcchat/rate_limiter.hpp>
#include <tcchat/transport.hpp>
#include <tcchat/url.hpp>
#include <tcchat/validate.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

TCCHAT_NAMESPACE_BEGIN
namespace emulation {

/// How the emulator behaves: page size, quotas, edition, validation, usersig check, fault seed, memory caps.
struct emulator_options {
    std::size_t page_size = 100;                     ///< get_contact_group and get_list page length
    std::size_t max_groups_per_user = 20;            ///< 51010 past it (docs/protocol.md §1.8)
    std::size_t conversation_quota = 1000;           ///< 51008 past it (docs/protocol.md §1.8)
    bool edition_supports_groups = true;             ///< false: 51013 on group and mark commands
    validation_limits validation;                               ///< the rules requests are checked against
    decode_limits decoding;
    std::function<std::int64_t()> clock;             ///< Unix seconds for Timestamp; default: system clock
    /// Checks the usersig of each call; returns 0 or a code (70001, 70003...). Default: non-empty is enough.
    std::function<int(const call_parameters&)> verify_usersig;
    std::uint32_t seed = 1;                          ///< for rate-based faults
    std::size_t call_log_limit = 10000;              ///< calls() keeps the newest this many (a long-running serve stays flat)
    /// Caps on what writes may store, so that no client can exhaust the emulator's memory. Reads of a user
    /// with no state store nothing. Past max_users, a write that would add a user answers 70398; once the
    /// state holds max_state_bytes (user_store::footprint's estimate), writes that can add state (create,
    /// update, mark) answer 51008 until deletes free some. One write may overshoot by its own size.
    std::size_t max_users = 100000;
    std::size_t max_state_bytes = 256u * 1024u * 1024u;
    std::size_t roaming_clears_kept = 1000;          ///< per user: roaming_clears() reports the newest this many
};

/// How much the emulator holds, against emulator_options' caps.
struct emulator_usage {
    std::size_t users = 0;
    std::size_t state_bytes = 0;
};

/// Makes the next matching calls misbehave. A fault applies to `count` calls, or to each call with
/// probability `rate` when rate > 0.
struct fault {
    std::string command;                    ///< "" matches every command
    std::size_t count = 1;
    double rate = 0;
    int error_code = 0;                     ///< answer a FAIL envelope with this code
    int http_status = 0;                    ///< answer this HTTP status (e.g. 502) with a non-JSON body
    bool truncate_body = false;             ///< cut the real answer in half
    std::chrono::milliseconds latency{0};   ///< wait before answering
};

/// A conversation seed_conversation() puts in a user's list: its type, peer, last-message time and pinning.
struct conversation_seed {
    conversation_type type = conversation_type::c2c;
    std::string peer;
    std::int64_t msg_time = 0;
    bool pinned = false;
};

/// One call as the emulator saw it (usersig left out on purpose).
struct emulator_call {
    std::string command;
    std::uint32_t sdkappid = 0;
    std::string identifier;
    std::uint32_t random = 0;
    int error_code = 0;
};

/// The v4/recentcontact service in memory: state per SDKAppID and user, injected faults, an optional QPS cap.
class emulator {
public:
    /// An empty service; an empty `options.clock` reads the system clock in Unix seconds.
    explicit emulator(emulator_options options = {}) : options_(std::move(options)), random_(options_.seed) {
        if (!options_.clock)
            options_.clock = [] {
                return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
            };
        store_limits_ = {options_.max_groups_per_user, options_.conversation_quota, options_.page_size, options_.roaming_clears_kept};
    }

    emulator(const emulator&) = delete;
    emulator& operator=(const emulator&) = delete;

    /// The HTTP exchange: `url` is a full URL or a request target ("/v4/recentcontact/...?...").
    /// `error_code`, when given, receives the answer's ErrorCode (0 for OK or a non-JSON HTTP fault).
    http_response handle(std::string_view url, std::string_view body, int* error_code = nullptr) {
        std::optional<fault> injected;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            injected = take_fault(command_of(url));
        }
        if (injected && injected->latency.count() > 0) std::this_thread::sleep_for(injected->latency);
        if (error_code != nullptr) *error_code = 0;
        if (injected && injected->http_status != 0)
            return {injected->http_status, "<html><body>" + std::to_string(injected->http_status) + "</body></html>"};

        std::lock_guard<std::mutex> lock(mutex_);
        emulator_call call;
        std::string answer = route(url, body, call, injected ? injected->error_code : 0);
        if (error_code != nullptr) *error_code = call.error_code;
        calls_.push_back(std::move(call));
        if (calls_.size() > options_.call_log_limit) calls_.pop_front();
        if (injected && injected->truncate_body) answer.resize(answer.size() / 2);
        return {200, std::move(answer)};
    }

    /// A command without the URL layer, for the given app.
    std::string execute(std::string_view command, std::uint32_t sdkappid, std::string_view body) {
        std::lock_guard<std::mutex> lock(mutex_);
        int error_code = 0;
        return run_command(command, sdkappid, body, error_code);
    }

    /// Adds a conversation to a user's list for get_list and delete.
    void seed_conversation(std::uint32_t sdkappid, const std::string& user, const conversation_seed& seed) {
        std::lock_guard<std::mutex> lock(mutex_);
        const user_id id{sdkappid, user};
        detail::user_store& store = users_[id];
        detail::conversation_key key{static_cast<std::int32_t>(seed.type), seed.peer};
        auto& list = store.sessions;
        list.erase(std::remove_if(list.begin(), list.end(), [&](const detail::session& s) { return s.key == key; }), list.end());
        list.push_back({std::move(key), seed.msg_time, seed.pinned});
        recount(id, store);
    }

    /// Users with state and the bytes they hold.
    emulator_usage usage() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return {users_.size(), state_bytes_};
    }

    /// Queues `f` after the faults already added; a call takes the first matching fault that fires. A fault
    /// for 0 calls (and no rate) applies to none, so it is not queued.
    void add_fault(fault f) {
        if (f.count == 0 && !(f.rate > 0)) return;
        std::lock_guard<std::mutex> lock(mutex_);
        faults_.push_back(std::move(f));
    }

    /// Drops every pending fault, so later calls are answered normally (the QPS cap stays).
    void clear_faults() {
        std::lock_guard<std::mutex> lock(mutex_);
        faults_.clear();
    }

    /// Answers 60007 to calls beyond `calls_per_second` for each app and command, as each endpoint page states
    /// its own limit (a token bucket of one second's burst); 0 turns it off.
    void set_qps_cap(double calls_per_second) {
        std::lock_guard<std::mutex> lock(mutex_);
        qps_cap_.reset();
        if (calls_per_second > 0) qps_cap_.emplace(calls_per_second, calls_per_second);
    }

    /// The newest calls, oldest first (at most emulator_options::call_log_limit).
    std::vector<emulator_call> calls() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return {calls_.begin(), calls_.end()};
    }

    /// Whether delete was asked to clear roaming messages, per deleted conversation, in call order.
    std::vector<std::pair<std::string, bool>> roaming_clears(std::uint32_t sdkappid, const std::string& user) const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::pair<std::string, bool>> out;
        auto found = users_.find({sdkappid, user});
        if (found != users_.end())
            for (const auto& record : found->second.roaming_clears) out.emplace_back(record.key.peer, record.cleared);
        return out;
    }

    /// A canonical JSON image of every user's state (timestamps left out), for comparing runs.
    std::string state_image() const {
        std::lock_guard<std::mutex> lock(mutex_);
        boost::json::object image;
        for (const auto& [id, store] : users_) image[std::to_string(id.first) + "/" + id.second] = detail::state_image(store);
        return boost::json::serialize(image);
    }

    /// The options in use, with `clock` filled in when it was given empty.
    const emulator_options& options() const noexcept { return options_; }

private:
    static std::string_view command_of(std::string_view url) {
        const auto at = url.find(service_path);
        if (at == std::string_view::npos) return {};
        std::string_view rest = url.substr(at + service_path.size());
        return rest.substr(0, rest.find('?'));
    }

    std::optional<fault> take_fault(std::string_view command) {
        for (auto it = faults_.begin(); it != faults_.end(); ++it) {
            if (!it->command.empty() && it->command != command) continue;
            if (it->rate > 0) {
                if (std::uniform_real_distribution<double>(0, 1)(random_) >= it->rate) continue;
                return *it;
            }
            fault hit = *it;
            if (--it->count == 0) faults_.erase(it);
            return hit;
        }
        return std::nullopt;
    }

    static constexpr std::string_view unknown_command = "unknown command";

    static bool is_command(std::string_view command) {
        return visit_endpoint(command, [](auto) {});
    }

    /// The library's token bucket, asked for a permit that must be available now.
    bool over_qps_cap(std::uint32_t sdkappid, std::string_view command) {
        return qps_cap_ && !qps_cap_->reserve({sdkappid, command}, std::chrono::nanoseconds(0));
    }

    static std::string fail(int error_code, std::string info) {
        return encode(response_envelope{"FAIL", error_code, std::move(info), ""});
    }

    // The URL layer: public codes for what is wrong before the command runs (docs/protocol.md §1.1, §1.6).
    std::string route(std::string_view url, std::string_view body, emulator_call& call, int injected_code) {
        auto answer = [&](int error_code, std::string info) {
            call.error_code = error_code;
            return fail(error_code, std::move(info));
        };
        const auto target = parse_request_target(url);
        if (!target) return answer(static_cast<int>(code::http_parse_error), "malformed request URL");
        if (target->path.rfind("/" + std::string(service_path), 0) != 0)
            return answer(static_cast<int>(code::resource_not_found), "unknown service path");
        call.command = target->path.substr(service_path.size() + 1);
        const std::string* sdkappid = target->find("sdkappid");
        if (sdkappid == nullptr || sdkappid->empty()) return answer(static_cast<int>(code::sdkappid_missing), "sdkappid is required");
        const auto app = parse_uint32(*sdkappid);
        if (!app) return answer(static_cast<int>(code::sdkappid_invalid), "sdkappid is not a 32-bit number");
        call.sdkappid = *app;
        const std::string* identifier = target->find("identifier");
        if (identifier == nullptr || identifier->empty())
            return answer(static_cast<int>(code::admin_identifier_required), "identifier is required");
        call.identifier = *identifier;
        if (const std::string* random = target->find("random")) call.random = parse_uint32(*random).value_or(0);
        const std::string* usersig = target->find("usersig");
        if (usersig == nullptr || usersig->empty()) return answer(static_cast<int>(code::usersig_empty), "usersig is empty");
        if (options_.verify_usersig) {
            const int verdict = options_.verify_usersig(call_parameters{*app, *identifier, *usersig, call.random});
            if (verdict != 0) return answer(verdict, "usersig verification failed");
        }
        // Routed before the QPS cap is asked: the cap keeps a bucket per command, so a made-up command that reached
        // it would leave one behind for good.
        if (!is_command(call.command)) return answer(static_cast<int>(code::resource_not_found), std::string(unknown_command));
        if (over_qps_cap(*app, call.command)) return answer(static_cast<int>(code::rest_rate_limited), "REST API call frequency limit exceeded");
        if (injected_code != 0) return answer(injected_code, "injected fault");
        return run_command(call.command, *app, body, call.error_code);
    }

    /// The answer to one command; `error_code` gets its envelope's code (0 for OK), for the call log.
    std::string run_command(std::string_view command, std::uint32_t sdkappid, std::string_view body, int& error_code) {
        std::string out;
        const bool known = visit_endpoint(command, [&](auto endpoint) {
            using endpoint_type = decltype(endpoint);
            out = run_typed<endpoint_type>(sdkappid, body, error_code);
        });
        if (!known) return fail(error_code = static_cast<int>(code::resource_not_found), std::string(unknown_command));
        return out;
    }

    template <class Endpoint>
    std::string run_typed(std::uint32_t sdkappid, std::string_view body, int& error_code) {
        using request_type = typename Endpoint::request;
        const auto refuse = [&](int code_value, std::string info) { return fail(error_code = code_value, std::move(info)); };
        auto request = decode<request_type>(body, options_.decoding);
        if (!request) {
            const error& e = request.error();
            // The server knows no local-limit code: an oversized or too-deep body is a parameter error.
            const int code_value = e.code == code::local_limit_exceeded ? static_cast<int>(code::invalid_parameters) : e.value();
            return refuse(code_value, e.pointer.empty() ? e.message : e.pointer + ": " + e.message);
        }
        const report violations = validate(*request, options_.validation);
        if (!violations.ok()) {
            const violation& first = violations.violations.front();
            return refuse(first.code.value(), first.rule + " " + first.pointer + ": " + first.message);
        }
        if (Endpoint::needs_group_edition && !options_.edition_supports_groups)
            return refuse(static_cast<int>(code::edition_not_supported),
                        "the app's edition does not support conversation groups or marks");
        // A user with no state runs against an empty store, which is kept only if the command left something in
        // it and the caps allow another user: reads keep nothing, and a refused write changes nothing.
        const user_id id{sdkappid, request->From_Account};
        const auto found = users_.find(id);
        detail::user_store unknown_user;
        detail::user_store& user = found != users_.end() ? found->second : unknown_user;
        if (Endpoint::may_add_state && state_bytes_ >= options_.max_state_bytes)
            return refuse(static_cast<int>(code::conversation_quota_exceeded),
                          "the emulator's state holds " + std::to_string(state_bytes_) + " bytes, at its cap of " +
                              std::to_string(options_.max_state_bytes) +
                              " (max_state_bytes): writes that add state are refused until some is removed");
        detail::store_commands commands(user, store_limits_, options_.clock());
        auto result = commands.run(*request);
        if (result.error_code != 0) return refuse(result.error_code, std::move(result.error_info));
        if (&user == &unknown_user && !unknown_user.empty()) {
            if (users_.size() >= options_.max_users)
                return refuse(static_cast<int>(code::trial_account_limit),
                              "the emulator holds " + std::to_string(users_.size()) + " users, at its cap of " +
                                  std::to_string(options_.max_users) + " (max_users): a new user is refused");
            recount(id, users_.emplace(id, std::move(unknown_user)).first->second);
        } else if (!Endpoint::is_read && &user != &unknown_user) {
            recount(id, user);
        }
        auto& response = result.response;
        response.ActionStatus = "OK";
        response.ErrorCode = 0;
        response.ErrorDisplay = "";
        return encode(response);
    }

    using user_id = std::pair<std::uint32_t, std::string>;

    /// With the lock held, after `user` changed: brings state_bytes_ up to date.
    void recount(const user_id& id, detail::user_store& user) {
        const std::size_t now = user.footprint() + id.second.size();
        state_bytes_ = state_bytes_ - user.counted_bytes + now;
        user.counted_bytes = now;
    }

    emulator_options options_;
    detail::store_limits store_limits_;
    mutable std::mutex mutex_;
    std::map<user_id, detail::user_store> users_;
    std::size_t state_bytes_ = 0;
    std::vector<fault> faults_;
    std::deque<emulator_call> calls_;
    std::mt19937 random_;
    std::optional<token_bucket> qps_cap_;
};

/// The emulator behind the transport concept: client code runs against it with no sockets.
class in_memory_transport {
public:
    /// Sends to `service`, which must outlive the transport.
    explicit in_memory_transport(emulator& service) noexcept : service_(&service) {}

    /// Hands the request to emulator::handle on this thread; it never fails at the transport level.
    [[nodiscard]] result<http_response> send(const http_request& request) { return service_->handle(request.url, request.body); }

    /// Calls `handler` with send()'s answer before returning, on the calling thread.
    void async_send(const http_request& request, completion_handler handler) { handler(send(request)); }

private:
    emulator* service_;
};

} // namespace emulation

// The names from before the emulation namespace, for one release (CHANGELOG, 0.1.0).
/// Deprecated: tcchat::emulation::emulator_options.
using emulator_options [[deprecated("use tcchat::emulation::emulator_options")]] = emulation::emulator_options;
/// Deprecated: tcchat::emulation::emulator_usage.
using emulator_usage [[deprecated("use tcchat::emulation::emulator_usage")]] = emulation::emulator_usage;
/// Deprecated: tcchat::emulation::fault.
using fault [[deprecated("use tcchat::emulation::fault")]] = emulation::fault;
/// Deprecated: tcchat::emulation::conversation_seed.
using conversation_seed [[deprecated("use tcchat::emulation::conversation_seed")]] = emulation::conversation_seed;
/// Deprecated: tcchat::emulation::emulator_call.
using emulator_call [[deprecated("use tcchat::emulation::emulator_call")]] = emulation::emulator_call;
/// Deprecated: tcchat::emulation::emulator.
using emulator [[deprecated("use tcchat::emulation::emulator")]] = emulation::emulator;
/// Deprecated: tcchat::emulation::in_memory_transport.
using in_memory_transport [[deprecated("use tcchat::emulation::in_memory_transport")]] = emulation::in_memory_transport;
/// Deprecated: tcchat::emulation::request_target.
using request_target [[deprecated("use tcchat::emulation::request_target")]] = emulation::request_target;
/// Deprecated: tcchat::emulation::parse_request_target.
[[deprecated("use tcchat::emulation::parse_request_target")]] inline std::optional<emulation::request_target>
parse_request_target(std::string_view url) {
    return emulation::parse_request_target(url);
}

TCCHAT_NAMESPACE_END
