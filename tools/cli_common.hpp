#pragma once
// Helpers shared by the tcchat subcommands: exit codes, input, JSON error output, option parsing.

#include <tcchat/config.hpp>
#include <tcchat/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
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

/// Why read_input gave no body.
enum class input_failure {
    unreadable, ///< the file cannot be opened or read (a directory, missing, no permission): a usage error
    too_large,  ///< more than the limit: the input cannot decode, answered as 90005 without reading the rest
};

/// Reads FILE, or standard input for "-" or when there is no such argument, stopping once it holds more than
/// `limit` bytes (the decoder's body limit): /dev/zero on stdin costs limit + 1 bytes, not all memory. On
/// failure, `why` says what happened.
inline std::optional<input_failure> read_input(const std::vector<std::string>& args, std::size_t index, std::string& out,
                                               std::string& why, std::size_t limit = TCCHAT_MAX_BODY_BYTES) {
    const bool from_stdin = index >= args.size() || args[index] == "-";
    const std::string name = from_stdin ? "standard input" : args[index];
    const int fd = from_stdin ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    const auto fail = [&](input_failure failure, std::string reason) {
        if (fd >= 0 && !from_stdin) ::close(fd);
        why = std::move(reason);
        return failure;
    };
    if (fd < 0) return fail(input_failure::unreadable, "cannot read " + name + ": " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode))
        return fail(input_failure::unreadable, "cannot read " + name + ": " + std::strerror(EISDIR));
    out.clear();
    char chunk[64 * 1024];
    for (;;) {
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR) continue;
            return fail(input_failure::unreadable, "cannot read " + name + ": " + std::strerror(errno));
        }
        if (out.size() + static_cast<std::size_t>(got) > limit)
            return fail(input_failure::too_large, name + " is larger than " + std::to_string(limit) + " bytes, the body limit");
        out.append(chunk, static_cast<std::size_t>(got));
    }
    if (!from_stdin) ::close(fd);
    return std::nullopt;
}

inline void print_error(const error& e) {
    boost::json::object detail{{"code", e.code.value()}, {"pointer", e.pointer}, {"message", e.message}};
    if (e.http_status != 0) detail["http_status"] = e.http_status;
    std::cout << boost::json::serialize(boost::json::object{{"error", std::move(detail)}}) << "\n";
}

/// The body for a subcommand from FILE or stdin (see read_input), or the exit code to stop with: a usage
/// error for input that cannot be read, 2 with a 90005 error for input over the body limit.
inline std::optional<int> load_body(const std::vector<std::string>& args, std::size_t index, std::string& body) {
    std::string why;
    const auto failure = read_input(args, index, body, why);
    if (!failure) return std::nullopt;
    if (*failure == input_failure::unreadable) return usage_error(why);
    print_error(make_error(code::local_limit_exceeded, error_origin::decode, "", why));
    return exit_undecodable;
}

/// "--name value" options and positional arguments, in one pass.
struct parsed_arguments {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;
    std::vector<std::string> flags;
    std::string unknown_option; ///< the first "--x" that is neither a valued option nor a known flag

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

/// Splits args (after the subcommand) by the names that take a value and the flags; any other "--x" is kept as
/// unknown_option, for the caller to refuse (a misspelt option must not be silently ignored).
inline std::optional<parsed_arguments> parse_arguments(const std::vector<std::string>& args, std::size_t from,
                                                       const std::vector<std::string>& valued,
                                                       const std::vector<std::string>& known_flags = {}) {
    parsed_arguments out;
    for (std::size_t i = from; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
            const bool takes_value = std::find(valued.begin(), valued.end(), arg) != valued.end();
            if (!takes_value) {
                const bool known = std::find(known_flags.begin(), known_flags.end(), arg) != known_flags.end();
                if (!known && out.unknown_option.empty()) out.unknown_option = arg;
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
