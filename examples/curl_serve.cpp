// The libcurl transport against a real HTTP server: `tcchat serve`, the emulator on loopback. Run it as
//     tcchat serve --port 0 --fixed-time 1764000000 &      # prints "listening on http://127.0.0.1:PORT"
//     example_curl_serve http://127.0.0.1:PORT
// ctest does exactly that (examples/run_with_serve.sh). Against the real service, use region_base_url().
#include "example_support.hpp"

#include <tcchat/transport/curl.hpp>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " BASE_URL (e.g. http://127.0.0.1:8080 from `tcchat serve`)\n";
        return 2;
    }
    auto settings = example::client_settings();
    settings.base_url = argv[1];
    tcchat::curl_options http;
    http.connect_timeout = std::chrono::seconds(2); // loopback: fail fast if nothing listens
    tcchat::client<tcchat::curl_transport> chat(tcchat::curl_transport(http), settings);

    example::show("create_contact_group over HTTP",
                  chat.call(tcchat::create_contact_group_request::for_group(
                      "user0", "friends", {tcchat::contact_item::c2c("user1"), tcchat::contact_item::group("@TGS#team")})));
    const auto peer = tcchat::contact_item::c2c("user1");
    example::show("mark_contact over HTTP (bits 0 and 35)",
                  chat.call(tcchat::mark_contact_request{"user0", {tcchat::mark_item::set(peer, {tcchat::mark_bit::favorite, tcchat::customer_bit{3}})}}));
    for (const auto& page : chat.pages(tcchat::get_contact_group_request{"user0", 0}))
        example::show("get_contact_group page over HTTP", page);
    example::show("del_contact_group of an unknown group over HTTP (a server error code)",
                  chat.call(tcchat::del_contact_group_request::for_group("user0", "nope")));
}
