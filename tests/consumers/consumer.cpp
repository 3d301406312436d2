// One program for every integration style: encode, validate and decode a request and a response, then make a
// call against the emulator.
#include <tcchat/tcchat.hpp>
#include <tcchat/emulator.hpp>

#include <cstdio>

int main() {
    const tcchat::get_contact_group_request request{"user0", 0};
    const std::string body = tcchat::encode(request);
    auto decoded_request = tcchat::decode<tcchat::get_contact_group_request>(body);
    if (!decoded_request || !tcchat::validate(*decoded_request).ok()) return 1;

    auto response = tcchat::decode<tcchat::get_contact_group_response>(
        R"({"ContactItem":[{"Type":2,"ToGroupId":"@TGS#1","StandardMark":"","Timestamp":1}],"CompleteFlag":1,"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})");
    if (!response || response->ContactItem->size() != 1) return 2;

    tcchat::emulation::emulator service;
    tcchat::client_options options;
    options.identity = {1400000000, "admin"};
    options.usersig = tcchat::fixed_usersig("any");
    tcchat::client<tcchat::emulation::in_memory_transport> chat(tcchat::emulation::in_memory_transport(service), options);
    auto created = chat.call(tcchat::create_contact_group_request{"user0", {{"friends", {{tcchat::conversation_type::c2c, "alice"}}}}});
    if (!created || (*created->GroupResultItem)[0].GroupItem.GroupId != 1) return 3;
    std::printf("consumer ok: %s\n", body.c_str());
    return 0;
}
