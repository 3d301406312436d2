// Separate compilation (README "Install"): this TU only declares the documented messages' codec and
// validator (TCCHAT_SEPARATE_COMPILATION); src.cpp compiles them. The program runs a client call against the
// emulator and a decode/validate/encode round trip, so a missing or mismatched instantiation fails to link
// or to run. CMake also checks this object's symbols: decode is referenced here, never defined.
#define TCCHAT_SEPARATE_COMPILATION
#include <tcchat.hpp>
#include <tcchat/emulator.hpp>

#include <cstdio>

int main() {
    tcchat::emulation::emulator service;
    tcchat::client_options options;
    options.identity = {1400000000, "administrator"};
    options.usersig = tcchat::fixed_usersig("any");
    tcchat::client<tcchat::emulation::in_memory_transport> chat(tcchat::emulation::in_memory_transport(service), options);
    auto created = chat.call(tcchat::create_contact_group_request{"user0", {{"g", {{tcchat::conversation_type::c2c, "a"}}}}});
    const std::string text = R"({"From_Account":"u","Type":2,"ToGroupid":"@TGS#1","ClearRamble":1})";
    auto request = tcchat::decode<tcchat::delete_request>(text);
    const bool ok = created && (*created->GroupResultItem)[0].GroupItem.GroupId == 1 && request &&
                    tcchat::validate(*request).ok() && tcchat::encode(*request) == text;
    std::puts(ok ? "separate compilation: ok" : "separate compilation: FAILED");
    return ok ? 0 : 1;
}
