#pragma once
// Time arithmetic that saturates instead of overflowing. A user who means "no deadline" writes
// milliseconds::max(), and a limiter may answer a wait longer than any clock can count (a rate of 1e-10 per
// second): a plain `now + delay` then wraps to the past (signed overflow, undefined behaviour), and a wait that
// should be endless runs at once.

#include <tcchat/version.hpp>
#include <chrono>
#include <type_traits>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// `delay` as Clock's duration, rounded towards zero, and clamped to what that duration can count.
template <class Duration, class Rep, class Period>
constexpr Duration saturating_duration_cast(std::chrono::duration<Rep, Period> delay) noexcept {
    // Compared in the coarser of the two units, so that neither comparison converts a huge count into a finer one.
    using coarser = std::conditional_t<std::ratio_greater_equal<Period, typename Duration::period>::value,
                                       std::chrono::duration<Rep, Period>, Duration>;
    constexpr auto longest = std::chrono::duration_cast<coarser>(Duration::max());
    constexpr auto shortest = std::chrono::duration_cast<coarser>(Duration::min());
    const auto delay_in_coarser = std::chrono::duration_cast<coarser>(delay);
    if (delay_in_coarser >= longest) return Duration::max();
    if (delay_in_coarser <= shortest) return Duration::min();
    return std::chrono::duration_cast<Duration>(delay);
}

/// `from + delay`, or the clock's last (first) time point when the sum would pass it.
template <class Clock, class ClockDuration, class Rep, class Period>
constexpr std::chrono::time_point<Clock, ClockDuration> saturating_add(std::chrono::time_point<Clock, ClockDuration> from,
                                                                       std::chrono::duration<Rep, Period> delay) noexcept {
    using time_point = std::chrono::time_point<Clock, ClockDuration>;
    const ClockDuration step = saturating_duration_cast<ClockDuration>(delay);
    if (step.count() > 0 && from > time_point::max() - step) return time_point::max();
    if (step.count() < 0 && from < time_point::min() - step) return time_point::min();
    return from + step;
}

} // namespace detail
TCCHAT_NAMESPACE_END
