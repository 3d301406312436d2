#pragma once
// `tcchat serve`: the emulator behind a loopback HTTP/1.1 server (Boost.Beast).

#include <string>
#include <vector>

namespace tcchat::cli {

/// args[0] is "serve"; returns the process exit code.
int run_serve(const std::vector<std::string>& args);

} // namespace tcchat::cli
