// A transport in 30 lines: anything with `result<http_response> send(const http_request&)` will do. This one
// logs each exchange (with the usersig redacted) and hands it to the emulator; yours would call your HTTP stack.
#include "example_support.hpp"

struct logging_transport {
    tcchat::emulation::emulator* service;

    tcchat::result<tcchat::http_response> send(const tcchat::http_request& request) {
        std::cout << "POST " << tcchat::redact_usersig(request.url) << "\n     " << request.body << "\n";
        if (request.url.find("get_list") != std::string::npos) // pretend the network failed once
            return tcchat::make_error(tcchat::code::transport_failed, tcchat::error_origin::transport, "", "connection reset");
        tcchat::http_response response = service->handle(request.url, request.body);
        std::cout << "  -> " << response.status << " " << response.body << "\n";
        return response;
    }
};
static_assert(tcchat::assert_transport<logging_transport>()); // names the missing member if the shape is wrong

int main() {
    tcchat::emulation::emulator service(example::emulator_settings());
    auto settings = example::client_settings();
    settings.retry.max_attempts = 1;
    tcchat::client<logging_transport> chat(logging_transport{&service}, settings);
    example::show("get_contact_group", chat.call(tcchat::get_contact_group_request{"user0", 0}));
    example::show("get_list", chat.call(tcchat::get_list_request{"user0"}));
}
