#pragma once
// Subcommands implemented in their own translation units.

#include <string>
#include <vector>

namespace tcchat::cli {

/// `tcchat call`: args[0] is "call".
int run_call(const std::vector<std::string>& args);

/// `tcchat usersig gen|verify`: args[0] is "usersig".
int run_usersig(const std::vector<std::string>& args);

} // namespace tcchat::cli
