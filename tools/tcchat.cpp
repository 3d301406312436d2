// tcchat: the command-line tool. JSON on stdout; exit codes are documented in --help.

#include "cli_common.hpp"
#include "commands.hpp"
#include "openapi.hpp"
#include "serve.hpp"

#include <tcchat.hpp>

#include <algorithm>
#include <cstdlib>

namespace tcchat::cli {

namespace {

constexpr const char* usage_text = R"(usage: tcchat <command> [arguments]

commands:
  endpoints                                   list the eight v4/recentcontact commands
  decode <command> request|response [FILE|-]  decode a body and print it re-encoded
  validate <command> [FILE|-] [--strict]      check a request against the documented rules
  explain <code>                              describe an error code and its retry class
  schema [--strict]                           the OpenAPI 3.1 contract of the eight endpoints (docs/contract.md)
  call <command> [FILE|-] --sdkappid N --identifier ADMIN (--region NAME | --endpoint URL) [--ca-file PEM]
                                              send a request; the UserSig comes from TCCHAT_USERSIG, or is
                                              generated from TCCHAT_SECRET_KEY
       [--rate N] [--redis URL] [--max-attempts N]
                                              N calls/s per app and command (default 200); shared by every
                                              process through Redis with --redis URL or TCCHAT_REDIS_URL
                                              (redis://[[user]:password@]host[:port][/db], an IPv6 host in
                                              brackets, or unix:///path); put a password in TCCHAT_REDIS_URL,
                                              out of sight of ps; arrivals at the server jitter, so
                                              use about 75% of the documented limit (--rate 150) to avoid
                                              60007; --max-attempts 1 turns backoff retries off
                                              (an expired UserSig is still renewed and retried once)
  usersig gen --sdkappid N --identifier ID [--expire SECONDS]
  usersig verify --sdkappid N --identifier ID [--now UNIX_TIME] USERSIG|-
                                              the key is read from TCCHAT_SECRET_KEY, never from arguments;
                                              - reads the USERSIG from stdin, out of sight of ps
  serve [--port N] [--page-size N] [--qps N] [--edition basic|pro] [--seed FILE] [--secret-key]
                                              run the emulator as an HTTP/1.1 server (127.0.0.1 unless --bind)
  --help, --version

regions: china singapore seoul tokyo frankfurt silicon_valley jakarta mumbai_legacy
exit codes: 0 success; 1 rejected (violations, unknown code, invalid UserSig); 2 input that does not decode;
            3 the server answered an error code; 4 transport failure; 64 usage error;
            69 serve cannot listen on the address (see tcchat serve --help for all of its options)
)";

int run_endpoints() {
    boost::json::array commands;
    boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        boost::json::object row{{"command", endpoint_type::command},
                                {"path", std::string(service_path) + std::string(endpoint_type::command)},
                                {"read", endpoint_type::is_read}};
        if constexpr (has_batch<endpoint_type>::value) row["batch_limit"] = endpoint_type::batch_limit;
        boost::json::array rules;
        for (const std::string& id : rule_ids<endpoint_type>()) rules.emplace_back(id);
        row["rules"] = std::move(rules);
        commands.push_back(std::move(row));
    });
    std::cout << boost::json::serialize(commands) << "\n";
    return exit_ok;
}

int run_decode(const std::vector<std::string>& args) {
    if (args.size() < 3) return usage_error("decode needs <command> request|response");
    const std::string& direction = args[2];
    if (direction != "request" && direction != "response")
        return usage_error("decode takes 'request' or 'response', not '" + direction + "'");
    std::string body;
    if (const auto stop = load_body(args, 3, body)) return *stop;
    int status = exit_ok;
    const bool known = visit_endpoint(args[1], [&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        auto print = [&](auto decoded) {
            if (!decoded) {
                print_error(decoded.error());
                status = exit_undecodable;
                return;
            }
            std::cout << encode(*decoded) << "\n";
        };
        if (direction == "request") print(decode<typename endpoint_type::request>(body));
        else print(decode<typename endpoint_type::response>(body));
    });
    if (!known) return usage_error("unknown command '" + args[1] + "' (see: tcchat endpoints)");
    return status;
}

int run_validate(std::vector<std::string> args) {
    validation_limits rules;
    const auto strict = std::find(args.begin(), args.end(), "--strict");
    if (strict != args.end()) {
        rules = validation_limits::strict_profile();
        args.erase(strict);
    }
    if (args.size() < 2 || args.size() > 3) return usage_error("validate needs <command> [FILE|-]");
    std::string body;
    if (const auto stop = load_body(args, 2, body)) return *stop;
    int status = exit_ok;
    const bool known = visit_endpoint(args[1], [&](auto endpoint) {
        auto request = decode<typename decltype(endpoint)::request>(body);
        if (!request) {
            print_error(request.error());
            status = exit_undecodable;
            return;
        }
        const report found = validate(*request, rules);
        boost::json::object out{{"valid", found.ok()}};
        if (!found.ok()) {
            boost::json::array violations;
            for (const auto& v : found.violations)
                violations.push_back(boost::json::object{
                    {"code", v.code.value()}, {"rule", v.rule}, {"pointer", v.pointer}, {"message", v.message}});
            out["violations"] = std::move(violations);
        }
        std::cout << boost::json::serialize(out) << "\n";
        status = found.ok() ? exit_ok : exit_rejected;
    });
    if (!known) return usage_error("unknown command '" + args[1] + "' (see: tcchat endpoints)");
    return status;
}

int run_explain(const std::vector<std::string>& args) {
    if (args.size() != 2) return usage_error("explain needs one code");
    char* end = nullptr;
    const long value = std::strtol(args[1].c_str(), &end, 10);
    if (args[1].empty() || *end != '\0') return usage_error("'" + args[1] + "' is not a number");
    const code_info* row = value == static_cast<int>(value) ? find_code(static_cast<int>(value)) : nullptr;
    if (row == nullptr) {
        std::cerr << "tcchat: no documented code " << args[1] << "\n";
        return exit_rejected;
    }
    std::cout << boost::json::serialize(boost::json::object{{"code", static_cast<int>(row->value)},
                                                            {"name", row->name},
                                                            {"message", row->meaning},
                                                            {"retry", to_string(row->retry)}})
              << "\n";
    return exit_ok;
}

} // namespace

int usage_error(const std::string& why) {
    std::cerr << "tcchat: " << why << "\n" << usage_text;
    return exit_usage;
}

} // namespace tcchat::cli

int main(int argc, char** argv) {
    using namespace tcchat::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("no command");
    const std::string& command = args[0];
    if (command == "--help" || command == "-h") {
        std::cout << usage_text;
        return exit_ok;
    }
    if (command == "--version") {
        // The opt-in parts this build has: usersig (OpenSSL, zlib), curl (call), redis (call --redis) and
        // serve-tls (serve --tls-cert, Beast and OpenSSL).
        std::cout << "tcchat " TCCHAT_VERSION_STRING "\nfeatures:"
#if TCCHAT_CLI_WITH_USERSIG
                  << " usersig"
#endif
#if TCCHAT_CLI_WITH_CURL
                  << " curl"
#endif
#if TCCHAT_CLI_WITH_REDIS
                  << " redis"
#endif
#if TCCHAT_CLI_WITH_TLS
                  << " serve-tls"
#endif
                  << "\n";
        return exit_ok;
    }
    if (command == "endpoints") return run_endpoints();
    if (command == "decode") return run_decode(args);
    if (command == "validate") return run_validate(args);
    if (command == "explain") return run_explain(args);
    if (command == "schema") return run_schema(args);
    if (command == "call") return run_call(args);
    if (command == "usersig") return run_usersig(args);
    if (command == "serve") return run_serve(args);
    return usage_error("unknown command '" + command + "'");
}
