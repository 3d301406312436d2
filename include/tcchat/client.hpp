#pragma once
// The client: validate -> encode -> rate limit -> transport -> decode -> envelope, with retries by retry
// class, UserSig renewal, an overall deadline, batch splitting and pagination. It never throws.
//
//   tcchat::client_options options;
//   options.base_url = tcchat::region_base_url(tcchat::region::singapore);
//   options.identity = {1400000000, "administrator"};
//   options.usersig = tcchat::fixed_usersig(std::getenv("TCCHAT_USERSIG"));
//   tcchat::client<MyTransport> client(MyTransport{}, options);
//   auto groups = client.call(tcchat::get_contact_group_request{"user0", 0});
//   for (const auto& page : client.pages(tcchat::get_list_request{"user0"})) { ... }

#include <tcchat/codec.hpp>
#include <tcchat/credentials.hpp>
#include <tcchat/detail/request_buffers.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/error.hpp>
#include <tcchat/pager.hpp>
#include <tcchat/detail/coarse_clock.hpp>
#include <tcchat/detail/saturating_time.hpp>
#include <tcchat/rate_limiter.hpp>
#include <tcchat/timer_thread.hpp>
#include <tcchat/transport.hpp>
#include <tcchat/url.hpp>
#include <tcchat/validate.hpp>

#include <boost/describe/class.hpp>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>

namespace tcchat {

/// When a failed attempt is tried again: the attempt count, the backoff's bounds, and whether writes are too.
struct retry_policy {
    int max_attempts = 4; ///< including the first; the one retry with a renewed UserSig (70001/70052) is on top
    std::chrono::milliseconds initial_backoff{100};
    std::chrono::milliseconds max_backoff{3000};
    /// Replaying create, update, mark or delete is not idempotent (docs/design-decisions.md §4): opt in deliberately.
    bool retry_writes = false;
};

/// What the observability hook sees once per attempt. The URL has its usersig redacted.
struct attempt_record {
    std::string_view command;
    std::uint32_t random = 0;
    int attempt = 0;
    std::chrono::microseconds latency{};
    int http_status = 0; ///< 0 when the transport failed
    int error_code = 0;  ///< 0 on success
    std::string_view redacted_url;
    std::string_view base_url; ///< client_options::base_url, or backup_base_url after an attempt that got no answer
};

/// Everything a client is configured with, in three groups: who calls (identity), how calls behave (policy),
/// and the hooks that observe calls or replace the clock, sleeping and randomness (tests and special
/// environments; empty means the real thing).
struct client_options {
    // --- identity: where calls go and as whom -------------------------------------------------------------
    std::string base_url = region_base_url(region::china);
    /// Where the attempt after one that got no HTTP answer (90001, 90003) goes; the attempt after that returns to
    /// base_url. Empty: the backup domain of base_url's region when base_url is a region's URL
    /// (region_base_url(r) -> region_base_url(r, true)), otherwise none.
    std::string backup_base_url;
    bool failover = true; ///< false: every attempt goes to base_url
    app_identity identity;
    usersig_provider usersig;
    /// The one renewal margin: the client asks `usersig` for a new signature this long before the cached one
    /// expires (or at once after 70001/70052).
    std::chrono::seconds usersig_renew_margin{300};

    // --- policy: what a call checks, how long it may take, and how it retries --------------------------------
    bool validate_requests = true;
    validation_limits validation;
    retry_policy retry;
    /// Asked for a permit before every attempt. The default is a token_bucket of 200 calls/s per app and command
    /// for the clients made with these options (copies of the options share it); give every client of a process
    /// the same limiter for one budget per process, and tcchat/limiter/redis.hpp's for one across processes.
    /// nullptr: no limiting.
    std::shared_ptr<rate_limiter> limiter = std::make_shared<token_bucket>();
    std::chrono::milliseconds deadline{30000};        ///< for a whole call, retries included
    std::chrono::milliseconds attempt_timeout{10000}; ///< above the service's own 3 s (docs/protocol.md §1.3)
    bool split_batches = true;                        ///< oversized mark and search batches go out in chunks the validator accepts
    decode_limits decoding;

    // --- hooks ------------------------------------------------------------------------------------------------
    /// Called once per attempt, with the URL's usersig redacted. If it throws, the call ends with code::hook_failed
    /// and the exception's text (an exception must not escape onto the thread that completed the attempt, which
    /// may be tcchat's timer thread or an event loop's).
    std::function<void(const attempt_record&)> on_attempt;
    /// Told when a transport breaks its contract: an async_send completion handler called a second time, or for
    /// an attempt that is over. The late completion is dropped either way, so the call's handler still runs once.
    /// Empty: an assertion in debug builds, nothing in release builds.
    std::function<void(std::string_view what)> on_contract_violation;
    /// call()'s waits (backoff, rate limit). Empty: std::this_thread::sleep_for on the calling thread.
    std::function<void(std::chrono::milliseconds)> sleep;
    /// Empty: deadlines read the coarse monotonic clock (a few ms of resolution, detail/coarse_clock.hpp) and
    /// the hook's latencies read steady_clock. Set, it serves both.
    std::function<std::chrono::steady_clock::time_point()> clock;
    /// Draws each call's `random`. Empty: a per-thread SplitMix64 stream (detail/request_buffers.hpp).
    std::function<std::uint32_t()> random;
    /// async_call's waits (backoff, rate limit): run `resume` after `delay`, without blocking the caller.
    /// Default: tcchat's own timer thread (timer_thread::shared()), on which `resume` then runs.
    /// tcchat/asio.hpp offers asio_scheduler, which arms a timer of your io_context instead.
    std::function<void(std::chrono::milliseconds delay, std::function<void()> resume)> schedule;
};

/// Per-call settings of call() and async_call(), on top of the client's options.
struct call_options {
    std::optional<std::uint32_t> random; ///< the `random` query value, e.g. for tracing; default: drawn
};

namespace detail {

/// The two envelope members that decide whether an answer failed (docs/protocol.md §1.4). Read on their own when
/// the whole answer does not decode, so that a FAIL answer without ErrorInfo, or with a malformed member the
/// model needs, still reaches the caller with the server's code (a 70001 must still renew the UserSig).
struct envelope_status {
    std::string ActionStatus;
    std::int32_t ErrorCode = 0;
};
BOOST_DESCRIBE_STRUCT(envelope_status, (), (ActionStatus, ErrorCode))

/// One async_call in flight: what every attempt needs, owned by the continuations that are pending.
template <class Response, class Handler>
struct async_operation {
    async_operation(Handler h, std::string body, std::uint32_t r, std::chrono::steady_clock::time_point d)
        : handler(std::move(h)), random(r), deadline(d) {
        outgoing.body = std::move(body);
    }
    using result_type = result<Response>;
    Handler handler;
    http_request outgoing;
    std::uint32_t random;
    std::chrono::steady_clock::time_point deadline;
    int attempt = 0;
    /// Attempts whose transport completion has been taken: attempt n's completion counts only when this is n - 1,
    /// so a second or late call of a completion handler is recognised and dropped.
    std::atomic<int> completed_attempts{0};
    bool renewed_usersig = false;
    bool on_backup = false; ///< the current attempt goes to the backup base URL
    error last;
};

} // namespace detail

/// Calls the eight endpoints through a Transport, with validation, retries, UserSig renewal and rate limits.
template <class Transport>
class client {
    static_assert(assert_transport<Transport>());

public:
    /// Takes the transport and options; empty sleep and schedule hooks get defaults (sleep_for, timer thread).
    client(Transport transport, client_options options)
        : transport_(std::move(transport)), options_(std::move(options)), service_root_(service_root(options_.base_url)),
          usersig_(options_.usersig, options_.usersig_renew_margin), url_problem_(url_problem_of(options_)),
          backup_base_url_(options_.failover ? backup_base_url_of(options_) : std::string()),
          backup_root_(backup_base_url_.empty() ? std::string() : service_root(backup_base_url_)) {
        if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
        if (!options_.schedule)
            options_.schedule = [](std::chrono::milliseconds delay, std::function<void()> resume) {
                timer_thread::shared().schedule(delay, std::move(resume));
            };
    }

    /// One documented call. Oversized mark/search batches are split into compliant calls and merged.
    template <class Request>
    result<response_of<Request>> call(const Request& request, const call_options& per_call = {}) {
        using endpoint = endpoint_of_t<Request>;
        if (auto unusable = options_problem()) return std::move(*unusable);
        const auto deadline = deadline_after(deadline_clock()); // for the whole call, every chunk of a batch
        if constexpr (has_batch<endpoint>::value) {
            if (options_.split_batches && (request.*endpoint::batch_field).size() > chunk_items(request))
                return call_in_chunks(request, per_call, deadline);
        }
        return call_with_retries(request, random_for(per_call), deadline);
    }

    /// The asynchronous form, for transports with async_send. `handler(result<Response>)` is called exactly
    /// once, on the thread that completes the last attempt. Retries follow the same rules as call(); batches
    /// are not split (an oversized batch is a validation error). The client must outlive the operation. As in
    /// Asio and in tcchat/asio.hpp's free async_call, the completion comes last.
    template <class Request, class Handler>
    void async_call(const Request& request, Handler&& handler) {
        async_call(request, call_options{}, std::forward<Handler>(handler));
    }

    /// The same with per-call options, e.g. a fixed `random` to trace the call.
    template <class Request, class Handler>
    void async_call(const Request& request, const call_options& per_call, Handler&& handler) {
        static_assert(assert_async_transport<Transport>());
        using endpoint = endpoint_of_t<Request>;
        using response = response_of<Request>;
        if (auto unusable = options_problem()) return handler(result<response>(std::move(*unusable)));
        if (options_.validate_requests) {
            const report violations = validate(request, options_.validation);
            if (!violations.ok()) return handler(result<response>(violations.first_error()));
        }
        const auto start = deadline_clock();
        auto op = std::make_shared<detail::async_operation<response, std::decay_t<Handler>>>(
            std::forward<Handler>(handler), encode(request), random_for(per_call), deadline_after(start));
        async_attempt<endpoint>(std::move(op), start);
    }

    /// Pages of get_contact_group or get_list, starting from `first`'s cursors.
    template <class Request>
    pager<client, Request> pages(Request first) {
        return pager<client, Request>(*this, std::move(first));
    }

    /// The transport the client sends through: its own, moved in by the constructor.
    Transport& transport() noexcept { return transport_; }
    /// The options as the client uses them: empty sleep and schedule hooks are filled in with the defaults.
    const client_options& options() const noexcept { return options_; }
    /// How many UserSigs the client has obtained from its provider so far, the first one included.
    std::uint64_t usersig_renewals() const { return usersig_.renewals(); }

private:
    /// async_call's attempt number op->attempt + 1, begun at `now`: a permit, waited for through schedule.
    template <class Endpoint, class Operation>
    void async_attempt(std::shared_ptr<Operation> op, std::chrono::steady_clock::time_point now) {
        ++op->attempt;
        if (!options_.limiter) return async_send_attempt<Endpoint>(std::move(op));
        const auto time_left = op->deadline - now;
        options_.limiter->async_reserve(budget_of(Endpoint::command), time_left, [this, op](permit granted) mutable {
            if (!granted) return op->handler(typename Operation::result_type(granted.error()));
            if (granted->count() <= 0) return async_send_attempt<Endpoint>(std::move(op));
            options_.schedule(whole_milliseconds(*granted), [this, op]() mutable { async_send_attempt<Endpoint>(std::move(op)); });
        });
    }

    /// The send of the current attempt, then the retry decision, shared with call().
    template <class Endpoint, class Operation>
    void async_send_attempt(std::shared_ptr<Operation> op) {
        using outcome_type = typename Operation::result_type;
        if (auto refused = prepare_attempt(Endpoint::command, op->random, deadline_clock(), op->deadline, op->attempt, op->on_backup,
                                           op->outgoing, nullptr))
            return op->handler(outcome_type(std::move(*refused)));
        const auto started = attempt_clock();
        Operation& current = *op;
        const int attempt = current.attempt;
        transport_.async_send(current.outgoing, [this, op = std::move(op), started, attempt](result<http_response> answer) mutable {
            int earlier = attempt - 1;
            if (!op->completed_attempts.compare_exchange_strong(earlier, attempt))
                return report_contract_violation("the transport completed attempt " + std::to_string(attempt) + " of " +
                                                 std::string(Endpoint::command) + " again; the late completion was dropped");
            outcome_type outcome;
            interpret(answer, outcome);
            report_attempt(Endpoint::command, op->random, op->attempt, op->on_backup, started, answer, outcome, op->outgoing.url);
            if (outcome) return op->handler(std::move(outcome));
            op->last = outcome.error();
            op->on_backup = next_on_backup(op->last, op->on_backup);
            const auto next = next_step(Endpoint::command, op->last, Endpoint::is_read, op->attempt, op->renewed_usersig, op->deadline);
            if (!next) return op->handler(outcome_type(op->last));
            options_.schedule(*next, [this, op]() mutable { async_attempt<Endpoint>(std::move(op), deadline_clock()); });
        });
    }

    /// How many items of a batch one request carries. When the client validates, its validator's limit: a
    /// lowered limit must not produce chunks the validator refuses, and a raised one is the user's word that the
    /// server takes more. Otherwise (or when that limit is 0, none) the documented limit.
    template <class Request>
    std::size_t chunk_items(const Request& request) const noexcept {
        const std::size_t configured = options_.validate_requests ? batch_items_max(options_.validation, request) : 0;
        return configured != 0 ? configured : endpoint_of_t<Request>::batch_limit;
    }

    template <class Request>
    result<response_of<Request>> call_in_chunks(const Request& request, const call_options& per_call,
                                                std::chrono::steady_clock::time_point deadline) {
        using endpoint = endpoint_of_t<Request>;
        const auto& items = request.*endpoint::batch_field;
        const std::size_t chunk_size = chunk_items(request);
        response_of<Request> merged;
        for (std::size_t start = 0; start < items.size(); start += chunk_size) {
            Request chunk = request;
            auto& chunk_items = chunk.*endpoint::batch_field;
            const std::size_t end = std::min(items.size(), start + chunk_size);
            chunk_items.assign(items.begin() + static_cast<std::ptrdiff_t>(start), items.begin() + static_cast<std::ptrdiff_t>(end));
            auto part = call_with_retries(chunk, random_for(per_call), deadline);
            if (!part) {
                error e = part.error();
                e.message += " (chunk of items " + std::to_string(start) + ".." + std::to_string(end - 1) + "; " +
                             std::to_string(start / chunk_size) + " earlier chunks succeeded)";
                return e;
            }
            static_cast<response_envelope&>(merged) = static_cast<const response_envelope&>(*part);
            endpoint::merge(merged, std::move(*part));
        }
        return merged;
    }

    template <class Request>
    result<response_of<Request>> call_with_retries(const Request& request, std::uint32_t random,
                                                   std::chrono::steady_clock::time_point deadline) {
        using endpoint = endpoint_of_t<Request>;
        using response = response_of<Request>;
        // Every return names `outcome`, so the response is decoded where the caller receives it: never moved.
        result<response> outcome;
        if (options_.validate_requests) {
            const report violations = validate(request, options_.validation);
            if (!violations.ok()) {
                outcome = violations.first_error();
                return outcome;
            }
        }
        detail::reused_request reused;
        http_request& outgoing = reused.request();
        encode_to(outgoing.body, request);
        const auto start = deadline_clock();
        bool renewed_usersig = false;
        bool on_backup = false;
        for (int attempt = 1;; ++attempt) {
            auto now = attempt == 1 ? start : deadline_clock();
            if (options_.limiter) {
                const permit granted = options_.limiter->reserve(budget_of(endpoint::command), deadline - now);
                if (!granted) {
                    outcome = granted.error();
                    return outcome;
                }
                if (granted->count() > 0) {
                    options_.sleep(whole_milliseconds(*granted));
                    now += *granted;
                }
            }
            if (auto refused = prepare_attempt(endpoint::command, random, now, deadline, attempt, on_backup, outgoing, reused.prefix())) {
                outcome = std::move(*refused);
                return outcome;
            }
            const auto started = attempt_clock();
            const auto answer = transport_.send(outgoing);
            interpret(answer, outcome);
            report_attempt(endpoint::command, random, attempt, on_backup, started, answer, outcome, outgoing.url);
            if (outcome) return outcome;
            error last = outcome.error();
            on_backup = next_on_backup(last, on_backup);
            const auto pause = next_step(endpoint::command, last, endpoint::is_read, attempt, renewed_usersig, deadline);
            if (!pause) {
                outcome = std::move(last);
                return outcome;
            }
            if (pause->count() > 0) options_.sleep(*pause);
            outcome = result<response>(); // the next attempt decodes into a fresh value
        }
    }

    /// Readies `outgoing` for attempt number `attempt` at `now`: the time left and the URL, on the backup base URL
    /// when `on_backup`, with the current UserSig. Answers the error that stops the call instead, if any. `prefix`
    /// describes what outgoing.url holds (nullptr: nothing reusable); only primary URLs are kept reusable.
    std::optional<error> prepare_attempt(std::string_view command, std::uint32_t random, std::chrono::steady_clock::time_point now,
                                         std::chrono::steady_clock::time_point deadline, int attempt, bool on_backup,
                                         http_request& outgoing, detail::url_prefix* prefix) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        if (remaining.count() <= 0)
            return make_error(code::deadline_exceeded, error_origin::local, "",
                              "deadline passed after " + std::to_string(attempt - 1) + " attempts");
        outgoing.timeout = std::min(remaining, options_.attempt_timeout);
        if (on_backup && prefix) *prefix = {}; // the buffer is about to hold the backup's URL
        if (!on_backup && prefix && prefix->reusable_for(id_, usersig_.fresh_generation(), command)) { // no lock taken
            outgoing.url.resize(prefix->size);
            append_random_tail(outgoing.url, random);
            return std::nullopt;
        }
        return usersig_.use([&](const signed_usersig& usersig, std::uint64_t generation) {
            if (signed_query_.generation != generation) {
                signed_query_.text.clear();
                append_signed_query(signed_query_.text, options_.identity.sdkappid, options_.identity.identifier, usersig.usersig);
                signed_query_.generation = generation;
            }
            assemble_url_prefix(outgoing.url, on_backup ? backup_root_ : service_root_, command, signed_query_.text);
            if (prefix && !on_backup) *prefix = {id_, generation, command, outgoing.url.size()};
            append_random_tail(outgoing.url, random);
        });
    }

    /// The error every call answers at once, before a permit is asked for, when the options cannot make a call.
    std::optional<error> options_problem() const {
        if (!url_problem_) return std::nullopt;
        return make_error(code::invalid_options, error_origin::local, "", *url_problem_);
    }

    /// What is wrong with the base URL or the backup base URL, named, or nullopt.
    static std::optional<std::string> url_problem_of(const client_options& options) {
        if (auto problem = base_url_problem(options.base_url)) return "client_options::base_url: " + *problem;
        if (options.failover && !options.backup_base_url.empty())
            if (auto problem = base_url_problem(options.backup_base_url)) return "client_options::backup_base_url: " + *problem;
        return std::nullopt;
    }

    /// The backup base URL the options ask for: theirs, or the backup domain of the region whose URL base_url is.
    static std::string backup_base_url_of(const client_options& options) {
        if (!options.backup_base_url.empty()) return options.backup_base_url;
        for (const region_info& row : regions)
            if (options.base_url == region_base_url(row.id) || options.base_url == region_base_url(row.id) + "/")
                return region_base_url(row.id, true);
        return {};
    }

    /// Whether the attempt after one that ended in `last` goes to the backup base URL: after an attempt on the
    /// primary that got no HTTP answer at all (the host may be unreachable), and only for that one attempt.
    bool next_on_backup(const error& last, bool was_on_backup) const noexcept {
        const bool no_answer = last.origin == error_origin::transport && (last.code == code::transport_failed || last.code == code::timeout);
        return !was_on_backup && no_answer && !backup_root_.empty();
    }

    budget_key budget_of(std::string_view command) const noexcept { return {options_.identity.sdkappid, command}; }

    /// A wait rounded up to whole milliseconds, the unit of sleep and schedule: never shorter than the permit.
    static std::chrono::milliseconds whole_milliseconds(std::chrono::nanoseconds wait) {
        return std::chrono::ceil<std::chrono::milliseconds>(wait);
    }

    std::uint32_t draw_random() { return options_.random ? options_.random() : random_(); }
    /// The `random` of an attempt: the caller's, or a fresh draw.
    std::uint32_t random_for(const call_options& per_call) { return per_call.random ? *per_call.random : draw_random(); }

    /// The call's deadline when it starts at `start`; milliseconds::max() is no deadline, not an overflow.
    std::chrono::steady_clock::time_point deadline_after(std::chrono::steady_clock::time_point start) const {
        return detail::saturating_add(start, options_.deadline);
    }

    std::chrono::steady_clock::time_point deadline_clock() const {
        return options_.clock ? options_.clock() : detail::coarse_steady_now();
    }
    std::chrono::steady_clock::time_point latency_clock() const {
        return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
    }

    /// When an attempt starts, for the hook's latency; the clock is not read when nobody looks.
    std::chrono::steady_clock::time_point attempt_clock() const {
        return options_.on_attempt ? latency_clock() : std::chrono::steady_clock::time_point{};
    }

    /// After a failed attempt of `command`: the pause before the next one, or nullopt to give up with `last`.
    /// Sync and async calls both decide here.
    std::optional<std::chrono::milliseconds> next_step(std::string_view command, error& last, bool is_read, int attempt,
                                                       bool& renewed_usersig, std::chrono::steady_clock::time_point deadline) {
        // The service counted more calls than the budget allowed: tell the limiter, which may share the news.
        if (last.code == code::rest_rate_limited && last.origin == error_origin::server && options_.limiter)
            options_.limiter->on_rate_limited(budget_of(command));
        const retry_class retry = last.retry();
        if (retry == retry_class::after_new_usersig && !renewed_usersig) {
            renewed_usersig = true; // the signature expired: renew once and try again, reads and writes alike
            usersig_.invalidate();
            return std::chrono::milliseconds(0);
        }
        const bool client_side_status = last.code == code::http_status && last.http_status < 500; // 4xx: our bug
        const bool transient = !client_side_status &&
                               (retry == retry_class::with_backoff || (retry == retry_class::once && attempt == 1));
        const bool may_retry = is_read || options_.retry.retry_writes;
        if (!may_retry || !transient || attempt >= options_.retry.max_attempts) return std::nullopt;
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - deadline_clock());
        const auto pause = backoff(attempt);
        if (pause >= remaining) {
            last = make_error(code::deadline_exceeded, error_origin::local, "",
                              "deadline passed after " + std::to_string(attempt) + " attempts; last error: " + last.message);
            return std::nullopt;
        }
        return pause;
    }

    /// Exponential backoff with jitter: half of the exponential step plus a random share of the other half.
    std::chrono::milliseconds backoff(int attempt) {
        const auto cap = options_.retry.max_backoff.count();
        const long long step = std::min<long long>(cap, options_.retry.initial_backoff.count() << std::min(attempt - 1, 20));
        return std::chrono::milliseconds(step / 2 + static_cast<long long>(draw_random() % static_cast<std::uint32_t>(step / 2 + 1)));
    }

    /// Calls the on_attempt hook. A hook that throws ends the call: `outcome` becomes code::hook_failed.
    template <class Response>
    void report_attempt(std::string_view command, std::uint32_t random, int attempt, bool on_backup,
                        std::chrono::steady_clock::time_point started, const result<http_response>& answer, result<Response>& outcome,
                        std::string_view url) {
        if (!options_.on_attempt) return;
        const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(latency_clock() - started);
        const std::string redacted_url = redact_usersig(url); // the record views it
        const attempt_record record{command, random, attempt, latency, answer ? answer->status : 0,
                                    outcome ? 0 : outcome.error().value(), redacted_url,
                                    on_backup ? std::string_view(backup_base_url_) : std::string_view(options_.base_url)};
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND) // not BOOST_NO_EXCEPTIONS: a user may set it with exceptions on
        try {
            options_.on_attempt(record);
        } catch (const std::exception& thrown) {
            outcome = hook_failure(thrown.what());
        } catch (...) {
            outcome = hook_failure("an exception that is not a std::exception");
        }
#else
        options_.on_attempt(record);
#endif
    }

    error hook_failure(std::string_view what) const {
        error e = make_error(code::hook_failed, error_origin::local, "", "the on_attempt hook threw: " + std::string(what));
        redact_signatures(e); // a hook may quote the URL it was given, or a signature it fetched
        return e;
    }

    void report_contract_violation(const std::string& what) const {
        if (options_.on_contract_violation) return options_.on_contract_violation(what);
        assert(!"tcchat: a transport broke its contract (see client_options::on_contract_violation)");
    }

    /// Sets `outcome`, which holds a value-initialized response, to an attempt's outcome: the transport's
    /// failure, an HTTP status, a decode error, the server's error code, or the response, decoded in place.
    /// Whatever the failure, its text passes redact_signatures before anyone sees it.
    template <class Response>
    void interpret(const result<http_response>& answer, result<Response>& outcome) const {
        std::optional<error> failure = delivery_failure(answer);
        if (!failure) {
            failure = decode_into(*outcome, answer->body, options_.decoding);
            if (failure) {
                if (auto refused = failed_envelope(answer->body)) failure = std::move(refused);
            } else if (!outcome->ok()) {
                failure = server_error(*outcome);
            }
        }
        if (!failure) return;
        redact_signatures(*failure);
        outcome = std::move(*failure);
    }

    /// A server or proxy may echo the request URL, with its UserSig, in ErrorInfo or a transport message: the
    /// recent signatures, raw or escaped, and any usersig= value are scrubbed from what an error carries.
    void redact_signatures(error& e) const {
        e.message = redact_usersig(e.message);
        usersig_.for_each_recent([&](std::string_view usersig) {
            redact_secret(e.message, usersig);
            redact_secret(e.pointer, usersig);
        });
    }

    static std::optional<error> delivery_failure(const result<http_response>& answer) {
        if (!answer) {
            error e = answer.error();
            e.origin = error_origin::transport;
            return e;
        }
        if (answer->status != 200) {
            error e = make_error(code::http_status, error_origin::transport, "", "HTTP status " + std::to_string(answer->status));
            e.http_status = answer->status;
            return e;
        }
        return std::nullopt;
    }

    /// The server's error of an answer that does not decode as a whole but whose envelope says it failed. An
    /// answer whose envelope reads OK with ErrorCode 0 keeps its decode error: a malformed success is no success.
    std::optional<error> failed_envelope(std::string_view body) const {
        detail::envelope_status status;
        if (decode_into(status, body, options_.decoding)) return std::nullopt;
        response_envelope envelope;
        envelope.ActionStatus = std::move(status.ActionStatus);
        envelope.ErrorCode = status.ErrorCode;
        if (envelope.ok()) return std::nullopt;
        return server_error(envelope);
    }

    static error server_error(const response_envelope& envelope) {
        const int server_code = envelope.ErrorCode != 0 ? envelope.ErrorCode : static_cast<int>(code::internal_error);
        return error{std::error_code(server_code, error_category()), "", envelope.ErrorInfo, error_origin::server, 200};
    }

    /// The query up to "random=" for UserSig generation `generation` (see append_signed_query). Guarded by
    /// usersig_'s lock: it is touched only inside usersig_.use().
    struct signed_query_cache {
        std::uint64_t generation = 0; ///< none yet: the cache's first signature is generation 1
        std::string text;
    };

    Transport transport_;
    client_options options_;
    const std::string service_root_;
    usersig_cache usersig_;
    signed_query_cache signed_query_;
    const std::optional<std::string> url_problem_; ///< checked once; every attempt is refused while it holds
    const std::string backup_base_url_;                 ///< empty: no failover
    const std::string backup_root_;
    const std::uint64_t id_ = detail::next_client_id();
    detail::random_source random_;
};

} // namespace tcchat
