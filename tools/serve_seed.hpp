#pragma once
// `tcchat serve --seed FILE`: state and faults preloaded into the emulator from a JSON file (format in
// `tcchat serve --help`).

#include <tcchat/emulator.hpp>

#include <optional>
#include <string>

namespace tcchat::cli {

/// Reads the seed file and applies it to `service`; answers the problem (with the JSON Pointer of the member at
/// fault), if any. Nothing after the first problem is applied.
std::optional<std::string> load_seed(emulation::emulator& service, const std::string& path);

} // namespace tcchat::cli
