#pragma once
// One test, both drivers: call_in(mode, client, request) runs client.call() or client.async_call(), so a test
// written once with GENERATE(call_mode::sync, call_mode::async) holds both modes to the same records. The
// fake transports and fake schedulers of the tests complete inline, so the async form has its result when
// async_call returns.
#include <tcchat/client.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <ostream>

namespace tcchat::test {

enum class call_mode { sync, async };

inline std::ostream& operator<<(std::ostream& out, call_mode mode) { return out << (mode == call_mode::sync ? "call()" : "async_call()"); }

template <class Client, class Request>
result<response_of<Request>> call_in(call_mode mode, Client& client, const Request& request, const call_options& per_call = {}) {
    if (mode == call_mode::sync) return client.call(request, per_call);
    std::optional<result<response_of<Request>>> outcome;
    client.async_call(request, per_call, [&](result<response_of<Request>> completed) {
        REQUIRE_FALSE(outcome.has_value()); // exactly once
        outcome = std::move(completed);
    });
    REQUIRE(outcome.has_value()); // everything in these tests completes inline
    return std::move(*outcome);
}

} // namespace tcchat::test
