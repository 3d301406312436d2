#pragma once
// What a call is written into, kept off the client's pipeline: reusable request buffers (the thread's for
// call(), a client's pool for async_call()), the record of which URL prefix they hold, and the source of each
// call's `random`. The client asks for buffers, checks their url_prefix, and draws from random_source; nothing
// else here is its concern.

#include <tcchat/version.hpp>
#include <tcchat/transport.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// A well-seeded source for `random` (protocol.md §1.1: a uint32). SplitMix64 (Steele, Lea and Flood, 2014) over a
/// per-thread state: a draw is an add and a mix, with neither a lock nor an atomic read-modify-write. Each
/// thread's state is seeded once, from std::random_device, the clock and a process-wide thread counter.
class random_source {
public:
    std::uint32_t operator()() noexcept {
        thread_local std::uint64_t state = seed();
        constexpr std::uint64_t gamma = 0x9E3779B97F4A7C15u;
        std::uint64_t z = state += gamma;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
        return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
    }

private:
    static std::uint64_t seed() {
        static std::atomic<std::uint64_t> threads{0};
        std::random_device device;
        const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        const std::uint64_t thread = threads.fetch_add(1, std::memory_order_relaxed);
        return (std::uint64_t{device()} << 32 | device()) ^ now ^ (thread * 0xD1B54A32D192ED03u);
    }
};

/// Which client, UserSig generation and command a URL buffer's first `size` bytes were built for: a call
/// that matches all three writes only its random digits and the format after them.
struct url_prefix {
    std::uint64_t client = 0; ///< 0, which no client has: nothing reusable
    std::uint64_t generation = 0;
    std::string_view command; ///< an endpoint's static name
    std::size_t size = 0;

    /// Endpoint names are static: the same view, most of the time, so the bytes are rarely compared.
    bool same_command(std::string_view cmd) const noexcept {
        return (command.data() == cmd.data() && command.size() == cmd.size()) || command == cmd;
    }
    bool reusable_for(std::uint64_t c, std::uint64_t g, std::string_view cmd) const noexcept {
        return client == c && generation == g && same_command(cmd);
    }
};

/// Tells clients apart in the thread's url_prefix: unlike an address, never reused by a later client.
inline std::uint64_t next_client_id() noexcept {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

/// A buffer grown past `retained_capacity` (a rare oversized batch) is released rather than kept for later calls.
inline constexpr std::size_t retained_capacity = 64 * 1024;

inline void release_oversized(http_request& request, url_prefix& prefix) {
    if (request.url.capacity() > retained_capacity) {
        std::string().swap(request.url);
        prefix = {};
    }
    if (request.body.capacity() > retained_capacity) std::string().swap(request.body);
}

/// A request whose URL and body buffers are the calling thread's, kept from its previous call, so a steady
/// stream of calls allocates nothing for them, and the URL's prefix is rebuilt only when it differs. A call
/// made while the thread's buffers are in use (from a transport or a hook, inside another call) gets buffers
/// of its own.
class reused_request {
public:
    reused_request() noexcept : held_(claim()) {
        if (held_) held_->request.body.clear(); // the URL is rewritten, or its prefix reused, by the client
        else own_.emplace();
    }
    ~reused_request() {
        if (!held_) return;
        release_oversized(held_->request, held_->prefix);
        held_->in_use = false;
    }
    reused_request(const reused_request&) = delete;
    reused_request& operator=(const reused_request&) = delete;

    http_request& request() noexcept { return held_ ? held_->request : *own_; }
    /// What request().url begins with; nullptr for buffers of this call's own, which start empty.
    url_prefix* prefix() noexcept { return held_ ? &held_->prefix : nullptr; }

private:
    struct thread_buffers {
        http_request request;
        url_prefix prefix;
        bool in_use = false;
    };
    static thread_buffers* claim() noexcept {
        thread_local thread_buffers buffers;
        if (buffers.in_use) return nullptr;
        buffers.in_use = true;
        return &buffers;
    }

    thread_buffers* held_;
    std::optional<http_request> own_; ///< only when the thread's buffers are taken
};

/// Request buffers for async calls, which cross threads and so cannot borrow the thread's: a client keeps those
/// of its finished calls, URL prefix included, for the next ones. Shared with the calls, which may outlive the
/// client.
class request_pool {
public:
    static constexpr std::size_t max_kept = 64; ///< more calls at once than this allocate buffers of their own

    struct buffers {
        http_request request;
        url_prefix prefix;
    };

    std::unique_ptr<buffers> take() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (!kept_.empty()) {
                std::unique_ptr<buffers> reused = std::move(kept_.back());
                kept_.pop_back();
                return reused;
            }
        }
        return std::make_unique<buffers>();
    }

    void give_back(std::unique_ptr<buffers> returned) {
        release_oversized(returned->request, returned->prefix);
        returned->request.body.clear();
        const std::lock_guard<std::mutex> lock(mutex_);
        if (kept_.size() < max_kept) kept_.push_back(std::move(returned));
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<buffers>> kept_;
};

/// One async call's buffers from its client's pool, given back when the call's state goes.
class pooled_request {
public:
    explicit pooled_request(std::shared_ptr<request_pool> pool) : pool_(std::move(pool)), held_(pool_->take()) {}
    ~pooled_request() { pool_->give_back(std::move(held_)); }
    pooled_request(const pooled_request&) = delete;
    pooled_request& operator=(const pooled_request&) = delete;

    http_request& request() noexcept { return held_->request; }
    url_prefix* prefix() noexcept { return &held_->prefix; }

private:
    std::shared_ptr<request_pool> pool_;
    std::unique_ptr<request_pool::buffers> held_;
};

} // namespace detail
TCCHAT_NAMESPACE_END
