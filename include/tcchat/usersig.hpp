#pragma once
// UserSig (TLSSigAPIv2, docs/protocol.md §5): generate, decode and verify the signature every REST call carries, and a
// generator the client asks for a fresh one. Opt-in: this is the only tcchat header that needs OpenSSL and zlib
// (link libcrypto and libz: -lcrypto -lz), so users who obtain their UserSig elsewhere never pay for them.
//
// Every function reports failures as a tcchat::result and never throws on its own (it compiles with
// -fno-exceptions). Error messages never contain a UserSig, a signature or a SecretKey: they end up in logs.

#include <tcchat/version.hpp>
#include <tcchat/credentials.hpp>
#include <tcchat/error.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Largest inflated JSON document decode() accepts. Real documents are ~200 bytes; the cap turns a zip bomb
/// into code::local_limit_exceeded before more than this many bytes (plus one) are ever allocated.
#ifndef TCCHAT_MAX_USERSIG_INFLATED_BYTES
#define TCCHAT_MAX_USERSIG_INFLATED_BYTES 65536
#endif

#if !defined(TCCHAT_ABI_TAG) && TCCHAT_MAX_USERSIG_INFLATED_BYTES != 65536
#error "tcchat: TCCHAT_MAX_USERSIG_INFLATED_BYTES differs from its default: also define TCCHAT_ABI_TAG (docs/architecture.md, Two copies in one program)"
#endif

TCCHAT_NAMESPACE_BEGIN
namespace usersig {

static_assert(TCCHAT_MAX_USERSIG_INFLATED_BYTES > 0 && TCCHAT_MAX_USERSIG_INFLATED_BYTES < UINT_MAX / 2,
              "zlib counts buffer sizes in unsigned int");

/// The fields of a decoded UserSig document (docs/protocol.md §5.1 step 4).
struct decoded {
    std::uint32_t sdkappid = 0;
    std::string identifier;
    std::int64_t time = 0;   ///< unix seconds when it was issued
    std::int64_t expire = 0; ///< lifetime in seconds
    std::string sig;         ///< TLS.sig: a secret, never log it

    /// The last unix second at which the signature is still accepted (saturates instead of overflowing).
    std::int64_t expires_at() const noexcept;
};

namespace detail {

struct base64_variant {
    std::string_view alphabet; // 64 characters
    char padding;
};

inline constexpr base64_variant standard_base64{
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", '='};
// TLSSigAPIv2's own URL-safe spelling (docs/protocol.md §5.1 step 6), not RFC 4648 base64url.
inline constexpr base64_variant tls_base64{
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-", '_'};

inline std::string base64_encode(std::string_view bytes, const base64_variant& variant) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t taken = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 3; ++k)
            group = group << 8 | (k < taken ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k)
            text += k <= taken ? variant.alphabet[group >> (18 - 6 * k) & 63] : variant.padding;
    }
    return text;
}

/// Strict decoding: whole groups of four, padding only at the very end, unused bits zero. Every byte
/// string then has exactly one accepted spelling, so a UserSig cannot be altered without changing its bytes.
inline std::optional<std::string> base64_decode(std::string_view text, const base64_variant& variant) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::array<int, 256> value_of;
    value_of.fill(-1);
    for (int v = 0; v < 64; ++v) value_of[static_cast<unsigned char>(variant.alphabet[v])] = v;

    std::string bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last_group = i + 4 == text.size();
        const std::size_t padding =
            !last_group || text[i + 3] != variant.padding ? 0 : text[i + 2] == variant.padding ? 2 : 1;
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 4 - padding; ++k) {
            const int value = value_of[static_cast<unsigned char>(text[i + k])];
            if (value < 0) return std::nullopt; // also a padding character anywhere else
            group = group << 6 | static_cast<std::uint32_t>(value);
        }
        group <<= 6 * padding;
        if ((group & ((1u << (8 * padding)) - 1)) != 0) return std::nullopt;
        for (std::size_t k = 0; k < 3 - padding; ++k) bytes += static_cast<char>(group >> (16 - 8 * k) & 0xFF);
    }
    return bytes;
}

inline error malformed(std::string pointer, std::string message) {
    return make_error(code::usersig_verification_failed, error_origin::local, std::move(pointer), std::move(message));
}

inline error too_large(std::string message) {
    return make_error(code::local_limit_exceeded, error_origin::local, "", std::move(message));
}

/// The longest UserSig any zlib encoder writes for a document within the cap (compressBound is zlib's worst
/// case, stored blocks included): anything longer is refused before decoding allocates anything.
inline std::size_t max_encoded_size() noexcept {
    return (compressBound(TCCHAT_MAX_USERSIG_INFLATED_BYTES) + 2) / 3 * 4;
}

/// Inflates a zlib stream (RFC 1950, checksum included) into at most max_bytes + 1 bytes of memory.
inline result<std::vector<char>> inflate_bounded(std::string_view compressed, std::size_t max_bytes) {
    if (compressed.size() > std::numeric_limits<uInt>::max()) return too_large("the compressed UserSig is too long");
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) return malformed("", "zlib could not start inflating the UserSig");
    struct end_inflate {
        z_stream& stream;
        ~end_inflate() { inflateEnd(&stream); }
    } end_on_return{stream};
    // zlib's interface is not const-correct; inflate only reads its input.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());

    // Grown by hand because vector::reserve allocates exactly what it is asked for, unlike string growth.
    std::vector<char> document;
    for (;;) {
        if (document.size() == document.capacity())
            document.reserve(std::min(max_bytes + 1, std::max<std::size_t>(256, 2 * document.capacity())));
        const std::size_t filled = document.size();
        document.resize(document.capacity());
        stream.next_out = reinterpret_cast<Bytef*>(document.data() + filled);
        stream.avail_out = static_cast<uInt>(document.size() - filled);
        const int status = inflate(&stream, Z_NO_FLUSH);
        document.resize(document.size() - stream.avail_out);
        if (document.size() > max_bytes)
            return too_large("the UserSig inflates to more than " + std::to_string(max_bytes) +
                             " bytes (TCCHAT_MAX_USERSIG_INFLATED_BYTES)");
        if (status == Z_STREAM_END) break;
        // Z_BUF_ERROR here means the input ended mid-stream: output space was always available.
        if (status != Z_OK) return malformed("", "the UserSig is not a complete zlib stream");
    }
    if (stream.avail_in != 0) return malformed("", "the UserSig has bytes after its zlib stream");
    return document;
}

inline std::optional<std::string> deflate(std::string_view bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::string compressed(size, '\0');
    // Best compression: the UserSig travels in the query string of every request, and the input is tiny.
    if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
                  static_cast<uLong>(bytes.size()), Z_BEST_COMPRESSION) != Z_OK)
        return std::nullopt;
    compressed.resize(size);
    return compressed;
}

/// protocol.md §5.1 steps 5-6: zlib, then TLSSigAPIv2 base64. Shared by generate() and by tests that forge documents.
inline result<std::string> encode_document(std::string_view json) {
    const auto compressed = deflate(json);
    if (!compressed)
        return make_error(code::usersig_unavailable, error_origin::local, "", "zlib could not compress the UserSig");
    return base64_encode(*compressed, tls_base64);
}

inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    if (b > 0 && a > highest - b) return highest;
    if (b < 0 && a < lowest - b) return lowest;
    return a + b;
}

inline std::chrono::system_clock::time_point to_time_point(std::int64_t unix_seconds) noexcept {
    using std::chrono::duration_cast;
    using std::chrono::seconds;
    using std::chrono::system_clock;
    constexpr auto latest = duration_cast<seconds>(system_clock::time_point::max().time_since_epoch()).count();
    constexpr auto earliest = duration_cast<seconds>(system_clock::time_point::min().time_since_epoch()).count();
    if (unix_seconds >= latest) return system_clock::time_point::max();
    if (unix_seconds <= earliest) return system_clock::time_point::min();
    return system_clock::time_point(duration_cast<system_clock::duration>(seconds(unix_seconds)));
}

inline const boost::json::value* find_member(const boost::json::object& object, std::string_view key) {
    const auto found = object.find(boost::json::string_view(key.data(), key.size()));
    return found == object.end() ? nullptr : &found->value();
}

/// Only JSON integers: a double such as 1.4e9 is not what any official generator writes.
inline std::optional<std::int64_t> integer_member(const boost::json::object& object, std::string_view key) {
    if (const auto* value = find_member(object, key))
        if (const auto* integer = value->if_int64()) return *integer;
    return std::nullopt;
}

inline std::optional<std::string> string_member(const boost::json::object& object, std::string_view key) {
    if (const auto* value = find_member(object, key))
        if (const auto* text = value->if_string()) return std::string(text->data(), text->size());
    return std::nullopt;
}

inline error malformed_member(std::string_view key, std::string_view expectation) {
    return malformed("/" + std::string(key), std::string(key) + " must be " + std::string(expectation));
}

inline result<decoded> read_document(const boost::json::value& root) {
    const auto* object = root.if_object();
    if (!object) return malformed("", "the UserSig document is not a JSON object");

    // TLS.ver is not covered by the signature and official verifiers ignore it; only its type is checked.
    if (const auto* version = find_member(*object, "TLS.ver"); version && !version->is_string())
        return malformed_member("TLS.ver", "a string");
    // A userbuf makes it a TRTC PrivateMapKey, whose signature covers more lines than the IM one.
    if (find_member(*object, "TLS.userbuf"))
        return malformed("/TLS.userbuf", "TLS.userbuf (PrivateMapKey) is not supported by the IM UserSig");

    decoded fields;
    const auto sdkappid = integer_member(*object, "TLS.sdkappid");
    if (!sdkappid || *sdkappid < 0 || *sdkappid > std::numeric_limits<std::uint32_t>::max())
        return malformed_member("TLS.sdkappid", "an integer from 0 to 4294967295");
    fields.sdkappid = static_cast<std::uint32_t>(*sdkappid);

    auto identifier = string_member(*object, "TLS.identifier");
    if (!identifier) return malformed_member("TLS.identifier", "a string");
    fields.identifier = std::move(*identifier);

    const auto time = integer_member(*object, "TLS.time");
    if (!time) return malformed_member("TLS.time", "an integer");
    fields.time = *time;

    const auto expire = integer_member(*object, "TLS.expire");
    if (!expire) return malformed_member("TLS.expire", "an integer");
    fields.expire = *expire;

    auto sig = string_member(*object, "TLS.sig");
    if (!sig) return malformed_member("TLS.sig", "a string");
    fields.sig = std::move(*sig);
    return fields;
}

inline std::string signed_content(std::uint32_t sdkappid, std::string_view identifier, std::int64_t time,
                                  std::int64_t expire) {
    std::string content;
    content.append("TLS.identifier:").append(identifier).append("\n");
    content.append("TLS.sdkappid:").append(std::to_string(sdkappid)).append("\n");
    content.append("TLS.time:").append(std::to_string(time)).append("\n");
    content.append("TLS.expire:").append(std::to_string(expire)).append("\n");
    return content;
}

inline bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept {
    // Lengths are public (a TLS.sig is always 44 characters); only the contents must not leak through timing.
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

inline error invalid_argument(std::string pointer, std::string message) {
    return make_error(code::invalid_parameter, error_origin::validation, std::move(pointer), std::move(message));
}

} // namespace detail

inline std::int64_t decoded::expires_at() const noexcept { return detail::saturating_add(time, expire); }

/// TLS.sig: standard base64 of HMAC-SHA256 over the signed lines (docs/protocol.md §5.1 steps 2-3). The key is used as
/// its raw bytes, exactly as the console shows it. Returns "" only if OpenSSL fails (a key over 2 GiB).
inline std::string hmac_base64(std::uint32_t sdkappid, std::string_view identifier, std::string_view key,
                               std::int64_t time, std::int64_t expire) {
    if (key.size() > static_cast<std::size_t>(INT_MAX)) return {};
    const std::string content = detail::signed_content(sdkappid, identifier, time, expire);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    // An empty string_view may carry a null pointer; OpenSSL wants a real one even for a zero-length key.
    const void* key_bytes = key.empty() ? static_cast<const void*>("") : key.data();
    if (!HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest, &digest_size))
        return {};
    std::string sig = detail::base64_encode(std::string_view(reinterpret_cast<const char*>(digest), digest_size),
                                            detail::standard_base64);
    // When verify() rejects a forged document, this digest is the valid signature the forger lacked.
    OPENSSL_cleanse(digest, sizeof digest);
    return sig;
}

/// A new UserSig valid from `now` (unix seconds) for `expire` seconds (docs/protocol.md §5.1). The JSON uses the
/// official Python key order; any order verifies, since the server decodes rather than compares bytes.
[[nodiscard]] inline result<std::string> generate(std::uint32_t sdkappid, std::string_view identifier, std::string_view key,
                                    std::int64_t expire, std::int64_t now) {
    if (identifier.empty()) return detail::invalid_argument("/TLS.identifier", "the identifier is empty");
    if (key.empty()) return detail::invalid_argument("", "the SecretKey is empty");
    if (expire <= 0) return detail::invalid_argument("/TLS.expire", "expire must be a positive number of seconds");

    const std::string sig = hmac_base64(sdkappid, identifier, key, now, expire);
    if (sig.empty())
        return make_error(code::usersig_unavailable, error_origin::local, "/TLS.sig",
                          "OpenSSL could not compute the HMAC");
    const boost::json::object document{
        {"TLS.ver", "2.0"},
        {"TLS.identifier", boost::json::string_view(identifier.data(), identifier.size())},
        {"TLS.sdkappid", sdkappid},
        {"TLS.expire", expire},
        {"TLS.time", now},
        {"TLS.sig", boost::json::string_view(sig.data(), sig.size())},
    };
    return detail::encode_document(boost::json::serialize(document));
}

/// Reads a UserSig without checking its signature: TLSSigAPIv2 base64 (strict), zlib (inflated size capped
/// by TCCHAT_MAX_USERSIG_INFLATED_BYTES), then a JSON object with the members of docs/protocol.md §5.1 step 4.
/// Errors: 70002 empty; 90005 longer than the cap allows; 70003 anything malformed (pointer names the member).
[[nodiscard]] inline result<decoded> decode(std::string_view usersig) {
    if (usersig.empty()) return make_error(code::usersig_empty, error_origin::local, "", "the UserSig is empty");
    if (usersig.size() > detail::max_encoded_size())
        return detail::too_large("the UserSig is longer than TCCHAT_MAX_USERSIG_INFLATED_BYTES allows");
    const auto compressed = detail::base64_decode(usersig, detail::tls_base64);
    if (!compressed)
        return detail::malformed("", "the UserSig is not TLSSigAPIv2 base64 (A-Z a-z 0-9 * - and _ padding)");
    const auto document = detail::inflate_bounded(*compressed, TCCHAT_MAX_USERSIG_INFLATED_BYTES);
    if (!document) return document.error();
    std::error_code parse_error;
    const boost::json::value root =
        boost::json::parse(boost::json::string_view(document->data(), document->size()), parse_error);
    if (parse_error) return detail::malformed("", "the inflated UserSig is not valid JSON");
    return detail::read_document(root);
}

/// Checks a UserSig the way the server does (protocol.md §5.1): decode, then SDKAppID (70014), identifier (70013),
/// expiry (70001, expired once now > time + expire), and finally the HMAC, compared in constant time (70003).
/// Decoding failures keep decode()'s codes (70002, 70003, 90005).
[[nodiscard]] inline result<decoded> verify(std::string_view usersig, std::uint32_t sdkappid, std::string_view identifier,
                              std::string_view key, std::int64_t now) {
    auto fields = decode(usersig);
    if (!fields) return fields;
    // An empty key would accept signatures anyone can compute.
    if (key.empty()) return detail::malformed("", "no SecretKey to verify the UserSig with");
    if (fields->sdkappid != sdkappid)
        return make_error(code::usersig_sdkappid_mismatch, error_origin::local, "/TLS.sdkappid",
                          "the UserSig was issued for SDKAppID " + std::to_string(fields->sdkappid) + ", not " +
                              std::to_string(sdkappid));
    // The identifiers stay out of the message: they come from the untrusted document.
    if (fields->identifier != identifier)
        return make_error(code::usersig_identifier_mismatch, error_origin::local, "/TLS.identifier",
                          "the UserSig was issued for another identifier");
    if (now > fields->expires_at())
        return make_error(code::usersig_expired, error_origin::local, "/TLS.expire",
                          "the UserSig expired after unix time " + std::to_string(fields->expires_at()) + " (now " +
                              std::to_string(now) + ")");
    std::string expected = hmac_base64(fields->sdkappid, fields->identifier, key, fields->time, fields->expire);
    const bool authentic = detail::equal_in_constant_time(expected, fields->sig);
    OPENSSL_cleanse(expected.data(), expected.size()); // see hmac_base64: on a mismatch it is a valid forgery
    if (!authentic)
        return detail::malformed("/TLS.sig", "the signature does not match: another SecretKey, or a modified UserSig");
    return fields;
}

/// The SecretKey, kept in one heap block that is wiped when released. Move-only so no stray copy outlives it,
/// and deliberately not printable: read it through reveal() only where it is used.
class secret_key {
public:
    secret_key() = default;
    /// Copies `key` into the block that is wiped on release; erasing the caller's copy is up to the caller.
    explicit secret_key(std::string_view key) : bytes_(key.begin(), key.end()) {}
    secret_key(const secret_key&) = delete;
    secret_key& operator=(const secret_key&) = delete;
    /// Takes `other`'s block, leaving it empty; a vector, unlike a short std::string, leaves no copy behind.
    secret_key(secret_key&& other) noexcept : bytes_(std::exchange(other.bytes_, {})) {}
    /// Wipes this key's bytes, then takes `other`'s block, leaving `other` empty.
    secret_key& operator=(secret_key&& other) noexcept {
        if (this != &other) {
            wipe();
            bytes_ = std::exchange(other.bytes_, {});
        }
        return *this;
    }
    ~secret_key() { wipe(); }

    /// The key's bytes, for the one place that signs with them; never log or print them.
    std::string_view reveal() const noexcept { return {bytes_.data(), bytes_.size()}; }
    /// True when no key was given: generate() and verify() refuse an empty key.
    bool empty() const noexcept { return bytes_.empty(); }
    /// The key's length in bytes (the bytes themselves only through reveal()).
    std::size_t size() const noexcept { return bytes_.size(); }

private:
    void wipe() noexcept {
        if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    }
    std::vector<char> bytes_;
};

/// generate() with the key held in a secret_key: the same UserSig, without reveal() at the call site.
[[nodiscard]] inline result<std::string> generate(std::uint32_t sdkappid, std::string_view identifier, const secret_key& key,
                                                  std::int64_t expire, std::int64_t now) {
    return generate(sdkappid, identifier, key.reveal(), expire, now);
}

/// verify() with the key held in a secret_key.
[[nodiscard]] inline result<decoded> verify(std::string_view usersig, std::uint32_t sdkappid, std::string_view identifier,
                                            const secret_key& key, std::int64_t now) {
    return verify(usersig, sdkappid, identifier, key.reveal(), now);
}

/// Unix seconds from the system clock (system_clock's epoch is the Unix epoch).
inline std::int64_t unix_now() noexcept {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// How a generator signs: each UserSig's lifetime and the clock its issue time is read from.
struct generator_options {
    /// How long each signature lives. Official tools default to 180 days; a week bounds the damage of a leaked
    /// UserSig while renewals stay rare. The client renews `client_options::usersig_renew_margin` before expiry.
    std::chrono::seconds expire = std::chrono::hours(24 * 7);
    /// Unix seconds; unset: unix_now. Injectable so tests can move time.
    std::function<std::int64_t()> clock;
};

/// Signs a fresh UserSig for the identity each time it is called. It caches nothing and decides no renewal:
/// the client keeps the signature and asks again when it is about to expire (usersig_cache, the one place that
/// decides), so a generator is what client_options::usersig wants. Thread-safe (it holds no mutable state but
/// a counter). Not copyable (it owns the key): share it, or use generated_usersig().
class generator {
public:
    /// Signs as `identity` with `key`, which it owns from now on; an empty options.clock means unix_now.
    generator(app_identity identity, secret_key key, generator_options options = {})
        : identity_(std::move(identity)),
          key_(std::move(key)),
          expire_(options.expire),
          clock_(options.clock ? std::move(options.clock) : std::function<std::int64_t()>(unix_now)) {}

    generator(const generator&) = delete;
    generator& operator=(const generator&) = delete;

    /// Signs a new UserSig valid for options.expire from the clock's now, and states when it expires.
    [[nodiscard]] result<signed_usersig> operator()() const {
        const std::int64_t now = clock_();
        auto usersig = generate(identity_.sdkappid, identity_.identifier, key_.reveal(), expire_.count(), now);
        if (!usersig) return usersig.error();
        generations_.fetch_add(1, std::memory_order_relaxed);
        return signed_usersig{std::move(*usersig), detail::to_time_point(detail::saturating_add(now, expire_.count()))};
    }

    /// How many UserSigs this generator has signed: lets tests and metrics see renewals.
    std::uint64_t generations() const noexcept { return generations_.load(std::memory_order_relaxed); }

private:
    const app_identity identity_;
    const secret_key key_;
    const std::chrono::seconds expire_;
    const std::function<std::int64_t()> clock_;
    mutable std::atomic<std::uint64_t> generations_{0};
};

/// The client's UserSig source for an app whose SecretKey you hold: signatures signed by a generator, renewed by
/// the client. The counterpart of fixed_usersig().
inline usersig_provider generated_usersig(app_identity identity, secret_key key, generator_options options = {}) {
    auto signer = std::make_shared<const generator>(std::move(identity), std::move(key), std::move(options));
    return [signer] { return (*signer)(); };
}

} // namespace usersig
TCCHAT_NAMESPACE_END
