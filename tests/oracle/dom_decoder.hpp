#pragma once
// The test oracle's decoder (dom_reference.hpp): described structs from a Boost.JSON DOM. Tolerant the way a
// real client must be: unknown keys are ignored, absent or null optionals are empty, wire enums accept numeric strings (docs/protocol.md §6.2).
// Every failure names its field by JSON Pointer.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/detail/codec/decode_errors.hpp>
#include <tcchat/detail/codec/integers.hpp>
#include <tcchat/detail/codec/json_pointer.hpp>
#include <tcchat/detail/codec/reflect.hpp>
#include <tcchat/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// A basic_parser handler that builds nothing and allocates nothing: it only notes whether the document
/// holds an array longer than max_array_items or a string value longer than max_string_bytes. A DOM of such
/// a document costs 16 bytes per array item (a 50 MB array of zeros becomes 400 MB) before dom_decoder can
/// reject it, so decode_dom scans first and never builds that DOM.
class limit_scan {
public:
    // The bounds of Boost.JSON's DOM parser (and of the SAX handler), so the scan fails where parse_json does.
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    explicit limit_scan(const decode_limits& options) noexcept : options_(options) {}

    bool over_limits() const noexcept { return over_limits_; }

    bool on_array_end(std::size_t items, boost::json::error_code&) noexcept {
        if (items > options_.max_array_items) over_limits_ = true;
        return true;
    }
    bool on_string_part(boost::json::string_view, std::size_t total, boost::json::error_code&) noexcept {
        return note_string(total);
    }
    bool on_string(boost::json::string_view, std::size_t total, boost::json::error_code&) noexcept {
        return note_string(total);
    }

    bool on_document_begin(boost::json::error_code&) noexcept { return true; }
    bool on_document_end(boost::json::error_code&) noexcept { return true; }
    bool on_object_begin(boost::json::error_code&) noexcept { return true; }
    bool on_object_end(std::size_t, boost::json::error_code&) noexcept { return true; }
    bool on_array_begin(boost::json::error_code&) noexcept { return true; }
    bool on_key_part(boost::json::string_view, std::size_t, boost::json::error_code&) noexcept { return true; }
    bool on_key(boost::json::string_view, std::size_t, boost::json::error_code&) noexcept { return true; }
    bool on_number_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_int64(std::int64_t, boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_double(double, boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_bool(bool, boost::json::error_code&) noexcept { return true; }
    bool on_null(boost::json::error_code&) noexcept { return true; }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) noexcept { return true; }

private:
    // Keys are not limited: dom_decoder only ever compares them with member names.
    bool note_string(std::size_t total) noexcept {
        if (total > options_.max_string_bytes) over_limits_ = true;
        return true;
    }

    const decode_limits& options_;
    bool over_limits_ = false;
};

inline std::string_view kind_name(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a non-integer number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
    }
    return "a value";
}

class dom_decoder {
public:
    explicit dom_decoder(const decode_limits& options) noexcept : options_(options) {}

    error take_error() { return std::move(error_); }

    template <class T>
    bool decode(const boost::json::value& json, T& out, const path& at) {
        if constexpr (is_optional<T>::value) {
            if (json.is_null()) {
                out.reset();
                return true;
            }
            return decode(json, out.emplace(), at);
        } else if constexpr (is_vector<T>::value) {
            return decode_array(json, out, at);
        } else if constexpr (std::is_same_v<T, std::string>) {
            return decode_string(json, out, at);
        } else if constexpr (std::is_same_v<T, standard_mark>) {
            return decode_standard_mark(json, out, at);
        } else if constexpr (std::is_enum_v<T>) {
            std::underlying_type_t<T> raw{};
            if (!decode_integer(json, raw, at, /*accept_numeric_string=*/true)) return false;
            out = static_cast<T>(raw);
            return true;
        } else if constexpr (is_integer_v<T>) {
            return decode_integer(json, out, at, /*accept_numeric_string=*/false);
        } else {
            static_assert(is_described<T>::value, "tcchat: no JSON decoding for this member type");
            return decode_object(json, out, at);
        }
    }

private:
    bool fail(code c, const path& at, std::string message) {
        error_ = make_error(c, error_origin::decode, at.to_pointer(), std::move(message));
        return false;
    }

    bool wrong_type(const boost::json::value& json, const path& at, std::string_view expected) {
        return fail(code::invalid_parameters, at, wrong_type_message(expected, kind_name(json)));
    }

    template <class T>
    bool decode_object(const boost::json::value& json, T& out, const path& at) {
        const boost::json::object* object = json.if_object();
        if (object == nullptr) return wrong_type(json, at, "an object");
        bool ok = true;
        for_each_member(out, [&](std::string_view name, auto& member) {
            if (!ok) return;
            using member_type = remove_cvref_t<decltype(member)>;
            const path member_path = at.key(name);
            const boost::json::value* field = object->if_contains(name);
            if (field == nullptr) {
                if constexpr (is_optional<member_type>::value) {
                    member.reset();
                } else {
                    ok = fail(code::invalid_parameters, member_path, std::string(missing_key_message));
                }
                return;
            }
            ok = decode(*field, member, member_path);
        });
        return ok;
    }

    template <class Vector>
    bool decode_array(const boost::json::value& json, Vector& out, const path& at) {
        const boost::json::array* array = json.if_array();
        if (array == nullptr) return wrong_type(json, at, "an array");
        if (array->size() > options_.max_array_items)
            return fail(code::local_limit_exceeded, at, too_many_items_message(array->size(), options_.max_array_items));
        out.clear();
        out.resize(array->size());
        for (std::size_t i = 0; i < array->size(); ++i)
            if (!decode((*array)[i], out[i], at.index(i))) return false;
        return true;
    }

    bool check_string(const boost::json::value& json, const path& at, const boost::json::string*& text) {
        text = json.if_string();
        if (text == nullptr) return wrong_type(json, at, "a string");
        if (text->size() > options_.max_string_bytes)
            return fail(code::local_limit_exceeded, at, string_too_long_message(text->size(), options_.max_string_bytes));
        return true;
    }

    bool decode_string(const boost::json::value& json, std::string& out, const path& at) {
        const boost::json::string* text = nullptr;
        if (!check_string(json, at, text)) return false;
        out.assign(text->data(), text->size());
        return true;
    }

    bool decode_standard_mark(const boost::json::value& json, standard_mark& out, const path& at) {
        const boost::json::string* text = nullptr;
        if (!check_string(json, at, text)) return false;
        auto parsed = standard_mark::parse(std::string_view(text->data(), text->size()));
        if (!parsed) return fail(code::invalid_parameters, at, std::move(parsed.error().message));
        out = *parsed;
        return true;
    }

    template <class Int>
    bool decode_integer(const boost::json::value& json, Int& out, const path& at, bool accept_numeric_string) {
        bool fits = false;
        std::string found;
        switch (json.kind()) {
        case boost::json::kind::int64:
            fits = fits_integer(json.get_int64(), out);
            found = std::to_string(json.get_int64());
            break;
        case boost::json::kind::uint64:
            fits = fits_integer(json.get_uint64(), out);
            found = std::to_string(json.get_uint64());
            break;
        case boost::json::kind::string:
            if (!accept_numeric_string) return wrong_type(json, at, "an integer");
            if (!parse_numeric_string(std::string_view(json.get_string()), out))
                return fail(code::invalid_parameters, at, not_decimal_digits_message(integer_type_name<Int>()));
            return true;
        case boost::json::kind::double_:
            return fail(code::invalid_parameters, at, not_an_integer_message(integer_type_name<Int>()));
        default: return wrong_type(json, at, "an integer");
        }
        if (fits) return true;
        return fail(code::invalid_parameters, at, out_of_range_message(found, integer_type_name<Int>()));
    }

    const decode_limits& options_;
    error error_;
};

} // namespace detail
TCCHAT_NAMESPACE_END
