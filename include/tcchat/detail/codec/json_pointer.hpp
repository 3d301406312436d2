#pragma once
// A JSON Pointer (RFC 6901) under construction: a chain of stack frames that costs nothing until an error
// needs the text. Shared by the decoders and the validator.

#include <tcchat/version.hpp>
#include <cstddef>
#include <string>
#include <string_view>

TCCHAT_NAMESPACE_BEGIN
namespace detail {

class path {
public:
    constexpr path() noexcept = default;

    constexpr path key(std::string_view name) const noexcept { return path(this, name, 0, false); }
    constexpr path index(std::size_t i) const noexcept { return path(this, {}, i, true); }

    std::string to_pointer() const {
        std::string out;
        append_to(out);
        return out;
    }

    void append_to(std::string& out) const {
        if (parent_ == nullptr) return;
        parent_->append_to(out);
        out.push_back('/');
        if (is_index_) {
            out += std::to_string(index_);
            return;
        }
        for (char c : name_) {
            if (c == '~') out += "~0";
            else if (c == '/') out += "~1";
            else out.push_back(c);
        }
    }

private:
    constexpr path(const path* parent, std::string_view name, std::size_t index, bool is_index) noexcept
        : parent_(parent), name_(name), index_(index), is_index_(is_index) {}

    const path* parent_ = nullptr;
    std::string_view name_;
    std::size_t index_ = 0;
    bool is_index_ = false;
};

} // namespace detail
TCCHAT_NAMESPACE_END
