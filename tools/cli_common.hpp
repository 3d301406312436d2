#pragma once
// Helpers shared by the tcchat subcommands: exit codes, input, JSON error output, option parsing.

#include <tcchat/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace tcchat::cli {

constexpr int exit_ok = 0;
constexpr int exit_rejected = 1;    ///< validation violations, an unknown code, a UserSig that does not verify
constexpr int exit_undecodable = 2; ///< input that does not decode as the named type
constexpr int exit_server_error = 3;
constexpr int exit_transport_error = 4;
constexpr int exit_usage = 64;

int usage_error(const std::string& why);

/// Reads FILE, or standard input for "-" or when there is no such argument.
inline bool read_input(const std::vector<std::string>& args, std::size_t index, std::string& out) {
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

inline void print_error(const error& e) {
    boost::json::object detail{{"code", e.code.value()}, {"pointer", e.pointer}, {"message", e.message}};
    if (e.http_status != 0) detail["http_status"] = e.http_status;
    std::cout << boost::json::serialize(boost::json::object{{"error", std::move(detail)}}) << "\n";
}

/// "--name value" options and positional arguments, in one pass.
struct parsed_arguments {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;
    std::vector<std::string> flags;

    const std::string* option(std::string_view name) const {
        for (const auto& [key, value] : options)
            if (key == name) return &value;
        return nullptr;
    }
    bool flag(std::string_view name) const {
        for (const auto& f : flags)
            if (f == name) return true;
        return false;
    }
};

/// Splits args (after the subcommand) by the names that take a value; other "--x" are flags.
inline std::optional<parsed_arguments> parse_arguments(const std::vector<std::string>& args, std::size_t from,
                                                       const std::vector<std::string>& valued) {
    parsed_arguments out;
    for (std::size_t i = from; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
            const bool takes_value = std::find(valued.begin(), valued.end(), arg) != valued.end();
            if (!takes_value) {
                out.flags.push_back(arg);
                continue;
            }
            if (i + 1 >= args.size()) return std::nullopt;
            out.options.emplace_back(arg, args[++i]);
        } else {
            out.positional.push_back(arg);
        }
    }
    return out;
}

} // namespace tcchat::cli
