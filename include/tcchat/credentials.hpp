#pragma once
// Credentials: what the client needs to sign a call. A provider is any callable returning
// result<signed_usersig>; tcchat/usersig.hpp ships one that generates signatures from the SecretKey.

#include <tcchat/version.hpp>
#include <tcchat/detail/client/coarse_clock.hpp>
#include <tcchat/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN

/// A UserSig and the moment it stops being accepted. `usersig` is a secret: never log it.
struct signed_usersig {
    std::string usersig;
    std::chrono::system_clock::time_point expires_at = std::chrono::system_clock::time_point::max();
};

/// The identity a REST call is made as (docs/protocol.md §1.1): the app and its admin account.
struct app_identity {
    std::uint32_t sdkappid = 0;
    std::string identifier;
};

/// Produces a UserSig when the client needs one: fixed_usersig(), usersig::generated_usersig(), or your own.
using usersig_provider = std::function<result<signed_usersig>()>;

/// A provider that always answers the same UserSig (it never expires as far as tcchat knows).
inline usersig_provider fixed_usersig(std::string usersig) {
    return [usersig = std::move(usersig)]() -> result<signed_usersig> { return signed_usersig{usersig}; };
}

/// Caches the provider's answer and asks again `margin` before it expires, or after invalidate() (the server
/// said 70001/70052). Thread-safe: concurrent callers share one renewal.
class usersig_cache {
public:
    /// Caches `provider`'s signatures, renewing `margin` before each expires; asks nothing until first needed.
    usersig_cache(usersig_provider provider, std::chrono::seconds margin)
        : provider_(std::move(provider)), margin_(margin) {}

    /// The current UserSig, renewed first if needed (at `now`, default the coarse clock), or why there is none.
    [[nodiscard]] result<std::string> get(std::optional<std::chrono::system_clock::time_point> now = {}) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto failed = refresh(now)) return *failed;
        return cached_->usersig;
    }

    /// Calls use(usersig, generation) under the cache's lock, renewing first if needed. The generation
    /// changes with every renewal, so a caller can keep what it derives from a signature (the client keeps
    /// the percent-encoded query) and guard it with this lock, taking one lock per call instead of two.
    template <class Use>
    std::optional<error> use(Use&& use, std::optional<std::chrono::system_clock::time_point> now = {}) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto failed = refresh(now)) return failed;
        use(static_cast<const signed_usersig&>(*cached_), renewals_);
        return std::nullopt;
    }

    /// The generation use() would pass at `now` without renewing, or 0 if it would renew (nothing cached,
    /// invalidated, or inside the margin). Lock-free, so a caller holding what it derived from generation G
    /// under use() can reuse it without the lock while this answers G. A renewal racing this call is seen by the
    /// next one: the signature it answers for was good when read, as with a use() just before the renewal.
    std::uint64_t fresh_generation(std::chrono::system_clock::time_point now) const noexcept {
        const std::uint64_t generation = fresh_generation_.load(std::memory_order_acquire);
        const auto renew_from = renew_from_.load(std::memory_order_relaxed);
        return renew_from == never_renew || now.time_since_epoch().count() < renew_from ? generation : 0;
    }
    /// The same at the coarse clock's now, which a signature that never expires does not read.
    std::uint64_t fresh_generation() const noexcept {
        const bool expires = renew_from_.load(std::memory_order_relaxed) != never_renew;
        return fresh_generation(expires ? detail::coarse_system_now() : std::chrono::system_clock::time_point{});
    }

    /// Forgets the cached signature (the server refused it: 70001/70052), so the next use asks the provider.
    void invalidate() {
        std::lock_guard<std::mutex> lock(mutex_);
        retire_cached();
        fresh_generation_.store(0, std::memory_order_release);
    }

    /// Calls see(usersig) for the cached signature and the one before it, under the lock, so that a caller
    /// can scrub them from text a server sent back (an attempt may have used the one a renewal just replaced).
    template <class See>
    void for_each_recent(See&& see) const {
        std::lock_guard<std::mutex> lock(mutex_);
        if (cached_) see(std::string_view(cached_->usersig));
        if (!previous_.empty()) see(std::string_view(previous_));
    }

    /// How many signatures the provider has supplied; use() passes this count as the generation.
    std::uint64_t renewals() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return renewals_;
    }

private:
    /// With the lock held: renews unless the cached signature is good `margin_` beyond `now` (the decision
    /// fresh_generation makes without the lock).
    std::optional<error> refresh(std::optional<std::chrono::system_clock::time_point> now) {
        if ((now ? fresh_generation(*now) : fresh_generation()) != 0) return std::nullopt;
        if (!provider_) return make_error(code::usersig_unavailable, error_origin::local, "", "no UserSig provider configured");
        auto renewed = provider_();
        if (!renewed) return renewed.error();
        if (renewed->usersig.empty())
            return make_error(code::usersig_unavailable, error_origin::local, "", "the UserSig provider returned an empty signature");
        retire_cached();
        cached_ = std::move(*renewed);
        ++renewals_;
        // The renewal point first, then the generation that it belongs to (release: fresh_generation's acquire).
        renew_from_.store(renew_point(cached_->expires_at), std::memory_order_relaxed);
        fresh_generation_.store(renewals_, std::memory_order_release);
        return std::nullopt;
    }

    void retire_cached() {
        if (cached_) previous_ = std::move(cached_->usersig);
        cached_.reset();
    }

    using ticks = std::chrono::system_clock::rep;
    static constexpr ticks never_renew = std::numeric_limits<ticks>::max(); // time_point::max(): `never`

    /// expires_at - margin_ in ticks, saturated (a provider may answer any time point, and margin_ any sign).
    ticks renew_point(std::chrono::system_clock::time_point expires_at) const noexcept {
        if (expires_at == std::chrono::system_clock::time_point::max()) return never_renew;
        const ticks at = expires_at.time_since_epoch().count();
        const ticks margin = std::chrono::duration_cast<std::chrono::system_clock::duration>(margin_).count();
        if (margin >= 0) return at < std::numeric_limits<ticks>::min() + margin ? std::numeric_limits<ticks>::min() : at - margin;
        return at > never_renew + margin ? never_renew : at - margin;
    }

    usersig_provider provider_;
    std::chrono::seconds margin_;
    std::optional<signed_usersig> cached_;
    std::string previous_; ///< the signature cached_ replaced, for for_each_recent
    std::uint64_t renewals_ = 0;
    mutable std::mutex mutex_;
    // The cached state as fresh_generation() and refresh() decide from it; written under mutex_.
    std::atomic<std::uint64_t> fresh_generation_{0};
    std::atomic<ticks> renew_from_{never_renew};
};

TCCHAT_NAMESPACE_END
