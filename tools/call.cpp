// `tcchat call`: one request to the real service (or to `tcchat serve`) through libcurl.

#include "cli_common.hpp"
#include "commands.hpp"

#include <tcchat.hpp>
#if TCCHAT_CLI_WITH_CURL
#include <tcchat/transport/curl.hpp>
#endif
#if TCCHAT_CLI_WITH_USERSIG
#include <tcchat/usersig.hpp>
#endif
#if TCCHAT_CLI_WITH_REDIS
#include <tcchat/limiter/redis.hpp>
#endif

#include <cstdlib>
#include <utility>

namespace tcchat::cli {

namespace {

/// TCCHAT_USERSIG as it is, or signatures generated from TCCHAT_SECRET_KEY. Neither ever comes from argv:
/// arguments are visible to every user through ps.
std::optional<usersig_provider> usersig_from_environment(const app_identity& identity, std::string& why) {
    if (const char* fixed = std::getenv("TCCHAT_USERSIG"); fixed != nullptr && *fixed != '\0') return fixed_usersig(fixed);
#if TCCHAT_CLI_WITH_USERSIG
    if (const char* key = std::getenv("TCCHAT_SECRET_KEY"); key != nullptr && *key != '\0') {
        return usersig::generated_usersig(identity, usersig::secret_key(key));
    }
    why = "set TCCHAT_USERSIG, or TCCHAT_SECRET_KEY to generate one";
#else
    (void)identity;
    why = "set TCCHAT_USERSIG (this build has no UserSig generator)";
#endif
    return std::nullopt;
}

/// The Redis URL from --redis, or else from TCCHAT_REDIS_URL, which keeps a password out of the arguments that
/// every user sees through ps. Also answers the URL's source, for a usage error that must not repeat the URL.
std::optional<std::pair<std::string, std::string>> redis_url(const parsed_arguments& parsed) {
    if (const std::string* url = parsed.option("--redis")) return std::make_pair(*url, std::string("--redis"));
    if (const char* url = std::getenv("TCCHAT_REDIS_URL"); url != nullptr && *url != '\0')
        return std::make_pair(std::string(url), std::string("TCCHAT_REDIS_URL"));
    return std::nullopt;
}

/// --rate N (calls per second for each budget, with a burst of N), --redis URL or TCCHAT_REDIS_URL (one budget
/// shared through Redis, failing closed when Redis is down) and --max-attempts N (1: no retries). Returns the
/// usage error, if any.
std::optional<std::string> configure_limits(const parsed_arguments& parsed, client_options& options) {
    budget_config budget;
    if (const std::string* rate = parsed.option("--rate")) {
        char* end = nullptr;
        const double per_second = std::strtod(rate->c_str(), &end);
        if (rate->empty() || *end != '\0' || !(per_second > 0 && per_second <= 1e6)) return "--rate needs calls per second, more than 0";
        budget.rate = {per_second, per_second};
    }
    if (const std::string* attempts = parsed.option("--max-attempts")) {
        const auto count = parse_uint32(*attempts);
        if (!count || *count < 1 || *count > 100) return "--max-attempts needs a number from 1 to 100";
        options.retry.max_attempts = static_cast<int>(*count);
    }
    if (const auto url = redis_url(parsed)) {
        const auto& [text, source] = *url;
#if TCCHAT_CLI_WITH_REDIS
        auto redis = redis_limiter_options::from_url(text);
        if (!redis)
            return source + ": " + redis.error().message +
                   "; it needs redis://[[user]:password@]host[:port][/db] (an IPv6 host in brackets) or unix:///path";
        redis->budget = budget;
        options.limiter = std::make_shared<redis_limiter>(std::move(*redis));
        return std::nullopt;
#else
        (void)text;
        return source + " needs a tcchat built with TCCHAT_WITH_REDIS (hiredis)";
#endif
    }
    options.limiter = std::make_shared<token_bucket>(budget);
    return std::nullopt;
}

int exit_code_for(const error& e) {
    switch (e.origin) {
    case error_origin::validation: return exit_rejected;
    case error_origin::server: return exit_server_error;
    default: return exit_transport_error;
    }
}

} // namespace

int run_call(const std::vector<std::string>& args) {
#if !TCCHAT_CLI_WITH_CURL
    (void)args;
    return usage_error("call needs libcurl, and this build has none");
#else
    const auto parsed = parse_arguments(args, 1, {"--sdkappid", "--identifier", "--region", "--endpoint", "--ca-file", "--redis", "--rate",
                                                  "--max-attempts"});
    if (parsed && !parsed->unknown_option.empty()) return usage_error("call has no option " + parsed->unknown_option);
    if (!parsed || parsed->positional.empty() || parsed->positional.size() > 2)
        return usage_error("call needs <command> [FILE|-] and its options");
    const std::string* sdkappid = parsed->option("--sdkappid");
    const std::string* identifier = parsed->option("--identifier");
    const std::string* region_name = parsed->option("--region");
    const std::string* endpoint = parsed->option("--endpoint");
    if (sdkappid == nullptr || !parse_uint32(*sdkappid)) return usage_error("call needs --sdkappid N (a 32-bit number)");
    if (identifier == nullptr || identifier->empty()) return usage_error("call needs --identifier ADMIN");
    if ((region_name == nullptr) == (endpoint == nullptr)) return usage_error("call needs exactly one of --region and --endpoint");

    client_options options;
    options.identity = {*parse_uint32(*sdkappid), *identifier};
    if (region_name != nullptr) {
        const auto chosen = find_region(*region_name);
        if (!chosen) return usage_error("unknown region '" + *region_name + "'");
        options.base_url = region_base_url(*chosen);
    } else {
        options.base_url = *endpoint;
    }
    std::string why;
    auto provider = usersig_from_environment(options.identity, why);
    if (!provider) return usage_error(why);
    options.usersig = std::move(*provider);

    if (auto problem = configure_limits(*parsed, options)) return usage_error(*problem);

    curl_options transport_options;
    if (const std::string* ca = parsed->option("--ca-file")) transport_options.ca_file = *ca;

    std::string body;
    if (const auto stop = load_body(parsed->positional, 1, body)) return *stop;
    int status = exit_ok;
    const bool known = visit_endpoint(parsed->positional[0], [&](auto tag) {
        auto request = decode<typename decltype(tag)::request>(body);
        if (!request) {
            print_error(request.error());
            status = exit_undecodable;
            return;
        }
        client<curl_transport> service(curl_transport(transport_options), options);
        auto response = service.call(*request);
        if (!response) {
            print_error(response.error());
            status = exit_code_for(response.error());
            return;
        }
        std::cout << encode(*response) << "\n";
    });
    if (!known) return usage_error("unknown command '" + parsed->positional[0] + "' (see: tcchat endpoints)");
    return status;
#endif
}

} // namespace tcchat::cli
