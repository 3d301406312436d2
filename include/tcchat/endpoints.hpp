#pragma once
// Every endpoint (the generated api/all.hpp) as a type list to iterate over, and a lookup by command.

#include <tcchat/version.hpp>
#include <tcchat/api/all.hpp> // every endpoint header, and TCCHAT_ENDPOINT_TAGS (generated)

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <boost/mp11/set.hpp>

#include <string_view>
#include <type_traits>

TCCHAT_NAMESPACE_BEGIN

#define TCCHAT_DETAIL_LISTED_TAG(tag) , api::tag
/// Every endpoint, in TCCHAT_ENDPOINT_TAGS' order: what the tests, the CLI, the emulator and the contract iterate.
using all_endpoints = boost::mp11::mp_pop_front<boost::mp11::mp_list<void TCCHAT_ENDPOINT_TAGS(TCCHAT_DETAIL_LISTED_TAG)>>;
#undef TCCHAT_DETAIL_LISTED_TAG

static_assert(boost::mp11::mp_is_set<all_endpoints>::value, "tcchat: an endpoint is listed twice in all_endpoints");

/// The endpoint tag of `Request`, checked to be in all_endpoints: an endpoint bound with TCCHAT_BIND_ENDPOINT but
/// not listed would be callable, yet unknown to the emulator, the CLI, the contract and the tests that iterate
/// the list. validate() and call() name their endpoint through this, so that the omission does not compile.
template <class Request>
struct listed_endpoint_of {
    /// The endpoint tag, as endpoint_of_t<Request> names it.
    using type = endpoint_of_t<Request>;
    static_assert(boost::mp11::mp_contains<all_endpoints, type>::value,
                  "tcchat: this endpoint is bound (TCCHAT_BIND_ENDPOINT) but missing from all_endpoints (tcchat/api/all.hpp, which tools/endpoint_list.py generates)");
};

template <class Request>
using listed_endpoint_of_t = typename listed_endpoint_of<Request>::type;

namespace detail {
/// Whether two endpoints of all_endpoints share a command name (the emulator would route both to the first).
constexpr bool commands_repeat() {
    bool repeated = false;
    boost::mp11::mp_for_each<all_endpoints>([&](auto first) {
        boost::mp11::mp_for_each<all_endpoints>([&](auto second) {
            repeated = repeated || (!std::is_same_v<decltype(first), decltype(second)> && decltype(first)::command == decltype(second)::command);
        });
    });
    return repeated;
}
static_assert(!commands_repeat(), "tcchat: two endpoints in all_endpoints have the same command");

template <class Endpoint>
using request_of = typename Endpoint::request;
template <class Endpoint>
using messages_of = boost::mp11::mp_list<typename Endpoint::request, typename Endpoint::response>;
/// Every endpoint's request, in all_endpoints' order; and every request and response, in the same order.
using requests_of_all_endpoints = boost::mp11::mp_transform<request_of, all_endpoints>;
using messages_of_all_endpoints = boost::mp11::mp_flatten<boost::mp11::mp_transform<messages_of, all_endpoints>>;
} // namespace detail

/// Calls `visit(Endpoint{})` for the endpoint whose command is `command`; returns false when none matches.
template <class Visitor>
bool visit_endpoint(std::string_view command, Visitor&& visit) {
    bool found = false;
    boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
        if (!found && decltype(endpoint)::command == command) {
            found = true;
            visit(endpoint);
        }
    });
    return found;
}

TCCHAT_NAMESPACE_END
