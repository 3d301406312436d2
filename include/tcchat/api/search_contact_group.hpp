#pragma once
// v4/recentcontact/search_contact_group (docs/protocol.md §3.4): the group and mark data of up to 300 conversations.

#include <tcchat/version.hpp>
#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

#include <array>

#include <algorithm>

TCCHAT_NAMESPACE_BEGIN

/// The body of v4/recentcontact/search_contact_group: the group and mark data of 1 to 300 conversations.
struct search_contact_group_request {
    std::string From_Account;
    std::vector<contact_item> ContactItem;
};
BOOST_DESCRIBE_STRUCT(search_contact_group_request, (), (From_Account, ContactItem))

/// The payload key is ContactResultItem although the documented field table says ContactItem (docs/protocol.md §6.4).
struct search_contact_group_response : response_envelope {
    std::optional<std::vector<contact_mark_item>> ContactResultItem;
    std::optional<std::vector<group_item>> GroupItem;
};
BOOST_DESCRIBE_STRUCT(search_contact_group_response, (response_envelope), (ContactResultItem, GroupItem))

namespace api {
/// Endpoint traits of v4/recentcontact/search_contact_group: a batch read of up to 300 conversations.
struct search_contact_group {
    static constexpr std::string_view command = "search_contact_group";
    /// The service codes the endpoint's page lists; any code may still come (docs/protocol.md §1.7).
    static constexpr std::array<int, 13> listed_service_codes{50001, 50002, 50003, 50004, 50005, 51006, 51007, 51008, 51009, 51010, 51011, 51012, 51013};
    /// The body this command sends; endpoint_of maps it back to these traits, so call() picks the command.
    using request = search_contact_group_request;
    /// The answer call() decodes for this command; endpoint_of_response maps it back to these traits.
    using response = search_contact_group_response;
    static constexpr bool is_read = true;
    /// The request's rules (docs/protocol.md §3.4), read by validate() and `tcchat schema`.
    static constexpr auto request_rules =
        rules::list(rules::non_empty<&request::From_Account>("from_account.non_empty"),
                    rules::count<&request::ContactItem>(1, &validation_limits::search_items_max, code::invalid_parameters,
                                                        "contact_item.count"),
                    contact_item_rules);
    static constexpr bool may_add_state = false; ///< a read adds nothing
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
    static constexpr auto batch_field = &request::ContactItem;
    static constexpr std::size_t batch_limit = validation_limits{}.search_items_max; ///< 300

    /// Joins the answer to one chunk onto the answers so far. Groups appear in several chunks' answers: each
    /// GroupId is kept once, in order of first appearance.
    static void merge(response& total, response&& part) {
        if (!total.ContactResultItem) total.ContactResultItem.emplace();
        if (!total.GroupItem) total.GroupItem.emplace();
        if (part.ContactResultItem)
            total.ContactResultItem->insert(total.ContactResultItem->end(), part.ContactResultItem->begin(), part.ContactResultItem->end());
        if (part.GroupItem)
            for (auto& group : *part.GroupItem) {
                const bool seen = std::any_of(total.GroupItem->begin(), total.GroupItem->end(),
                                              [&](const group_item& g) { return g.GroupId == group.GroupId; });
                if (!seen) total.GroupItem->push_back(std::move(group));
            }
    }
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::search_contact_group)

TCCHAT_NAMESPACE_END
