#pragma once
// The client: validate -> encode -> rate limit -> transport -> decode -> envelope, with retries by retry
// class, UserSig renewal, an overall deadline, batch splitting, cancellation and pagination. It never throws.
// The pipeline is written once (client::operation, a step machine); call() runs its steps blocking,
// async_call() through callbacks, so both modes behave alike.
//
//   tcchat::client_options options;
//   options.base_url = tcchat::region_base_url(tcchat::region::singapore);
//   options.identity = {1400000000, "administrator"};
//   options.usersig = tcchat::fixed_usersig(std::getenv("TCCHAT_USERSIG"));
//   tcchat::client<MyTransport> client(MyTransport{}, options);
//   auto groups = client.call(tcchat::get_contact_group_request{"user0", 0});
//   for (const auto& page : client.pages(tcchat::get_list_request{"user0"})) { ... }

#include <tcchat/version.hpp>
#include <tcchat/cancellation.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/credentials.hpp>
#include <tcchat/detail/client/pending_calls.hpp>
#include <tcchat/detail/client/request_buffers.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/error.hpp>
#include <tcchat/pager.hpp>
#include <tcchat/detail/client/coarse_clock.hpp>
#include <tcchat/detail/client/saturating_time.hpp>
#include <tcchat/rate_limiter.hpp>
#include <tcchat/scheduler.hpp>
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
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

TCCHAT_NAMESPACE_BEGIN

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
    /// Empty: deadlines read the coarse monotonic clock (a few ms of resolution, detail/client/coarse_clock.hpp) and
    /// the hook's latencies read steady_clock. Set, it serves both.
    std::function<std::chrono::steady_clock::time_point()> clock;
    /// Draws each call's `random`. Empty: a per-thread SplitMix64 stream (detail/client/request_buffers.hpp).
    std::function<std::uint32_t()> random;
    /// async_call's waits (backoff, rate limit): run `resume` after `delay`, without blocking the caller, and
    /// if it can, drop the wait once the call is cancelled (tcchat/scheduler.hpp). Default: tcchat's own timer
    /// thread (timer_thread::shared()), on which `resume` then runs. tcchat/asio.hpp offers asio_scheduler,
    /// which arms a timer of your io_context instead.
    scheduler schedule;
};

/// Per-call settings of call() and async_call(), on top of the client's options.
struct call_options {
    std::optional<std::uint32_t> random; ///< the `random` query value, e.g. for tracing; default: drawn
    /// Cancels the call from any thread (docs/client.md, "Cancelling a call"): it ends with code::cancelled.
    cancellation_token cancellation;
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
          backup_root_(backup_base_url_.empty() ? std::string() : service_root(backup_base_url_)),
          default_sleep_(!options_.sleep) {
        if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
        if (!options_.schedule)
            options_.schedule = [](std::chrono::milliseconds delay, std::function<void()> resume, const cancellation_token& cancelled) {
                timer_thread::shared().schedule(delay, std::move(resume), cancelled);
            };
    }

    /// Completes every async_call still pending with code::cancelled (on this thread), after waiting for any of
    /// their steps running on other threads to leave the client. Their late transport results, timers and permits
    /// are dropped without touching the destroyed client.
    ~client() { pending_->close(); }

    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// One documented call. Oversized mark/search batches are split into compliant calls and merged.
    template <class Request>
    [[nodiscard]] result<response_of<Request>> call(const Request& request, const call_options& per_call = {}) {
        operation<Request, detail::reused_request> steps(*this, request, per_call, per_call.cancellation);
        for (step next = steps.start(nullptr);;) {
            switch (next) {
            case step::reserve: next = steps.permitted(options_.limiter->reserve(steps.budget(), steps.time_left())); break;
            case step::wait:
                pause(steps.pause(), per_call.cancellation);
                next = steps.waited();
                break;
            case step::send: next = steps.answered(transport_.send(steps.outgoing())); break;
            case step::complete: return steps.take_result();
            }
        }
    }

    /// The asynchronous form, for transports with async_send. `handler(result<Response>)` is called exactly
    /// once: on the thread that completes the last step, or on the thread that cancels the call (its
    /// call_options::cancellation, or the client's destructor). Everything else is as call(): retries, the
    /// deadline, batch splitting. As in Asio and in tcchat/asio.hpp's free async_call, the completion comes last.
    template <class Request, class Handler>
    void async_call(const Request& request, Handler&& handler) {
        async_call(request, call_options{}, std::forward<Handler>(handler));
    }

    /// The same with per-call options, e.g. a fixed `random` to trace the call, or a cancellation token.
    template <class Request, class Handler>
    void async_call(const Request& request, const call_options& per_call, Handler&& handler) {
        static_assert(assert_async_transport<Transport>());
        using state = async_state<Request, std::decay_t<Handler>>;
        if (per_call.cancellation.cancelled()) return handler(result<response_of<Request>>(cancelled_error()));
        auto call = std::make_shared<state>(*this, request, per_call, std::forward<Handler>(handler));
        call->watch(per_call.cancellation, pending_);
        if (!pending_->enter()) return; // being destroyed: watch() has been answered with code::cancelled
        const bool finished = drive(call, call->steps.start(&request));
        pending_->leave();
        if (finished) call->deliver(call->steps.take_result());
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
    /// How many async_calls have not completed yet.
    std::size_t pending_async_calls() const { return pending_->size(); }

private:
    /// What the pipeline asks its driver to do next.
    enum class step {
        reserve,  ///< ask the limiter for a permit under budget(), for time_left(); then permitted()
        wait,     ///< let pause() pass without holding a thread of the caller's; then waited()
        send,     ///< send outgoing(); then answered()
        complete, ///< take_result()
    };

    /// One call from its start to its result, as the steps both drivers run: every decision of the pipeline
    /// exists here once. It splits an oversized batch into chunks (one deadline for them all, results merged in
    /// request order), counts attempts, and checks for cancellation between steps. `Buffers` lends the request
    /// buffers: the thread's for call(), the client's pool for async_call().
    template <class Request, class Buffers>
    class operation {
    public:
        using response = response_of<Request>;
        using endpoint = listed_endpoint_of_t<Request>;

        template <class... BufferSource>
        operation(client& owner, const Request& request, const call_options& per_call, cancellation_token cancellation,
                  BufferSource&&... buffer_source)
            : owner_(owner), request_(&request), fixed_random_(per_call.random), cancellation_(std::move(cancellation)),
              buffers_(std::forward<BufferSource>(buffer_source)...) {}

        /// The first step. `keep`: the request, when it must be copied because it will not outlive the call and
        /// its later chunks are still to be written (async_call); nullptr when it outlives the call.
        step start(const Request* keep) {
            if (auto unusable = owner_.options_problem()) return fail(std::move(*unusable));
            now_ = owner_.deadline_clock();
            deadline_ = owner_.deadline_after(now_); // for the whole call, every chunk of a batch
            if constexpr (has_batch<endpoint>::value) {
                if (owner_.options_.split_batches && items().size() > owner_.chunk_items(*request_)) {
                    chunk_size_ = owner_.chunk_items(*request_);
                    if (keep) request_ = &kept_.emplace(*keep);
                }
            }
            return begin_chunk(true);
        }

        step permitted(permit granted) {
            if (!granted) return fail(granted.error());
            if (granted->count() <= 0) return ready_to_send();
            pause_ = whole_milliseconds(*granted);
            now_ += *granted; // the attempt starts when the permit is due: the clock is not read again
            after_pause_ = step::send;
            return step::wait;
        }

        step waited() {
            if (cancellation_.cancelled()) return fail(cancelled_error());
            return after_pause_ == step::send ? ready_to_send() : next_attempt(false);
        }

        step answered(const result<http_response>& answer) {
            owner_.interpret(answer, outcome_);
            owner_.report_attempt(endpoint::command, random_, attempt_, on_backup_, started_, answer, outcome_, outgoing().url);
            if (outcome_) return chunk_done();
            error last = outcome_.error();
            on_backup_ = owner_.next_on_backup(last, on_backup_);
            const auto pause = owner_.next_step(endpoint::command, last, endpoint::is_read, attempt_, renewed_usersig_, deadline_);
            if (!pause) return fail(std::move(last));
            if (cancellation_.cancelled()) return fail(cancelled_error()); // no retry after a cancellation
            outcome_ = result<response>(); // the next attempt decodes into a fresh value
            if (pause->count() <= 0) return next_attempt(false);
            pause_ = *pause;
            after_pause_ = step::reserve;
            return step::wait;
        }

        budget_key budget() const noexcept { return owner_.budget_of(endpoint::command); }
        std::chrono::nanoseconds time_left() const noexcept { return deadline_ - now_; }
        std::chrono::milliseconds pause() const noexcept { return pause_; }
        http_request& outgoing() noexcept { return buffers_.request(); }
        int attempt() const noexcept { return attempt_; }
        result<response> take_result() { return std::move(outcome_); }

    private:
        const auto& items() const { return (*request_).*endpoint::batch_field; }
        std::size_t chunk_end() const { return std::min(items().size(), chunk_start_ + chunk_size_); }

        /// Validates and encodes the next chunk (or the whole request), then its first attempt.
        step begin_chunk(bool first) {
            const Request* current = request_;
            std::optional<Request> chunk;
            if constexpr (has_batch<endpoint>::value) {
                if (chunk_size_ != 0) {
                    chunk.emplace(*request_);
                    ((*chunk).*endpoint::batch_field)
                        .assign(items().begin() + static_cast<std::ptrdiff_t>(chunk_start_),
                                items().begin() + static_cast<std::ptrdiff_t>(chunk_end()));
                    current = &*chunk;
                }
            }
            if (owner_.options_.validate_requests) {
                const report violations = validate(*current, owner_.options_.validation);
                if (!violations.ok()) return fail(violations.first_error());
            }
            outgoing().body.clear();
            encode_to(outgoing().body, *current);
            random_ = fixed_random_ ? *fixed_random_ : owner_.draw_random(); // each chunk is a request of its own
            attempt_ = 0;
            renewed_usersig_ = false;
            on_backup_ = false;
            return next_attempt(first);
        }

        /// The next attempt's permit; `clock_read`: now_ is this moment already (the call has just started).
        step next_attempt(bool clock_read) {
            if (cancellation_.cancelled()) return fail(cancelled_error());
            ++attempt_;
            if (!clock_read) now_ = owner_.deadline_clock();
            if (!owner_.options_.limiter) return ready_to_send();
            return step::reserve;
        }

        step ready_to_send() {
            if (auto refused = owner_.prepare_attempt(endpoint::command, random_, now_, deadline_, attempt_, on_backup_, outgoing(),
                                                      buffers_.prefix()))
                return fail(std::move(*refused));
            started_ = owner_.attempt_clock();
            return step::send;
        }

        step chunk_done() {
            if constexpr (has_batch<endpoint>::value) {
                if (chunk_size_ != 0) {
                    static_cast<response_envelope&>(merged_) = static_cast<const response_envelope&>(*outcome_);
                    endpoint::merge(merged_, std::move(*outcome_));
                    chunk_start_ += chunk_size_;
                    if (chunk_start_ < items().size()) {
                        outcome_ = result<response>();
                        return begin_chunk(false);
                    }
                    outcome_ = std::move(merged_);
                }
            }
            return step::complete;
        }

        step fail(error e) {
            if constexpr (has_batch<endpoint>::value) {
                if (chunk_size_ != 0) {
                    e.message += " (chunk of items " + std::to_string(chunk_start_) + ".." + std::to_string(chunk_end() - 1) + "; " +
                                 std::to_string(chunk_start_ / chunk_size_) + " earlier chunks succeeded)";
                }
            }
            outcome_ = std::move(e);
            return step::complete;
        }

        client& owner_;
        const Request* request_;
        std::optional<Request> kept_; ///< async_call's copy of a batch that goes out in chunks
        std::optional<std::uint32_t> fixed_random_;
        std::uint32_t random_ = 0;
        cancellation_token cancellation_;
        Buffers buffers_;
        std::chrono::steady_clock::time_point now_{}, deadline_{}, started_{};
        std::size_t chunk_size_ = 0; ///< 0: the request goes out whole
        std::size_t chunk_start_ = 0;
        int attempt_ = 0;
        bool renewed_usersig_ = false;
        bool on_backup_ = false; ///< the current attempt goes to the backup base URL
        std::chrono::milliseconds pause_{};
        step after_pause_ = step::send;
        response merged_;
        result<response> outcome_;
    };

    /// call()'s pauses: on the calling thread, cut short by a cancellation unless the caller's own sleep hook
    /// serves them (then the cancellation is seen when it returns).
    void pause(std::chrono::milliseconds wait, const cancellation_token& cancellation) {
        if (wait.count() <= 0) return;
        if (default_sleep_) (void)cancellation.sleep_for(wait);
        else options_.sleep(wait);
    }

    /// One async_call in flight: its steps, its handler, and what decides who completes it. Owned by the
    /// callbacks that are pending (a permit, a timer, a transport), so it outlives the client if they do.
    template <class Request, class Handler>
    struct async_state : std::enable_shared_from_this<async_state<Request, Handler>> {
        static constexpr std::string_view command = endpoint_of_t<Request>::command;

        async_state(client& owner, const Request& request, const call_options& per_call, Handler h)
            : steps(owner, request, per_call, own_cancellation.token(), owner.request_pool_), handler(std::move(h)),
              limiter(owner.options_.limiter) {}

        /// Completes the call when `outer` (the caller's token) or the client's destructor cancels it.
        void watch(const cancellation_token& outer, const std::shared_ptr<detail::pending_calls>& pending) {
            caller = outer; // first: from here on a cancellation may deliver
            const std::weak_ptr<async_state> self = this->weak_from_this();
            own_cancellation.token().on_cancel([self] {
                if (auto state = self.lock()) state->deliver(result<response_of<Request>>(cancelled_error()));
            });
            registry = pending;
            registration = pending->add([inner = own_cancellation] { inner.cancel(); });
            const std::uint64_t subscription = outer.on_cancel([inner = own_cancellation] { inner.cancel(); });
            const std::lock_guard<std::mutex> lock(subscription_mutex);
            if (finished.load()) caller.forget(subscription); // delivered meanwhile, on another thread
            else caller_subscription = subscription;
        }

        /// The handler's one call; whoever comes second (a late step, a cancellation) does nothing.
        void deliver(result<response_of<Request>> outcome) {
            if (finished.exchange(true)) return;
            std::uint64_t subscription = 0;
            {
                const std::lock_guard<std::mutex> lock(subscription_mutex);
                std::swap(subscription, caller_subscription);
            }
            caller.forget(subscription);
            registry->remove(registration);
            handler(std::move(outcome));
        }

        cancellation_source own_cancellation; ///< cancelled by the caller's token or the client's destructor
        operation<Request, detail::pooled_request> steps;
        Handler handler;
        std::shared_ptr<rate_limiter> limiter; ///< alive while a permit is awaited, whatever the client does
        cancellation_token caller;
        std::mutex subscription_mutex; ///< caller_subscription is written by watch() and taken by deliver()
        std::uint64_t caller_subscription = 0;
        std::shared_ptr<detail::pending_calls> registry;
        std::uint64_t registration = 0;
        std::atomic<bool> finished{false};
        int sends = 0; ///< exchanges handed to the transport, every chunk's attempts counted
        /// Exchanges whose transport completion has been taken: exchange n's completion counts only when this is
        /// n - 1, so a second or late call of a completion handler is recognised and dropped.
        std::atomic<int> completed_sends{0};
        /// Who continues after a callback step: idle, the initiator (the callback came inline, before the
        /// initiating call returned), or the callback (it came later, from anywhere).
        std::atomic<int> handoff{0};
        step awaited = step::complete;
        permit granted;
        result<http_response> answer;
    };
    static constexpr int handoff_idle = 0, handoff_initiating = 1, handoff_inline = 2;

    /// async_call's driver: runs steps until one must wait for a callback (then that callback resumes), or the
    /// call is complete (answers true: the caller delivers the result outside the client). A callback that
    /// comes inline, before its initiating call returns, is taken up by this loop rather than by recursion.
    /// Runs only between pending_->enter() and leave().
    template <class State>
    bool drive(const std::shared_ptr<State>& call, step next) {
        for (;;) {
            if (call->finished.load()) return false; // cancelled: what is late is dropped
            if (next == step::complete) return true;
            call->awaited = next;
            call->handoff.store(handoff_initiating);
            initiate(call, next);
            int expected = handoff_initiating;
            if (call->handoff.compare_exchange_strong(expected, handoff_idle)) return false; // the callback resumes
            call->handoff.store(handoff_idle);
            next = resumed(*call);
        }
    }

    /// Starts the wait of step `next` with a callback that hands its result over to whoever continues.
    template <class State>
    void initiate(const std::shared_ptr<State>& call, step next) {
        auto hand_over = [this](const std::shared_ptr<State>& state) {
            if (state->handoff.exchange(handoff_inline) == handoff_initiating) return; // drive() continues
            state->handoff.store(handoff_idle);
            if (!state->registry->enter()) return; // the client is going away and has cancelled the call
            const bool finished = !state->finished.load() && drive(state, resumed(*state));
            state->registry->leave();
            if (finished) state->deliver(state->steps.take_result());
        };
        switch (next) {
        case step::reserve:
            call->limiter->async_reserve(call->steps.budget(), call->steps.time_left(), [call, hand_over](permit granted) {
                call->granted = std::move(granted);
                hand_over(call);
            });
            return;
        case step::wait:
            options_.schedule(call->steps.pause(), [call, hand_over] { hand_over(call); }, call->own_cancellation.token());
            return;
        case step::send: {
            const int attempt = call->steps.attempt();
            const int sent = ++call->sends;
            auto completion = [this, call, hand_over, attempt, sent](result<http_response> answer) {
                int earlier = sent - 1;
                if (!call->completed_sends.compare_exchange_strong(earlier, sent)) {
                    if (call->registry->enter()) {
                        report_contract_violation("the transport completed attempt " + std::to_string(attempt) + " of " +
                                                  std::string(State::command) + " again; the late completion was dropped");
                        call->registry->leave();
                    }
                    return;
                }
                call->answer = std::move(answer);
                hand_over(call);
            };
            if constexpr (is_cancellable_async_transport<Transport>::value)
                transport_.async_send(call->steps.outgoing(), std::move(completion), call->own_cancellation.token());
            else
                transport_.async_send(call->steps.outgoing(), std::move(completion));
            return;
        }
        case step::complete:
            return;
        }
    }

    /// The step after the one a callback has just completed.
    template <class State>
    step resumed(State& call) {
        switch (call.awaited) {
        case step::reserve: return call.steps.permitted(std::move(call.granted));
        case step::wait: return call.steps.waited();
        case step::send: return call.steps.answered(call.answer);
        case step::complete: break;
        }
        return step::complete;
    }

    static error cancelled_error() {
        return make_error(code::cancelled, error_origin::local, "", "the call was cancelled by its caller");
    }

    /// How many items of a batch one request carries. When the client validates, its validator's limit: a
    /// lowered limit must not produce chunks the validator refuses, and a raised one is the user's word that the
    /// server takes more. Otherwise (or when that limit is 0, none) the documented limit.
    template <class Request>
    std::size_t chunk_items(const Request& request) const noexcept {
        const std::size_t configured = options_.validate_requests ? batch_items_max(options_.validation, request) : 0;
        return configured != 0 ? configured : endpoint_of_t<Request>::batch_limit;
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
        const long long doubled = std::min<long long>(cap, options_.retry.initial_backoff.count() << std::min(attempt - 1, 20));
        return std::chrono::milliseconds(doubled / 2 + static_cast<long long>(draw_random() % static_cast<std::uint32_t>(doubled / 2 + 1)));
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
    const bool default_sleep_; ///< options.sleep was empty: call()'s pauses can be cut short by a cancellation
    const std::uint64_t id_ = detail::next_client_id();
    detail::random_source random_;
    std::shared_ptr<detail::request_pool> request_pool_ = std::make_shared<detail::request_pool>(); ///< async_call's buffers
    std::shared_ptr<detail::pending_calls> pending_ = std::make_shared<detail::pending_calls>();
};

TCCHAT_NAMESPACE_END
