#pragma once
// Per-item outcomes of the batch commands (create, update type 2, mark): an "OK" envelope can still carry
// items that failed (docs/protocol.md §1.4, §7). failed_items() lists them so they are never silently dropped.

#include <tcchat/version.hpp>
#include <tcchat/endpoints.hpp>

#include <string>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

/// One item an OK answer reports as failed: its JSON Pointer, its conversation, ResultCode and ResultInfo.
struct item_failure {
    std::string pointer;  ///< JSON Pointer of the item in the response, e.g. "/ResultItem/3"
    contact_item contact;
    int code = 0;         ///< ResultCode
    std::string info;     ///< ResultInfo
};

namespace detail {
template <class Items>
void collect_failures(std::vector<item_failure>& out, const std::string& prefix, const Items& items) {
    for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].ResultCode != 0)
            out.push_back({prefix + "/" + std::to_string(i), items[i].ContactItem, items[i].ResultCode, items[i].ResultInfo});
}
} // namespace detail

inline std::vector<item_failure> failed_items(const create_contact_group_response& r) {
    std::vector<item_failure> out;
    if (r.GroupResultItem)
        for (std::size_t g = 0; g < r.GroupResultItem->size(); ++g)
            detail::collect_failures(out, "/GroupResultItem/" + std::to_string(g) + "/ResultItem", (*r.GroupResultItem)[g].ResultItem);
    return out;
}

inline std::vector<item_failure> failed_items(const update_contact_group_response& r) {
    std::vector<item_failure> out;
    if (r.UpdateGroupResult && r.UpdateGroupResult->ContactResultItem)
        detail::collect_failures(out, "/UpdateGroupResult/ContactResultItem", *r.UpdateGroupResult->ContactResultItem);
    return out;
}

inline std::vector<item_failure> failed_items(const mark_contact_response& r) {
    std::vector<item_failure> out;
    if (r.ResultItem) detail::collect_failures(out, "/ResultItem", *r.ResultItem);
    return out;
}

/// Responses without per-item results have no failed items.
template <class Response>
std::vector<item_failure> failed_items(const Response&) {
    return {};
}

TCCHAT_NAMESPACE_END
