#pragma once
// What every example shares: an emulator-backed client with a fixed clock and traceable random values,
// so that the output is the same on every run and can be checked against examples/expected/.

#include <tcchat.hpp>
#include <tcchat/emulator.hpp>

#include <iostream>
#include <memory>

namespace example {

constexpr std::uint32_t sdkappid = 1400000000;

inline tcchat::emulation::emulator_options emulator_settings(std::size_t page_size = 100) {
    tcchat::emulation::emulator_options options;
    options.page_size = page_size;
    options.clock = [] { return std::int64_t{1764000000}; };
    return options;
}

inline tcchat::client_options client_settings() {
    tcchat::client_options options;
    options.base_url = "https://console.tim.qq.com";
    options.identity = {sdkappid, "administrator"};
    options.usersig = tcchat::fixed_usersig("emulator-accepts-any-usersig");
    options.random = [next = std::make_shared<std::uint32_t>(1000)] { return ++*next; };
    return options;
}

/// Prints the outcome of a call: the response as JSON, or the error with its code and pointer.
template <class Response>
void show(const char* what, const tcchat::result<Response>& outcome) {
    std::cout << "== " << what << "\n";
    if (outcome) {
        std::cout << "   " << tcchat::encode(*outcome) << "\n";
        for (const auto& failure : tcchat::failed_items(*outcome))
            std::cout << "   item failed: " << failure.pointer << " code " << failure.code << "\n";
    } else {
        const tcchat::error& e = outcome.error();
        std::cout << "   error " << e.value() << " (" << tcchat::find_code(e.value())->name << ")"
                  << (e.pointer.empty() ? "" : " at " + e.pointer) << ": " << e.message << "\n";
    }
}

} // namespace example
