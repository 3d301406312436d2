// tcchat: the command-line tool. JSON on stdout; exit codes are documented in --help.

#include "serve.hpp"

#include <tcchat.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int exit_ok = 0;
constexpr int exit_rejected = 1;
constexpr int exit_undecodable = 2;
constexpr int exit_usage = 64;

constexpr const char* usage_text = R"(usage: tcchat <command> [arguments]

commands:
  endpoints                                   list the eight v4/recentcontact commands
  decode <command> request|response [FILE|-]  decode a body and print it re-encoded
  validate <command> [FILE|-] [--strict]      check a request against the documented rules
  explain <code>                              describe an error code and its retry class
  serve [--port N] [--page-size N] [--qps N] [--edition basic|pro] [--seed FILE] [--secret-key]
                                              run the emulator as an HTTP/1.1 server on 127.0.0.1
  --help, --version

exit codes: 0 success, 1 rejected (violations, unknown code), 2 input that does not decode, 64 usage error
)";

int usage_error(const std::string& why) {
    std::cerr << "tcchat: " << why << "\n" << usage_text;
    return exit_usage;
}

bool read_input(const std::vector<std::string>& args, std::size_t index, std::string& out) {
    if (index >= args.size() || args[index] == "-") {
        out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        return true;
    }
    std::ifstream in(args[index], std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

void print_error(const tcchat::error& e) {
    boost::json::object detail{{"code", e.code.value()}, {"pointer", e.pointer}, {"message", e.message}};
    std::cout << boost::json::serialize(boost::json::object{{"error", std::move(detail)}}) << "\n";
}

int run_endpoints() {
    boost::json::array commands;
    boost::mp11::mp_for_each<tcchat::all_endpoints>([&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        boost::json::object row{{"command", endpoint_type::command},
                                {"path", std::string(tcchat::service_path) + std::string(endpoint_type::command)},
                                {"read", endpoint_type::is_read}};
        if constexpr (tcchat::has_batch<endpoint_type>::value) row["batch_limit"] = endpoint_type::batch_limit;
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
    if (!read_input(args, 3, body)) return usage_error("cannot read " + args[3]);
    int status = exit_ok;
    const bool known = tcchat::visit_endpoint(args[1], [&](auto endpoint) {
        using endpoint_type = decltype(endpoint);
        auto print = [&](auto decoded) {
            if (!decoded) {
                print_error(decoded.error());
                status = exit_undecodable;
                return;
            }
            std::cout << tcchat::encode(*decoded) << "\n";
        };
        if (direction == "request") print(tcchat::decode<typename endpoint_type::request>(body));
        else print(tcchat::decode<typename endpoint_type::response>(body));
    });
    if (!known) return usage_error("unknown command '" + args[1] + "' (see: tcchat endpoints)");
    return status;
}

int run_validate(std::vector<std::string> args) {
    tcchat::limits limits;
    const auto strict = std::find(args.begin(), args.end(), "--strict");
    if (strict != args.end()) {
        limits = tcchat::limits::strict_profile();
        args.erase(strict);
    }
    if (args.size() < 2 || args.size() > 3) return usage_error("validate needs <command> [FILE|-]");
    std::string body;
    if (!read_input(args, 2, body)) return usage_error("cannot read " + args[2]);
    int status = exit_ok;
    const bool known = tcchat::visit_endpoint(args[1], [&](auto endpoint) {
        auto request = tcchat::decode<typename decltype(endpoint)::request>(body);
        if (!request) {
            print_error(request.error());
            status = exit_undecodable;
            return;
        }
        const tcchat::report report = tcchat::validate(*request, limits);
        boost::json::array violations;
        for (const auto& v : report.violations)
            violations.push_back(boost::json::object{
                {"code", v.code.value()}, {"rule", v.rule}, {"pointer", v.pointer}, {"message", v.message}});
        boost::json::object out{{"valid", report.ok()}};
        if (!report.ok()) out["violations"] = std::move(violations);
        std::cout << boost::json::serialize(out) << "\n";
        status = report.ok() ? exit_ok : exit_rejected;
    });
    if (!known) return usage_error("unknown command '" + args[1] + "' (see: tcchat endpoints)");
    return status;
}

int run_explain(const std::vector<std::string>& args) {
    if (args.size() != 2) return usage_error("explain needs one code");
    char* end = nullptr;
    const long value = std::strtol(args[1].c_str(), &end, 10);
    if (args[1].empty() || *end != '\0') return usage_error("'" + args[1] + "' is not a number");
    const tcchat::code_info* row = tcchat::find_code(static_cast<int>(value));
    if (row == nullptr || value != static_cast<int>(value)) {
        std::cerr << "tcchat: no documented code " << args[1] << "\n";
        return exit_rejected;
    }
    std::cout << boost::json::serialize(boost::json::object{{"code", static_cast<int>(row->value)},
                                                            {"name", row->name},
                                                            {"message", row->meaning},
                                                            {"retry", tcchat::to_string(row->retry)}})
              << "\n";
    return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("no command");
    const std::string& command = args[0];
    if (command == "--help" || command == "-h") {
        std::cout << usage_text;
        return exit_ok;
    }
    if (command == "--version") {
        std::cout << "tcchat " TCCHAT_VERSION_STRING "\n";
        return exit_ok;
    }
    if (command == "endpoints") return run_endpoints();
    if (command == "decode") return run_decode(args);
    if (command == "validate") return run_validate(args);
    if (command == "serve") return tcchat::cli::run_serve(args);
    if (command == "explain") return run_explain(args);
    return usage_error("unknown command '" + command + "'");
}
