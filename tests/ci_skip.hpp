#pragma once
// A test that cannot run here (a tool or a data set is missing) must not pass while checking nothing. Under CI
// (CI=true in the environment) it fails; anywhere else it ends with a line on stderr saying what was SKIPPED.
// tests/ci_skip.sh does the same for the shell tests.

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace tcchat::test {

inline bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string_view(ci) == "true";
}

inline void announce_skip(const std::string& what) { std::cerr << "SKIPPED: " << what << std::endl; }

} // namespace tcchat::test

/// Ends the running test case because of `what` (a std::string expression): FAIL under CI, a skip on stderr
/// elsewhere. Needs <catch2/catch.hpp>.
#define TCCHAT_SKIP_TEST(what)                                                                                     \
    do {                                                                                                           \
        const std::string tcchat_skip_reason = (what);                                                             \
        if (::tcchat::test::in_ci()) FAIL(tcchat_skip_reason << " (under CI=true a skip is a failure)");          \
        ::tcchat::test::announce_skip(tcchat_skip_reason);                                                         \
        return;                                                                                                    \
    } while (false)
