#pragma once
// The simdjson On-Demand anchor of bench/: decodes a message into tcchat's own structs the way an expert
// writes it with simdjson 3 (anchor_simdjson.cpp). Its own translation unit, compiled with -march=native: On-Demand
// runs the kernel chosen at compile time (SIMDJSON_BUILTIN_IMPLEMENTATION), and without target flags that is the
// scalar "fallback" kernel, not the one simdjson is known for.

#include <memory>
#include <string_view>

namespace tcchat_bench {

class simdjson_anchor {
public:
    /// Copies `text` into simdjson's padded buffer, once: the timed decodes reuse it and one parser.
    explicit simdjson_anchor(std::string_view text);
    ~simdjson_anchor();
    simdjson_anchor(const simdjson_anchor&) = delete;
    simdjson_anchor& operator=(const simdjson_anchor&) = delete;

    /// Decodes the text into `out` (a value-initialized T): nullptr, or what went wrong. Defined for every request
    /// and response type of tcchat::all_endpoints.
    template <class T>
    const char* decode(T& out);

    /// The On-Demand kernel compiled in ("icelake", "haswell", "westmere", "fallback"...).
    static const char* kernel();
    /// simdjson's version ("3.0.1").
    static const char* version();

private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace tcchat_bench
