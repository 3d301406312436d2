// simdjson On-Demand decoding into tcchat's structs, written as an expert writes it with simdjson 3: one parser
// reused across documents, the input padded once, error codes (no exceptions), and one generic mapping driven by
// Boost.Describe instead of a function per struct. For each object: iterate its fields in whatever order they
// come, compare the raw key with each member name (simdjson's `raw_json_string == "Name"`, a fixed-size memcmp,
// no unescaping), read the value into the member, and leave unknown keys alone (On-Demand skips a value that is
// not consumed). A missing non-optional member is an error; an absent optional member is reset (as tcchat's
// decoders reset get_list_request::AssistFlags). Wire enums accept numeric strings as tcchat does.
//
// What it does not do, against tcchat: keys are matched without unescaping ("To\u005fAccount" is an unknown
// key); a value that is skipped is only scanned, not validated (On-Demand's contract); text after the root object
// is not checked (simdjson 3.0.1 has no document::at_end()); errors carry no JSON Pointer.

#include "anchor_simdjson.hpp"

#include <tcchat/detail/codec/reflect.hpp>
#include <tcchat/endpoints.hpp>

#include <simdjson.h>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace tcchat_bench {
namespace {

namespace od = simdjson::ondemand;
namespace detail = tcchat::detail;
using simdjson::error_code;

template <class T>
error_code read(od::value value, T& out);

template <class Int>
error_code narrow(std::int64_t wide, Int& out) {
    if constexpr (sizeof(Int) < sizeof(std::int64_t)) {
        if (wide < std::numeric_limits<Int>::min() || wide > std::numeric_limits<Int>::max())
            return simdjson::NUMBER_OUT_OF_RANGE;
    }
    out = static_cast<Int>(wide);
    return simdjson::SUCCESS;
}

template <class T, class D>
using member_t = detail::remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>;

/// Bit i: member i of T is optional (optionals = true) or required (optionals = false).
template <class T, bool optionals, class... D>
constexpr std::uint64_t member_mask(boost::mp11::mp_list<D...>) {
    std::uint64_t mask = 0, bit = 1;
    ((mask |= detail::is_optional<member_t<T, D>>::value == optionals ? bit : 0, bit <<= 1), ...);
    return mask;
}

template <class T>
using members_of = boost::mp11::mp_rename<detail::wire_members<T>, boost::mp11::mp_list>;

/// Reads the field's value into the member named by its key: false when no member has that name.
template <class T, class... D, std::size_t... I>
bool read_member(const od::raw_json_string& key, od::value& value, T& out, std::uint64_t& seen, error_code& error,
                 boost::mp11::mp_list<D...>, std::index_sequence<I...>) {
    return ((key == std::string_view(D::name)
                 ? (error = read(value, out.*D::pointer), seen |= std::uint64_t{1} << I, true)
                 : false) ||
            ...);
}

template <class T, class... D, std::size_t... I>
void reset_absent(T& out, std::uint64_t absent, boost::mp11::mp_list<D...>, std::index_sequence<I...>) {
    (
        [&] {
            if constexpr (detail::is_optional<member_t<T, D>>::value)
                if ((absent >> I) & 1u) (out.*D::pointer).reset();
        }(),
        ...);
}

template <class T>
error_code read_object(od::object object, T& out) {
    using members = members_of<T>;
    using indices = std::make_index_sequence<boost::mp11::mp_size<members>::value>;
    constexpr std::uint64_t required = member_mask<T, false>(members{});
    constexpr std::uint64_t optional = member_mask<T, true>(members{});
    std::uint64_t seen = 0;
    for (auto field_or_error : object) {
        od::field field;
        if (const error_code e = std::move(field_or_error).get(field)) return e;
        error_code e = simdjson::SUCCESS;
        read_member(field.key(), field.value(), out, seen, e, members{}, indices{});
        if (e) return e;
    }
    if ((seen & required) != required) return simdjson::NO_SUCH_FIELD;
    if ((optional & ~seen) != 0) reset_absent(out, optional & ~seen, members{}, indices{});
    return simdjson::SUCCESS;
}

template <class T>
error_code read(od::value value, T& out) {
    if constexpr (detail::is_optional<T>::value) {
        bool null = false;
        if (const error_code e = value.is_null().get(null)) return e;
        if (null) {
            out.reset();
            return simdjson::SUCCESS;
        }
        return read(value, out.emplace());
    } else if constexpr (detail::is_vector<T>::value) {
        od::array array;
        if (const error_code e = value.get_array().get(array)) return e;
        out.clear();
        for (auto item_or_error : array) {
            od::value item;
            if (const error_code e = std::move(item_or_error).get(item)) return e;
            if (const error_code e = read(item, out.emplace_back())) return e;
        }
        return simdjson::SUCCESS;
    } else if constexpr (std::is_same_v<T, std::string>) {
        std::string_view text;
        if (const error_code e = value.get_string().get(text)) return e;
        out.assign(text.data(), text.size());
        return simdjson::SUCCESS;
    } else if constexpr (std::is_same_v<T, tcchat::standard_mark>) {
        std::string_view text;
        if (const error_code e = value.get_string().get(text)) return e;
        auto mark = tcchat::standard_mark::parse(text);
        if (!mark) return simdjson::INCORRECT_TYPE;
        out = *mark;
        return simdjson::SUCCESS;
    } else if constexpr (std::is_enum_v<T>) {
        std::int64_t wide = 0;
        error_code e = value.get_int64().get(wide);
        if (e == simdjson::INCORRECT_TYPE) e = value.get_int64_in_string().get(wide); // "2": docs/protocol.md §6.2
        if (e) return e;
        std::underlying_type_t<T> narrow_value{};
        if ((e = narrow(wide, narrow_value))) return e;
        out = static_cast<T>(narrow_value);
        return simdjson::SUCCESS;
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        return value.get_uint64().get(out);
    } else if constexpr (detail::is_integer_v<T>) {
        static_assert(std::is_signed_v<T>, "tcchat's unsigned members are all std::uint64_t");
        std::int64_t wide = 0;
        if (const error_code e = value.get_int64().get(wide)) return e;
        return narrow(wide, out);
    } else {
        od::object object;
        if (const error_code e = value.get_object().get(object)) return e;
        return read_object(object, out);
    }
}

} // namespace

struct simdjson_anchor::state {
    explicit state(std::string_view json) : text(json) {}
    simdjson::padded_string text;
    od::parser parser;
};

simdjson_anchor::simdjson_anchor(std::string_view text) : state_(std::make_unique<state>(text)) {}
simdjson_anchor::~simdjson_anchor() = default;

template <class T>
const char* simdjson_anchor::decode(T& out) {
    od::document document;
    if (const error_code e = state_->parser.iterate(state_->text).get(document)) return simdjson::error_message(e);
    od::object object;
    if (const error_code e = document.get_object().get(object)) return simdjson::error_message(e);
    if (const error_code e = read_object(object, out)) return simdjson::error_message(e);
    return nullptr; // simdjson 3.0.1's document has no at_end(): text after the root object goes unnoticed

}

const char* simdjson_anchor::kernel() { return SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION); }
const char* simdjson_anchor::version() { return SIMDJSON_STRINGIFY(SIMDJSON_VERSION); }

#define TCCHAT_BENCH_SIMDJSON_DECODE(message) template const char* simdjson_anchor::decode(tcchat::message&);
TCCHAT_BENCH_SIMDJSON_DECODE(create_contact_group_request)
TCCHAT_BENCH_SIMDJSON_DECODE(create_contact_group_response)
TCCHAT_BENCH_SIMDJSON_DECODE(del_contact_group_request)
TCCHAT_BENCH_SIMDJSON_DECODE(del_contact_group_response)
TCCHAT_BENCH_SIMDJSON_DECODE(delete_request)
TCCHAT_BENCH_SIMDJSON_DECODE(delete_response)
TCCHAT_BENCH_SIMDJSON_DECODE(get_contact_group_request)
TCCHAT_BENCH_SIMDJSON_DECODE(get_contact_group_response)
TCCHAT_BENCH_SIMDJSON_DECODE(get_list_request)
TCCHAT_BENCH_SIMDJSON_DECODE(get_list_response)
TCCHAT_BENCH_SIMDJSON_DECODE(mark_contact_request)
TCCHAT_BENCH_SIMDJSON_DECODE(mark_contact_response)
TCCHAT_BENCH_SIMDJSON_DECODE(search_contact_group_request)
TCCHAT_BENCH_SIMDJSON_DECODE(search_contact_group_response)
TCCHAT_BENCH_SIMDJSON_DECODE(update_contact_group_request)
TCCHAT_BENCH_SIMDJSON_DECODE(update_contact_group_response)
#undef TCCHAT_BENCH_SIMDJSON_DECODE

// Every message type has its decode above.
static_assert(boost::mp11::mp_size<tcchat::detail::messages_of_all_endpoints>::value == 16);

} // namespace tcchat_bench
