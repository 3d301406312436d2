// libFuzzer harness for UserSig decoding and verification: any byte string must come back as a value or an
// error, never a crash, a leak, undefined behaviour or an allocation past TCCHAT_MAX_USERSIG_INFLATED_BYTES.
// Beyond "no crash" it checks properties an attacker would exploit if they broke: verify never accepts what
// decode rejects or what names another app or user, and a decoded document survives a generate round trip.

#include <tcchat/usersig.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

// The public sample app of docs/protocol.md §5.2, so the published vectors make useful seeds.
constexpr std::uint32_t sample_sdkappid = 1400000000;
constexpr std::string_view sample_identifier = "xiaojun";
constexpr std::string_view sample_key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
constexpr std::int64_t sample_now = 1700000000;

bool same_claims(const tcchat::usersig::decoded& a, const tcchat::usersig::decoded& b) {
    return a.sdkappid == b.sdkappid && a.identifier == b.identifier && a.time == b.time && a.expire == b.expire;
}

void regenerate_and_compare(const tcchat::usersig::decoded& fields) {
    if (fields.identifier.empty() || fields.expire <= 0) return; // generate refuses these by design
    const auto regenerated =
        tcchat::usersig::generate(fields.sdkappid, fields.identifier, sample_key, fields.expire, fields.time);
    if (!regenerated) std::abort();
    const auto redecoded = tcchat::usersig::decode(*regenerated);
    // Our document may be a little longer than the fuzzed one (it always carries TLS.ver and a 44-byte sig).
    if (!redecoded && redecoded.error().code == tcchat::code::local_limit_exceeded) return;
    if (!redecoded || !same_claims(*redecoded, fields)) std::abort();
}

void check_usersig(std::string_view usersig) {
    const auto decoded = tcchat::usersig::decode(usersig);
    const auto verified = tcchat::usersig::verify(usersig, sample_sdkappid, sample_identifier, sample_key, sample_now);
    if (verified) {
        if (!decoded || !same_claims(*verified, *decoded)) std::abort();
        if (verified->sdkappid != sample_sdkappid || verified->identifier != sample_identifier) std::abort();
    }
    if (decoded) regenerate_and_compare(*decoded);
}

} // namespace

// The bytes are tried twice: as an encoded UserSig, and as the JSON document inside one. Mutated base64 of
// compressed data almost never inflates, so the second form is what reaches the document checks.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    check_usersig(bytes);
    if (const auto wrapped = tcchat::usersig::detail::encode_document(bytes)) check_usersig(*wrapped);
    return 0;
}
