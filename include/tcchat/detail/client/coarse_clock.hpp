#pragma once
// Clock reads for deadlines and UserSig expiry, which need milliseconds, not nanoseconds. A full-resolution
// read is a large share of the client's per-call overhead on the smallest messages (docs/design-decisions.md
// §9); Linux's coarse clocks return the last timer tick's time, a few milliseconds behind at most, for a memory
// read. Latencies reported to the hook keep the full-resolution clock.

#include <tcchat/version.hpp>
#include <chrono>

#if defined(__linux__)
#include <time.h>
#endif

TCCHAT_NAMESPACE_BEGIN
namespace detail {

#if defined(__linux__) && defined(CLOCK_MONOTONIC_COARSE) && defined(CLOCK_REALTIME_COARSE)
template <class Clock>
typename Clock::time_point coarse_now(clockid_t coarse_id) noexcept {
    timespec now{};
    if (clock_gettime(coarse_id, &now) != 0) return Clock::now();
    const auto since_epoch = std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
    return typename Clock::time_point(std::chrono::duration_cast<typename Clock::duration>(since_epoch));
}

/// steady_clock reads CLOCK_MONOTONIC on Linux (libstdc++ and libc++ alike), whose coarse twin shares its origin.
inline std::chrono::steady_clock::time_point coarse_steady_now() noexcept {
    return coarse_now<std::chrono::steady_clock>(CLOCK_MONOTONIC_COARSE);
}
/// system_clock reads CLOCK_REALTIME, the Unix epoch.
inline std::chrono::system_clock::time_point coarse_system_now() noexcept {
    return coarse_now<std::chrono::system_clock>(CLOCK_REALTIME_COARSE);
}
#else
inline std::chrono::steady_clock::time_point coarse_steady_now() noexcept { return std::chrono::steady_clock::now(); }
inline std::chrono::system_clock::time_point coarse_system_now() noexcept { return std::chrono::system_clock::now(); }
#endif

} // namespace detail
TCCHAT_NAMESPACE_END
