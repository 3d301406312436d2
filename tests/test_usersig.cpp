#include "tcchat/usersig.hpp" // first: the header must be self-contained

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace usersig = tcchat::usersig;
using tcchat::code;

namespace {

// The public sample app every official TLSSigAPIv2 repository tests with (docs/protocol.md §5.2).
constexpr std::uint32_t sample_sdkappid = 1400000000;
constexpr std::string_view sample_key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
constexpr std::string_view sample_identifier = "xiaojun";

// Vector V1 (docs/protocol.md §5.2).
constexpr std::int64_t v1_time = 1700000000;
constexpr std::int64_t v1_expire = 15552000;
constexpr std::string_view v1_sig = "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=";
constexpr std::string_view v1_python =
    "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__";
constexpr std::string_view v1_cpp_style =
    "eAGrVgrxCdYrSy1SslIy0jNQ0gHzi1OyEwsKMlOUrAxNDKAAIpOZkppXkpmWCdZQkZmYn1WaB9VUkpmbCtRgjqohtaIgswgkbmpqagSUglqQmQ600KfM0TxF37PcPD24OK84uyysysklwN-Z2SWp1M*53MTdozzE2SAps0DbycRWqRYAcDcx8g__";
constexpr std::string_view v1_go_style =
    "eAEBrABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNzAwMDAwMDAwLCJUTFMuc2lnIjoiTHZBN2QvSXc3Z1NzbnNrdlZ6QkRQT0NDRGJ1TkN3NEdId1RDMGJpcCtCND0ifQrfwzH8";

using json_members = std::vector<std::pair<std::string, std::string>>; // key, raw JSON value

// V1's JSON document in the official Python key order.
json_members v1_members() {
    return {
        {"TLS.ver", "\"2.0\""},
        {"TLS.identifier", "\"xiaojun\""},
        {"TLS.sdkappid", "1400000000"},
        {"TLS.expire", "15552000"},
        {"TLS.time", "1700000000"},
        {"TLS.sig", "\"" + std::string(v1_sig) + "\""},
    };
}

std::string to_json(const json_members& members) {
    std::string json = "{";
    for (const auto& [key, value] : members) json += (json.size() > 1 ? ", \"" : "\"") + key + "\": " + value;
    return json + "}";
}

std::string v1_document() { return to_json(v1_members()); }

// V1's document with one member given another raw JSON value (appended if V1 lacks it) or removed (nullopt):
// the tool for forging tampered and malformed documents.
std::string v1_document_with(std::string_view key, std::optional<std::string_view> raw_value) {
    json_members members = v1_members();
    const auto member = std::find_if(members.begin(), members.end(), [&](const auto& m) { return m.first == key; });
    if (member == members.end()) {
        if (raw_value) members.emplace_back(std::string(key), std::string(*raw_value));
    } else if (raw_value) {
        member->second = std::string(*raw_value);
    } else {
        members.erase(member);
    }
    return to_json(members);
}

std::string encode(std::string_view json) {
    const auto encoded = usersig::detail::encode_document(json);
    REQUIRE(encoded.has_value());
    return *encoded;
}

code code_of(const tcchat::error& e) { return static_cast<code>(e.value()); }

void require_v1_fields(const usersig::decoded& fields) {
    CHECK(fields.sdkappid == sample_sdkappid);
    CHECK(fields.identifier == sample_identifier);
    CHECK(fields.time == v1_time);
    CHECK(fields.expire == v1_expire);
    CHECK(fields.sig == v1_sig);
}

// Every rejection carries the expected code, a JSON-Pointer-like hint, and no secret in its message.
template <class T>
void require_rejected(const tcchat::result<T>& outcome, code expected, std::string_view usersig_text) {
    REQUIRE_FALSE(outcome.has_value());
    const tcchat::error& failure = outcome.error();
    CHECK(code_of(failure) == expected);
    CHECK(failure.origin == tcchat::error_origin::local);
    CHECK((failure.pointer.empty() || failure.pointer.front() == '/'));
    CHECK_FALSE(failure.message.empty());
    CHECK(failure.message.find(sample_key) == std::string::npos);
    CHECK(failure.message.find(v1_sig) == std::string::npos);
    if (!usersig_text.empty()) CHECK(failure.message.find(usersig_text) == std::string::npos);
}

void require_verify_rejects(std::string_view usersig_text, code expected, std::int64_t now = v1_time) {
    require_rejected(usersig::verify(usersig_text, sample_sdkappid, sample_identifier, sample_key, now), expected,
                     usersig_text);
}

template <class T, class = void>
struct is_streamable : std::false_type {};
template <class T>
struct is_streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

} // namespace

TEST_CASE("base64 variants match RFC 4648 and reject every non-canonical spelling", "[usersig][base64]") {
    using usersig::detail::base64_decode;
    using usersig::detail::base64_encode;
    using usersig::detail::standard_base64;
    using usersig::detail::tls_base64;

    const std::pair<std::string_view, std::string_view> rfc4648[] = {
        {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [bytes, text] : rfc4648) {
        CHECK(base64_encode(bytes, standard_base64) == text);
        CHECK(base64_decode(text, standard_base64) == std::optional<std::string>(bytes));
    }

    std::string all_bytes;
    for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
    for (std::size_t length = 0; length <= all_bytes.size(); length += 37) {
        const std::string_view bytes(all_bytes.data(), length);
        CHECK(base64_decode(base64_encode(bytes, tls_base64), tls_base64) == std::optional<std::string>(bytes));
    }
    CHECK(base64_encode("\xfb\xff", tls_base64) == "*-8_");

    for (std::string_view bad : {"Zg=", "Zg_", "Z___", "Zg_A", "Z_g_", "Zg__Zg__", "Zh__", "Zm9_"})
        CHECK_FALSE(base64_decode(bad, tls_base64).has_value());
}

TEST_CASE("HMAC vectors of docs/protocol.md §5.2", "[usersig][vectors]") {
    CHECK(usersig::hmac_base64(sample_sdkappid, "xiaojun", sample_key, v1_time, v1_expire) == v1_sig);
    CHECK(usersig::hmac_base64(sample_sdkappid, "admin", sample_key, 1600000000, 86400) ==
          "B0EiGEtv8jlwtFr54eCo5sR1MRR0HRBlR9ykTMYskM8=");
    CHECK(usersig::hmac_base64(sample_sdkappid, "user_0001", sample_key, 1234567890, 604800) ==
          "BsqImiWSTlenujitQAfinSjSvM5kiDlzzzKZx5aF/gc=");
}

TEST_CASE("every published encoding of V1 decodes and verifies", "[usersig][vectors]") {
    for (std::string_view encoded : {v1_python, v1_cpp_style, v1_go_style}) {
        CAPTURE(encoded);
        const auto decoded = usersig::decode(encoded);
        REQUIRE(decoded.has_value());
        require_v1_fields(*decoded);

        const auto verified = usersig::verify(encoded, sample_sdkappid, sample_identifier, sample_key, v1_time);
        REQUIRE(verified.has_value());
        require_v1_fields(*verified);
    }
}

TEST_CASE("generate produces a UserSig that decodes and verifies to V1", "[usersig][generate]") {
    const auto generated = usersig::generate(sample_sdkappid, sample_identifier, sample_key, v1_expire, v1_time);
    REQUIRE(generated.has_value());
    CHECK(generated->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_") ==
          std::string::npos);

    const auto decoded = usersig::decode(*generated);
    REQUIRE(decoded.has_value());
    require_v1_fields(*decoded);

    const auto verified = usersig::verify(*generated, sample_sdkappid, sample_identifier, sample_key, v1_time);
    REQUIRE(verified.has_value());
    require_v1_fields(*verified);
}

TEST_CASE("generate and verify take the key as a secret_key too - the same UserSig", "[usersig][generate]") {
    const usersig::secret_key key{sample_key};
    const auto from_view = usersig::generate(sample_sdkappid, sample_identifier, sample_key, v1_expire, v1_time);
    const auto from_secret = usersig::generate(sample_sdkappid, sample_identifier, key, v1_expire, v1_time);
    REQUIRE(from_view.has_value());
    REQUIRE(from_secret.has_value());
    CHECK(*from_secret == *from_view);
    const auto verified = usersig::verify(*from_secret, sample_sdkappid, sample_identifier, key, v1_time);
    REQUIRE(verified.has_value());
    require_v1_fields(*verified);
    const usersig::secret_key wrong{"another key"};
    CHECK_FALSE(usersig::verify(*from_secret, sample_sdkappid, sample_identifier, wrong, v1_time).has_value());
}

TEST_CASE("generate escapes identifiers into valid JSON", "[usersig][generate]") {
    const std::string awkward = "quote\" backslash\\ slash/ tab\t \xe4\xbd\xa0\xe5\xa5\xbd";
    const auto generated = usersig::generate(sample_sdkappid, awkward, sample_key, 60, v1_time);
    REQUIRE(generated.has_value());
    const auto verified = usersig::verify(*generated, sample_sdkappid, awkward, sample_key, v1_time);
    REQUIRE(verified.has_value());
    CHECK(verified->identifier == awkward);
}

TEST_CASE("generate refuses arguments that cannot make a usable UserSig", "[usersig][generate]") {
    struct invalid_call {
        std::string_view identifier;
        std::string_view key;
        std::int64_t expire;
        std::string_view pointer;
    };
    for (const auto& call : {invalid_call{"", sample_key, 60, "/TLS.identifier"}, invalid_call{"admin", "", 60, ""},
                             invalid_call{"admin", sample_key, 0, "/TLS.expire"},
                             invalid_call{"admin", sample_key, -5, "/TLS.expire"}}) {
        const auto generated = usersig::generate(sample_sdkappid, call.identifier, call.key, call.expire, v1_time);
        REQUIRE_FALSE(generated.has_value());
        CHECK(code_of(generated.error()) == code::invalid_parameter);
        CHECK(generated.error().origin == tcchat::error_origin::validation);
        CHECK(generated.error().pointer == call.pointer);
        CHECK(generated.error().message.find(sample_key) == std::string::npos);
    }
}

TEST_CASE("expiry is inclusive of time + expire", "[usersig][verify]") {
    const std::int64_t last_valid_second = v1_time + v1_expire;
    CHECK(usersig::verify(v1_python, sample_sdkappid, sample_identifier, sample_key, last_valid_second).has_value());
    require_verify_rejects(v1_python, code::usersig_expired, last_valid_second + 1);

    const auto decoded = usersig::decode(v1_python);
    REQUIRE(decoded.has_value());
    CHECK(decoded->expires_at() == last_valid_second);
}

TEST_CASE("verify rejects another app another identifier another key", "[usersig][verify]") {
    require_rejected(usersig::verify(v1_python, sample_sdkappid + 1, sample_identifier, sample_key, v1_time),
                     code::usersig_sdkappid_mismatch, v1_python);
    require_rejected(usersig::verify(v1_python, sample_sdkappid, "xiaojun2", sample_key, v1_time),
                     code::usersig_identifier_mismatch, v1_python);
    require_rejected(usersig::verify(v1_python, sample_sdkappid, sample_identifier, "another key", v1_time),
                     code::usersig_verification_failed, v1_python);
    require_rejected(usersig::verify(v1_python, sample_sdkappid, sample_identifier, "", v1_time),
                     code::usersig_verification_failed, v1_python);
}

TEST_CASE("verify rejects tampered documents", "[usersig][verify]") {
    SECTION("re-encoding V1 unchanged still verifies, so the forging tool is sound") {
        CHECK(usersig::verify(encode(v1_document()), sample_sdkappid, sample_identifier, sample_key, v1_time)
                  .has_value());
    }
    SECTION("a different signature, wherever it differs") {
        const std::string sig(v1_sig);
        for (const std::string& other_sig : {"M" + sig.substr(1), sig.substr(0, 42) + "5=", sig.substr(0, 43),
                                             sig + "A", std::string()}) {
            CAPTURE(other_sig);
            const std::string forged = encode(v1_document_with("TLS.sig", "\"" + other_sig + "\""));
            require_verify_rejects(forged, code::usersig_verification_failed);
        }
    }
    SECTION("a later time under the old signature") {
        const std::string forged = encode(v1_document_with("TLS.time", std::string_view("1700000001")));
        require_verify_rejects(forged, code::usersig_verification_failed);
    }
    SECTION("a longer life under the old signature") {
        const std::string forged = encode(v1_document_with("TLS.expire", std::string_view("999999999")));
        require_verify_rejects(forged, code::usersig_verification_failed);
    }
}

TEST_CASE("verify rejects broken encodings", "[usersig][verify]") {
    const std::string python(v1_python);
    SECTION("empty") {
        require_verify_rejects("", code::usersig_empty);
        require_rejected(usersig::decode(""), code::usersig_empty, "");
    }
    SECTION("truncated") {
        require_verify_rejects(python.substr(0, python.size() - 1), code::usersig_verification_failed);
        require_verify_rejects(python.substr(0, python.size() - 4), code::usersig_verification_failed);
        require_verify_rejects(python.substr(0, python.size() / 2), code::usersig_verification_failed);
        require_verify_rejects(python.substr(0, 4), code::usersig_verification_failed);
    }
    SECTION("characters outside the TLSSigAPIv2 alphabet") {
        for (char intruder : {'+', '/', '=', '!', ' ', '\n', '\0', '\x80', '_'}) {
            std::string altered = python;
            altered[10] = intruder;
            CAPTURE(static_cast<int>(intruder));
            require_verify_rejects(altered, code::usersig_verification_failed);
        }
    }
    SECTION("non-zero unused bits in the last group") {
        std::string altered = python;
        REQUIRE(altered.substr(altered.size() - 4) == "Ug__");
        altered[altered.size() - 3] = 'h';
        require_verify_rejects(altered, code::usersig_verification_failed);
    }
    SECTION("bytes after the zlib stream") {
        const auto compressed = usersig::detail::deflate(v1_document());
        REQUIRE(compressed.has_value());
        require_verify_rejects(usersig::detail::base64_encode(*compressed + "x", usersig::detail::tls_base64),
                               code::usersig_verification_failed);
    }
    SECTION("not zlib at all") {
        require_verify_rejects(usersig::detail::base64_encode(v1_document(), usersig::detail::tls_base64),
                               code::usersig_verification_failed);
    }
}

TEST_CASE("decode caps the inflated size", "[usersig][limits]") {
    constexpr std::size_t cap = TCCHAT_MAX_USERSIG_INFLATED_BYTES;
    SECTION("a zip bomb of 10 MB of zeros is refused") {
        const std::string bomb = encode(std::string(10 * 1024 * 1024, '\0'));
        require_rejected(usersig::decode(bomb), code::local_limit_exceeded, bomb);
        require_verify_rejects(bomb, code::local_limit_exceeded);
    }
    SECTION("a document of exactly the cap is accepted, one byte more is not") {
        std::string padded = v1_document();
        REQUIRE(padded.size() < cap);
        padded.resize(cap, ' ');
        CHECK(usersig::verify(encode(padded), sample_sdkappid, sample_identifier, sample_key, v1_time).has_value());
        padded += ' ';
        require_verify_rejects(encode(padded), code::local_limit_exceeded);
    }
    SECTION("an encoded UserSig too long to inflate within the cap is refused before decoding") {
        const std::string oversized(usersig::detail::max_encoded_size() + 4, 'A');
        require_verify_rejects(oversized, code::local_limit_exceeded);
    }
}

TEST_CASE("decode requires an object with correctly typed members", "[usersig][decode]") {
    SECTION("documents that are not a JSON object") {
        for (std::string_view json : {"[1,2]", "\"text\"", "42", "null", "{", "", "{\"TLS.ver\": \"2.0\"} {}"}) {
            CAPTURE(json);
            const std::string encoded = encode(json);
            const auto decoded = usersig::decode(encoded);
            require_rejected(decoded, code::usersig_verification_failed, encoded);
            CHECK(decoded.error().pointer.empty());
        }
    }
    SECTION("members of the wrong type or range, or missing") {
        struct broken_member {
            std::string_view key;
            std::optional<std::string_view> raw_value;
        };
        const broken_member cases[] = {
            {"TLS.sdkappid", "\"1400000000\""}, {"TLS.sdkappid", "1.4e9"},          {"TLS.sdkappid", "4294967296"},
            {"TLS.sdkappid", "-1"},             {"TLS.sdkappid", std::nullopt},    {"TLS.identifier", "5"},
            {"TLS.identifier", std::nullopt},   {"TLS.time", "\"1700000000\""},    {"TLS.time", std::nullopt},
            {"TLS.time", "18446744073709551615"}, {"TLS.expire", "null"},          {"TLS.expire", std::nullopt},
            {"TLS.sig", "[]"},                  {"TLS.sig", std::nullopt},         {"TLS.ver", "2"},
            {"TLS.userbuf", "\"AAAA\""},
        };
        for (const auto& broken : cases) {
            const std::string encoded = encode(v1_document_with(broken.key, broken.raw_value));
            CAPTURE(broken.key, broken.raw_value.value_or("(missing)"));
            const auto decoded = usersig::decode(encoded);
            require_rejected(decoded, code::usersig_verification_failed, encoded);
            CHECK(decoded.error().pointer == "/" + std::string(broken.key));
        }
    }
    SECTION("a missing TLS.ver and unknown members are tolerated, as official verifiers do") {
        CHECK(usersig::decode(encode(v1_document_with("TLS.ver", std::nullopt))).has_value());
        CHECK(usersig::decode(encode(v1_document_with("TLS.extra", std::string_view("{}")))).has_value());
    }
    SECTION("extreme times saturate instead of overflowing") {
        const std::string far_future = encode(v1_document_with("TLS.time", std::string_view("9223372036854775807")));
        const auto decoded = usersig::decode(far_future);
        REQUIRE(decoded.has_value());
        CHECK(decoded->expires_at() == std::numeric_limits<std::int64_t>::max());
        require_verify_rejects(far_future, code::usersig_verification_failed);

        const std::string far_past = encode(v1_document_with("TLS.time", std::string_view("-9223372036854775808")));
        require_verify_rejects(far_past, code::usersig_expired);
    }
}

TEST_CASE("secret_key owns the only copy and cannot be printed", "[usersig][secret_key]") {
    static_assert(!std::is_copy_constructible_v<usersig::secret_key>);
    static_assert(!std::is_copy_assignable_v<usersig::secret_key>);
    static_assert(std::is_nothrow_move_constructible_v<usersig::secret_key>);
    static_assert(!is_streamable<usersig::secret_key>::value);
    static_assert(!std::is_convertible_v<usersig::secret_key, std::string_view>);

    usersig::secret_key key(sample_key);
    CHECK(key.reveal() == sample_key);
    CHECK(key.size() == sample_key.size());

    usersig::secret_key moved(std::move(key));
    CHECK(key.empty()); // NOLINT(bugprone-use-after-move): the moved-from state is what is tested
    CHECK(key.reveal().empty());
    CHECK(moved.reveal() == sample_key);

    usersig::secret_key assigned("short");
    assigned = std::move(moved);
    CHECK(moved.empty()); // NOLINT(bugprone-use-after-move)
    CHECK(assigned.reveal() == sample_key);

    const auto generated = usersig::generate(sample_sdkappid, sample_identifier, assigned.reveal(), v1_expire, v1_time);
    REQUIRE(generated.has_value());
    CHECK(usersig::verify(*generated, sample_sdkappid, sample_identifier, sample_key, v1_time).has_value());
}

namespace {

// Asks the cache from 8 threads released together, at `now`, and returns every distinct UserSig they saw
// (Catch2 assertions are not thread-safe, so the checks happen afterwards on the caller's thread).
std::set<std::string> usersigs_seen_concurrently(tcchat::usersig_cache& cache, std::int64_t now) {
    constexpr int thread_count = 8;
    constexpr int calls_per_thread = 50;
    const std::chrono::system_clock::time_point at{std::chrono::seconds(now)};
    std::vector<std::vector<std::string>> seen(thread_count);
    std::atomic<bool> start{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t)
        threads.emplace_back([&, t] {
            while (!start.load()) std::this_thread::yield();
            for (int call = 0; call < calls_per_thread; ++call) {
                const auto usersig = cache.get(at);
                seen[t].push_back(usersig ? *usersig : "<error>");
            }
        });
    start = true;
    for (auto& thread : threads) thread.join();
    std::set<std::string> distinct;
    for (const auto& calls : seen) distinct.insert(calls.begin(), calls.end());
    return distinct;
}

} // namespace

TEST_CASE("generator signs a fresh UserSig on each call: issued now and living for expire", "[usersig][generator]") {
    constexpr std::int64_t start = 1700000000;
    constexpr std::int64_t week = 7 * 24 * 3600;
    std::int64_t fake_now = start;
    usersig::generator_options options;
    options.clock = [&fake_now] { return fake_now; };
    const usersig::generator generator({sample_sdkappid, "admin"}, usersig::secret_key(sample_key), options);

    const auto first = generator();
    REQUIRE(first.has_value());
    const auto decoded = usersig::decode(first->usersig);
    REQUIRE(decoded.has_value());
    CHECK(decoded->expire == week); // the default lifetime
    CHECK(decoded->time == start);
    CHECK(first->expires_at == std::chrono::system_clock::time_point(std::chrono::seconds(start + week)));
    CHECK(usersig::verify(first->usersig, sample_sdkappid, "admin", sample_key, start).has_value());

    fake_now = start + 1;
    const auto second = generator();
    REQUIRE(second.has_value());
    CHECK(second->usersig != first->usersig); // nothing is cached here: renewal is the client's decision
    CHECK(usersig::decode(second->usersig)->time == start + 1);
    CHECK(generator.generations() == 2);
}

TEST_CASE("the client's cache renews a generated UserSig exactly once per window under concurrent callers",
          "[usersig][generator][concurrency]") {
    constexpr std::int64_t start = 1700000000;
    constexpr std::int64_t expire = 3600;
    constexpr std::int64_t margin = 360;
    std::atomic<std::int64_t> fake_now{start};
    usersig::generator_options options;
    options.expire = std::chrono::seconds(expire);
    options.clock = [&fake_now] {
        // A slow clock widens the window in which callers could race past each other to a renewal.
        std::this_thread::sleep_for(std::chrono::microseconds(20));
        return fake_now.load();
    };
    auto generator = std::make_shared<usersig::generator>(tcchat::app_identity{sample_sdkappid, "admin"}, usersig::secret_key(sample_key), options);
    tcchat::usersig_cache cache([generator] { return (*generator)(); }, std::chrono::seconds(margin));

    std::string previous;
    for (std::int64_t window = 0; window < 5; ++window) {
        const std::int64_t issued_at = start + window * (expire - margin);
        fake_now = issued_at;
        const auto fresh = usersigs_seen_concurrently(cache, issued_at);
        REQUIRE(fresh.size() == 1);
        CHECK(generator->generations() == static_cast<std::uint64_t>(window + 1));
        CHECK(*fresh.begin() != previous);

        const std::int64_t last_second = issued_at + expire - margin - 1; // the last second before renewal
        CHECK(usersigs_seen_concurrently(cache, last_second) == fresh);
        CHECK(generator->generations() == static_cast<std::uint64_t>(window + 1));

        const auto verified = usersig::verify(*fresh.begin(), sample_sdkappid, "admin", sample_key, last_second);
        REQUIRE(verified.has_value());
        CHECK(verified->time == issued_at);
        CHECK(verified->expire == expire);
        previous = *fresh.begin();
    }
}

TEST_CASE("generator reports generation failures and counts no generation", "[usersig][generator]") {
    const usersig::generator generator({sample_sdkappid, ""}, usersig::secret_key(sample_key));
    const auto credentials = generator();
    REQUIRE_FALSE(credentials.has_value());
    CHECK(code_of(credentials.error()) == code::invalid_parameter);
    CHECK(credentials.error().message.find(sample_key) == std::string::npos);
    CHECK(generator.generations() == 0);
}

// A client built from only the SDKAppID, the admin identifier and the secret key
// keeps working past the signature's expiry, against a service that verifies every UserSig.
#include <tcchat/client.hpp>
#include <tcchat/emulator.hpp>

TEST_CASE("a client with a UserSig generator keeps working past expiry", "[usersig][generator][client]") {
    const std::string key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    auto now = std::make_shared<std::int64_t>(1700000000);
    tcchat::emulation::emulator_options verifying;
    verifying.verify_usersig = [key, now](const tcchat::call_parameters& call) {
        auto verified = tcchat::usersig::verify(call.usersig, call.sdkappid, call.identifier, key, *now);
        return verified ? 0 : verified.error().value();
    };
    tcchat::emulation::emulator service(verifying);

    const tcchat::app_identity admin{1400000000, "administrator"};
    tcchat::usersig::generator_options signing;
    signing.expire = std::chrono::hours(1);
    signing.clock = [now] { return *now; };
    auto signer = std::make_shared<tcchat::usersig::generator>(admin, tcchat::usersig::secret_key(key), signing);
    tcchat::client_options options;
    options.identity = admin;
    options.usersig = [signer] { return (*signer)(); };
    options.limiter = nullptr;
    tcchat::client<tcchat::emulation::in_memory_transport> chat(tcchat::emulation::in_memory_transport(service), options);

    REQUIRE(chat.call(tcchat::get_contact_group_request{"user0", 0}).has_value());
    CHECK(signer->generations() == 1);
    // The signature the first call carried (generation is deterministic in the time).
    const std::string first = tcchat::usersig::generate(admin.sdkappid, admin.identifier, key, 3600, *now).value();
    *now += 2 * 3600;
    // The first signature has expired: the service would answer 70001 to it.
    CHECK(tcchat::usersig::verify(first, admin.sdkappid, admin.identifier, key, *now).error().value() == 70001);
    REQUIRE(chat.call(tcchat::get_contact_group_request{"user0", 0}).has_value());
    CHECK(signer->generations() == 2);
    for (const auto& call : service.calls()) CHECK(call.error_code == 0);
}
