#pragma once
// The numbers in the request rules (docs/protocol.md §3): each endpoint's rule list names its limits here, and
// validate() and `tcchat schema` read the same struct, default or strict.

#include <tcchat/version.hpp>

#include <cstddef>

TCCHAT_NAMESPACE_BEGIN

/// Limits the validator applies. Defaults follow the newest page of each endpoint and are never stricter
/// than it (docs/design-decisions.md §4); strict_profile() adds the rules docs/protocol.md marks as inferred.
struct validation_limits {
    std::size_t create_group_name_max_bytes = 32; ///< §3.1, §6.1
    std::size_t update_group_name_max_bytes = 64; ///< §3.3 (2026 page); 32 in the strict profile
    std::size_t create_contact_items_max = 0;     ///< 0: no documented limit; 100 in the strict profile (§3.1)
    std::size_t search_items_max = 300;           ///< §3.4, the documented batch limit (api::search_contact_group)
    std::size_t mark_items_max = 100;             ///< §3.6, the documented batch limit (api::mark_contact)
    std::size_t custom_mark_max_bytes = 256;      ///< §3.6
    bool forbid_set_and_clear_same_bit = false;   ///< strict: a bit both set and cleared is ambiguous (§3.6)

    /// Defaults plus inferred rules: 100 conversations per create, 32-byte new names, no bit both set and cleared.
    static constexpr validation_limits strict_profile() {
        validation_limits strict;
        strict.create_contact_items_max = 100;
        strict.update_group_name_max_bytes = 32;
        strict.forbid_set_and_clear_same_bit = true;
        return strict;
    }
};

TCCHAT_NAMESPACE_END
