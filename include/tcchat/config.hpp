#pragma once
// Safety limits, overridable at compile time (define before including any tcchat header) and at run time
// through decode_limits. They bound what a hostile body can make the decoder allocate.

#include <tcchat/version.hpp>
#include <cstddef>

#ifndef TCCHAT_MAX_BODY_BYTES
#define TCCHAT_MAX_BODY_BYTES (8u * 1024u * 1024u)
#endif

#ifndef TCCHAT_MAX_DEPTH
// The deepest documented body (update_contact_group's response) nests 5 levels.
#define TCCHAT_MAX_DEPTH 32
#endif

#ifndef TCCHAT_MAX_ARRAY_ITEMS
// get_list and get_contact_group pages are bounded by the 1000-conversation quota (docs/protocol.md §1.8).
#define TCCHAT_MAX_ARRAY_ITEMS 100000
#endif

#ifndef TCCHAT_MAX_STRING_BYTES
#define TCCHAT_MAX_STRING_BYTES (64u * 1024u)
#endif

// Code built with other limits is other code: it must not share names with the default (version.hpp).
#if !defined(TCCHAT_ABI_TAG) && (TCCHAT_MAX_BODY_BYTES != 8u * 1024u * 1024u || TCCHAT_MAX_DEPTH != 32 ||                   \
                                 TCCHAT_MAX_ARRAY_ITEMS != 100000 || TCCHAT_MAX_STRING_BYTES != 64u * 1024u)
#error "tcchat: a TCCHAT_MAX_* limit differs from its default: also define TCCHAT_ABI_TAG (docs/architecture.md, Two copies in one program)"
#endif

TCCHAT_NAMESPACE_BEGIN

/// Run-time caps on what a body may make the decoder allocate; the defaults are the TCCHAT_MAX_* macros.
struct decode_limits {
    std::size_t max_body_bytes = TCCHAT_MAX_BODY_BYTES;
    std::size_t max_depth = TCCHAT_MAX_DEPTH;
    std::size_t max_array_items = TCCHAT_MAX_ARRAY_ITEMS;
    std::size_t max_string_bytes = TCCHAT_MAX_STRING_BYTES;
};

TCCHAT_NAMESPACE_END
