#pragma once
// Paging: a pager walks the pages of get_contact_group or get_list through any client, moving the request's
// cursors with the endpoint's traits (cursor, advance). client::pages() makes one.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/error.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <utility>

TCCHAT_NAMESPACE_BEGIN

/// Walks the pages of get_contact_group or get_list. next() answers nullopt at the end; an error ends the
/// walk after it is returned. A cursor state seen before is an error (code::cursor_not_advancing), never a
/// loop. Also a range: `for (const auto& page : client.pages(request))`.
template <class Client, class Request>
class pager {
    using endpoint = endpoint_of_t<Request>;
    static_assert(has_paging<endpoint>::value, "pages() walks get_contact_group and get_list, the paged endpoints");

public:
    /// One page: the endpoint's response, or the error that ended the walk.
    using page_result = result<response_of<Request>>;

    /// Walks from `first`'s cursors, calling through `c`, which must outlive the pager.
    pager(Client& c, Request first) : client_(&c), request_(std::move(first)) {}

    /// The next page, or nullopt after the last; an error (a failed call or a repeated cursor) is the last page.
    std::optional<page_result> next() {
        if (finished_) return std::nullopt;
        if (!seen_.insert(endpoint::cursor(request_)).second) {
            finished_ = true;
            return page_result(make_error(code::cursor_not_advancing, error_origin::server, "",
                                          "the server repeated a paging cursor after " + std::to_string(pages_) + " pages"));
        }
        page_result page = client_->call(request_);
        ++pages_;
        if (!page || !endpoint::advance(request_, *page)) finished_ = true;
        return page;
    }

    /// An input iterator over the pages: each increment fetches one page through next().
    class iterator {
    public:
        /// Each element is a page_result: a response, or the error that ended the walk.
        using value_type = page_result;
        /// The distance type std::iterator_traits asks for; pages are never subtracted.
        using difference_type = std::ptrdiff_t;
        /// Single pass: each page is fetched once, as the iterator advances.
        using iterator_category = std::input_iterator_tag;
        /// What operator-> gives: the current page, valid until the next increment.
        using pointer = const page_result*;
        /// What operator* gives: the current page, valid until the next increment.
        using reference = const page_result&;

        iterator() = default;
        /// Fetches `owner`'s next page at once; with no page left the iterator equals end().
        explicit iterator(pager* owner) : owner_(owner) { ++*this; }
        /// The page fetched by the last increment: a response, or the error that ended the walk.
        reference operator*() const { return *current_; }
        /// Reaches into the current page's result, e.g. `it->has_value()`.
        pointer operator->() const { return &*current_; }
        /// Fetches the next page; after the last one the iterator equals end().
        iterator& operator++() {
            current_ = owner_->next();
            if (!current_) owner_ = nullptr;
            return *this;
        }
        /// Equal when both walk the same pager or both are at the end; the pages themselves are not compared.
        friend bool operator==(const iterator& a, const iterator& b) { return a.owner_ == b.owner_; }
        /// The negation of ==; against end(), true while the iterator still has a page.
        friend bool operator!=(const iterator& a, const iterator& b) { return !(a == b); }

    private:
        pager* owner_ = nullptr;
        std::optional<page_result> current_;
    };

    /// Starts a range walk by fetching the next page (the first one, unless next() was already called).
    iterator begin() { return iterator(this); }
    /// The end of the walk: an iterator attached to no pager.
    iterator end() { return iterator(); }

private:
    Client* client_;
    Request request_;
    std::set<decltype(endpoint::cursor(std::declval<const Request&>()))> seen_;
    std::size_t pages_ = 0;
    bool finished_ = false;
};

TCCHAT_NAMESPACE_END
