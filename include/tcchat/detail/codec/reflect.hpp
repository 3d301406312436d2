#pragma once
// Type classification for the reflected codec and validator: which wire shape a C++ member type has.

#include <tcchat/version.hpp>
#include <tcchat/standard_mark.hpp>

#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

template <class T>
using remove_cvref_t = std::remove_cv_t<std::remove_reference_t<T>>;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

/// Members of a described struct, base-class members first (the envelope comes from a base).
template <class T>
using wire_members = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

template <class T, class = void>
struct is_described : std::false_type {};
template <class T>
struct is_described<T, std::void_t<wire_members<T>>> : std::bool_constant<std::is_class_v<T>> {};

/// Calls f(name, member) for every wire member of a described object, in declaration order.
template <class T, class F>
void for_each_member(T& object, F&& f) {
    boost::mp11::mp_for_each<wire_members<remove_cvref_t<T>>>(
        [&](auto member) { f(std::string_view(member.name), object.*member.pointer); });
}

} // namespace detail
TCCHAT_NAMESPACE_END
