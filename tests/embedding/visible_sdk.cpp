// A shared library that embeds tcchat and is built with -fvisibility=hidden: it exports its own entry point,
// and none of tcchat's symbols (tests/embedding/run.sh checks `nm -D`).
#include <tcchat.hpp>
#include <tcchat/emulator.hpp>

extern "C" __attribute__((visibility("default"))) int sdk_entry_point() {
    tcchat::emulation::emulator service;
    tcchat::client_options options;
    options.identity = {1400000000, "admin"};
    options.usersig = tcchat::fixed_usersig("s");
    tcchat::client<tcchat::emulation::in_memory_transport> chat(tcchat::emulation::in_memory_transport(service), options);
    const auto page = chat.call(tcchat::get_contact_group_request{"user0", 0});
    return page ? 0 : 1;
}
