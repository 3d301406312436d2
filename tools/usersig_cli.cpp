// `tcchat usersig gen|verify` (docs/protocol.md §5). The SecretKey comes from TCCHAT_SECRET_KEY only.

#include "cli_common.hpp"
#include "commands.hpp"

#if TCCHAT_CLI_WITH_USERSIG
#include <tcchat/url.hpp>
#include <tcchat/usersig.hpp>

#include <charconv>
#include <cstdlib>
#endif

namespace tcchat::cli {

#if !TCCHAT_CLI_WITH_USERSIG
int run_usersig(const std::vector<std::string>&) { return usage_error("this build has no UserSig support (OpenSSL, zlib)"); }
#else

namespace {

std::optional<std::int64_t> parse_int64(const std::string& text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

boost::json::object describe(const usersig::decoded& d) {
    return {{"sdkappid", d.sdkappid}, {"identifier", d.identifier}, {"time", d.time}, {"expire", d.expire},
            {"expires_at", d.expires_at()}};
}

} // namespace

int run_usersig(const std::vector<std::string>& args) {
    if (args.size() < 2 || (args[1] != "gen" && args[1] != "verify")) return usage_error("usersig needs gen or verify");
    const auto parsed = parse_arguments(args, 2, {"--sdkappid", "--identifier", "--expire", "--now"});
    if (!parsed) return usage_error("an option is missing its value");
    if (!parsed->unknown_option.empty()) return usage_error("usersig " + args[1] + " has no option " + parsed->unknown_option);
    const std::string* sdkappid_text = parsed->option("--sdkappid");
    const std::string* identifier = parsed->option("--identifier");
    const auto sdkappid = sdkappid_text ? parse_uint32(*sdkappid_text) : std::nullopt;
    if (!sdkappid || identifier == nullptr) return usage_error("usersig needs --sdkappid N and --identifier ID");
    const char* key = std::getenv("TCCHAT_SECRET_KEY");
    if (key == nullptr || *key == '\0') return usage_error("set TCCHAT_SECRET_KEY (the key is never taken as an argument)");
    const usersig::secret_key secret(key);

    if (args[1] == "gen") {
        if (!parsed->positional.empty()) return usage_error("usersig gen takes no positional argument");
        const std::string* expire_text = parsed->option("--expire");
        const auto expire = expire_text ? parse_int64(*expire_text) : std::optional<std::int64_t>(180 * 86400);
        if (!expire) return usage_error("--expire takes a number of seconds");
        const std::int64_t now = usersig::unix_now();
        auto generated = usersig::generate(*sdkappid, *identifier, secret.reveal(), *expire, now);
        if (!generated) {
            print_error(generated.error());
            return exit_rejected;
        }
        std::cout << boost::json::serialize(boost::json::object{
                         {"usersig", *generated}, {"sdkappid", *sdkappid}, {"identifier", *identifier}, {"time", now}, {"expire", *expire}})
                  << "\n";
        return exit_ok;
    }
    if (parsed->positional.size() != 1) return usage_error("usersig verify needs the USERSIG argument, or - to read it from stdin");
    // "-" keeps the signature out of argv, which every user can read through ps.
    std::string usersig_text = parsed->positional[0];
    if (usersig_text == "-") {
        std::string why;
        if (read_input({"-"}, 0, usersig_text, why, TCCHAT_MAX_USERSIG_INFLATED_BYTES)) return usage_error(why);
        while (!usersig_text.empty() && (usersig_text.back() == '\n' || usersig_text.back() == '\r')) usersig_text.pop_back();
    }
    const std::string* now_text = parsed->option("--now");
    const auto now = now_text ? parse_int64(*now_text) : std::optional<std::int64_t>(usersig::unix_now());
    if (!now) return usage_error("--now takes a Unix time in seconds");
    auto verified = usersig::verify(usersig_text, *sdkappid, *identifier, secret.reveal(), *now);
    if (!verified) {
        boost::json::object detail{{"code", verified.error().value()}, {"message", verified.error().message}};
        std::cout << boost::json::serialize(boost::json::object{{"valid", false}, {"error", std::move(detail)}}) << "\n";
        return exit_rejected;
    }
    boost::json::object out = describe(*verified);
    out["valid"] = true;
    std::cout << boost::json::serialize(out) << "\n";
    return exit_ok;
}

#endif

} // namespace tcchat::cli
