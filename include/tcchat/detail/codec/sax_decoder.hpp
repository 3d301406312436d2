#pragma once
// Decoding of described structs straight from Boost.JSON's SAX parser (basic_parser): no DOM is built.
//
// The semantics are those of the test oracle, tests/oracle/dom_decoder.hpp, and tests/test_sax_decoder.cpp compares the two on every
// sample, every truncation and many mutations. What makes that parity hold although a SAX handler sees the
// document in text order while the DOM decoder walks members in declaration order:
//
// - A type error never stops the parser. The failed value's subtree is skipped, the error is parked, and
//   parsing goes on to the end, so a later syntax or depth error still wins, as it does when the DOM is
//   parsed first.
// - Parked errors are ranked the way the DOM walk meets them. Each open object keeps at most one error per
//   member (a duplicate key forgets the error of the occurrence it overrides: the last one wins), and when the
//   object closes, the first member in declaration order that failed or is missing is the object's error.
//   An array keeps its first failing item and skips the rest; its own limit error outranks its items, since
//   the DOM decoder checks the size before the items. The winner moves up one level at a time.
// - Limits are enforced while tokens arrive: a string past max_string_bytes stops growing at once and is
//   only counted, so that the message gives its full size like the DOM's; items past max_array_items are
//   counted and skipped. Keys are never stored (a fixed buffer holds a split key up to the longest member
//   name); unknown keys and their subtrees are skipped at the token level.
// - Absent optional members are reset when their object closes, as the DOM decoder resets them (this
//   matters for defaults such as get_list_request::AssistFlags = 63).
//
// Array items are decoded into a scratch vector per vector type, reused for every array of that type, and
// moved into the member at the array's end: one exact-size allocation per non-empty vector, whatever its
// length, instead of a reallocation every time std::vector doubles. Short arrays never touch the heap
// before that allocation; a long one costs the scratch O(log length) allocations once per decode (see
// array_scratch::commit for how a page avoids the final copy).

//
// The parts: sax/type_ops.hpp (what a type is on the wire and how to fill it), sax/scratch.hpp (array items),
// sax/keys.hpp (member lookup), sax/handler.hpp (the parser handler); this file drives the parser.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/detail/codec/decode_errors.hpp>
#include <tcchat/detail/codec/sax/handler.hpp>
#include <tcchat/error.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

/// Decodes a T from JSON text given in one piece or in several (a body streamed from the network).
///
///   T out{};
///   sax_decoder<T> decoder(out, options);
///   for (piece : body) if (!decoder.write(piece)) break;
///   if (!decoder.finish()) return decoder.take_error();
///
/// With the whole body in one write the outcome is dom_decoder's exactly. With several pieces the only
/// difference is the body-size message, which counts the bytes received so far instead of the whole body.
/// The part of sax_decoder that does not depend on the root type (all of it but the constructor).
class document_decoder {
public:
    document_decoder(sax::slot root, const decode_limits& options) : options_(options), parser_(parser_options(options), root, options) {}

    /// Parses the next piece of the body. False once the decode has failed (stop writing, take_error()).
    bool write(std::string_view piece) { return write(piece, true); }

    /// Ends the body (after the pieces, or with the last one). True when `out` holds the decoded value.
    bool finish(std::string_view last = {}) {
        if (!write(last, false)) return false;
        if (!parser_.handler().failed()) return true;
        error_ = parser_.handler().take_error();
        failed_ = true;
        return false;
    }

    error take_error() { return std::move(error_); }

private:
    static boost::json::parse_options parser_options(const decode_limits& options) noexcept {
        boost::json::parse_options parse;
        parse.max_depth = options.max_depth;
        return parse;
    }

    bool write(std::string_view piece, bool more) {
        if (failed_) return false;
        received_ += piece.size();
        if (received_ > options_.max_body_bytes) {
            error_ = body_too_large(received_, options_);
            failed_ = true;
            return false;
        }
        boost::json::error_code ec;
        const std::size_t consumed = parser_.write_some(more, piece.data(), piece.size(), ec);
        if (!ec && consumed < piece.size()) ec = boost::json::error::extra_data; // as boost::json::parser::write
        if (!ec) {
            offset_ += consumed;
            return true;
        }
        failed_ = true;
        error_ = parse_failure(ec, offset_ + consumed, options_);
        return false;
    }

    const decode_limits& options_;
    boost::json::basic_parser<sax::handler> parser_;
    std::size_t received_ = 0;
    std::size_t offset_ = 0;
    bool failed_ = false;
    error error_;
};

template <class T>
class sax_decoder : public document_decoder {
    static_assert(sax::typed_depth<T>() <= sax::handler::frame_capacity, "tcchat: raise sax::handler::frame_capacity");
    static_assert(sax::longest_key<T>() <= sax::handler::key_capacity, "tcchat: raise sax::handler::key_capacity");
    static_assert(sax::vector_count<T>() <= sax::handler::scratch_slots, "tcchat: raise sax::handler::scratch_slots");

public:
    sax_decoder(T& out, const decode_limits& options) : document_decoder({&sax::ops_of<T>, &out}, options) {}
};

/// Decodes the whole body into `out` (codec.hpp's decode_into); answers the error, if any.
template <class T>
std::optional<error> sax_decode_into(T& out, std::string_view text, const decode_limits& options) {
    if (text.size() > options.max_body_bytes) return body_too_large(text.size(), options); // before anything is parsed
    sax_decoder<T> decoder(out, options);
    if (!decoder.finish(text)) return decoder.take_error();
    return std::nullopt;
}

} // namespace detail
TCCHAT_NAMESPACE_END
