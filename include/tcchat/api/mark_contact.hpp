#pragma once
// v4/recentcontact/mark_contact (docs/protocol.md §3.6): set or clear standard mark bits and custom marks.

#include <tcchat/endpoint.hpp>
#include <tcchat/model.hpp>

namespace tcchat {

/// `OptType`.
enum class mark_operation : std::int32_t {
    standard = 1, ///< SetMark / ClearMark
    custom = 2,   ///< CustomMark
    both = 3,
};

struct mark_item {
    mark_operation OptType{};
    contact_item ContactItem;
    std::optional<std::vector<std::int64_t>> SetMark;   ///< bit numbers 0..63
    std::optional<std::vector<std::int64_t>> ClearMark; ///< bit numbers 0..63
    std::optional<std::string> CustomMark;              ///< at most 256 bytes
};
BOOST_DESCRIBE_STRUCT(mark_item, (), (OptType, ContactItem, SetMark, ClearMark, CustomMark))

struct mark_contact_request {
    std::string From_Account;
    std::vector<mark_item> MarkItem;
};
BOOST_DESCRIBE_STRUCT(mark_contact_request, (), (From_Account, MarkItem))

struct mark_result {
    mark_operation OptType{};
    contact_item ContactItem;
    std::int32_t ResultCode = 0;
    std::string ResultInfo;
};
BOOST_DESCRIBE_STRUCT(mark_result, (), (OptType, ContactItem, ResultCode, ResultInfo))

struct mark_contact_response : response_envelope {
    std::optional<std::vector<mark_result>> ResultItem;
};
BOOST_DESCRIBE_STRUCT(mark_contact_response, (response_envelope), (ResultItem))

namespace api {
struct mark_contact {
    static constexpr std::string_view command = "mark_contact";
    using request = mark_contact_request;
    using response = mark_contact_response;
    static constexpr bool is_read = false;
    static constexpr bool needs_group_edition = true; ///< groups and marks: 51013 on an edition without them (docs/protocol.md §1.8)
    static constexpr auto batch_field = &request::MarkItem;
    static constexpr std::size_t batch_limit = 100;

    /// Joins the answer to one chunk of an oversized batch onto the answers so far, in order.
    static void merge(response& total, response&& part) {
        if (!total.ResultItem) total.ResultItem.emplace();
        if (part.ResultItem) total.ResultItem->insert(total.ResultItem->end(), part.ResultItem->begin(), part.ResultItem->end());
    }
};
} // namespace api

TCCHAT_BIND_ENDPOINT(api::mark_contact)

} // namespace tcchat
