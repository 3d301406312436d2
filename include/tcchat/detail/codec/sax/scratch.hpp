#pragma once
// The scratch memory of the SAX decoder: where an array's items are decoded before they move into the member
// (see sax_decoder.hpp for why).

#include <tcchat/version.hpp>
#include <cstddef>
#include <iterator>
#include <new>
#include <utility>
#include <vector>

TCCHAT_NAMESPACE_BEGIN
namespace detail::sax {

/// Where the items of an array of type V are decoded before they move into the member. The first few live in
/// inline storage (no allocation for the short arrays most bodies carry); more spill into a vector that is
/// reused for every array of type V in the document.
template <class V>
class array_scratch {
public:
    using item = typename V::value_type;
    static constexpr std::size_t inline_capacity = sizeof(item) * 2 > 512 ? 2 : 512 / sizeof(item);

    array_scratch() noexcept {}
    array_scratch(const array_scratch&) = delete;
    array_scratch& operator=(const array_scratch&) = delete;
    ~array_scratch() { clear(); }

    item* push() {
        if (!spilled_) {
            if (inline_size_ < inline_capacity) return ::new (static_cast<void*>(inline_item(inline_size_++))) item();
            spill_.reserve(inline_capacity * 4 > 16 ? inline_capacity * 4 : 16);
            for (std::size_t i = 0; i < inline_size_; ++i) spill_.push_back(std::move(*inline_item(i)));
            destroy_inline();
            spilled_ = true;
        }
        return &spill_.emplace_back();
    }

    /// The member gets exactly the items, moved. A long, nearly full spill vector (a page of items) becomes the
    /// member instead: no copy, and no second buffer of the page's size at the peak, for at most 1/8 of unused
    /// capacity.
    void commit(V& member) {
        if (!spilled_) {
            member.assign(std::make_move_iterator(inline_item(0)), std::make_move_iterator(inline_item(inline_size_)));
            destroy_inline();
            return;
        }
        if (spill_.size() >= 256 && spill_.capacity() - spill_.size() <= spill_.size() / 8)
            member.swap(spill_);
        else
            member.assign(std::make_move_iterator(spill_.begin()), std::make_move_iterator(spill_.end()));
        spill_.clear();
        spilled_ = false;
    }

    void clear() noexcept {
        destroy_inline();
        spill_.clear();
        spilled_ = false;
    }

private:
    item* inline_item(std::size_t i) noexcept {
        return std::launder(reinterpret_cast<item*>(storage_)) + i;
    }
    void destroy_inline() noexcept {
        for (std::size_t i = 0; i < inline_size_; ++i) inline_item(i)->~item();
        inline_size_ = 0;
    }

    alignas(item) unsigned char storage_[inline_capacity * sizeof(item)];
    std::size_t inline_size_ = 0;
    bool spilled_ = false;
    V spill_;
};

} // namespace detail::sax
TCCHAT_NAMESPACE_END
