// Asynchronous calls over the network with tcchat::beast_transport, against `tcchat serve` on loopback:
//     tcchat serve --port 0 --fixed-time 1764000000 &      # prints "listening on http://127.0.0.1:PORT"
//     example_beast_serve http://127.0.0.1:PORT
// ctest does exactly that (examples/run_with_serve.sh). 100 reads run at once on one io_context thread, over a
// pool of at most 4 sockets; tcchat::async_call takes any Asio completion token (a callback here).
#include "example_support.hpp"

#include <tcchat/asio.hpp>
#include <tcchat/transport/beast.hpp>

#include <boost/asio/io_context.hpp>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " BASE_URL (e.g. http://127.0.0.1:8080 from `tcchat serve`)\n";
        return 2;
    }
    boost::asio::io_context io;
    auto settings = example::client_settings();
    settings.base_url = argv[1];
    settings.schedule = tcchat::asio_scheduler(io.get_executor()); // backoff waits on Asio timers
    tcchat::beast_options pool;
    pool.max_connections_per_host = 4;
    pool.connect_timeout = std::chrono::seconds(2); // loopback: fail fast if nothing listens
    tcchat::client<tcchat::beast_transport> chat(tcchat::beast_transport(io, pool), settings);

    tcchat::async_call(chat,
                       tcchat::create_contact_group_request::for_group("user0", "friends",
                                                                       {tcchat::contact_item::c2c("user1"), tcchat::contact_item::c2c("user2")}),
                       [](tcchat::result<tcchat::create_contact_group_response> created) {
                           example::show("create_contact_group over beast_transport", created);
                       });
    io.run(); // returns once the call has completed: pooled idle sockets hold no work

    int pages = 0, groups = 0;
    for (int i = 0; i < 100; ++i)
        tcchat::async_call(chat, tcchat::get_contact_group_request{"user0", 0}, [&](tcchat::result<tcchat::get_contact_group_response> page) {
            if (!page) return example::show("a read failed", page);
            ++pages;
            groups += static_cast<int>(tcchat::items(page->GroupItem).size());
        });
    io.restart();
    io.run();
    std::cout << "== 100 concurrent get_contact_group reads\n   " << pages << " pages, " << groups << " group entries\n";

    const auto stats = chat.transport().statistics();
    std::cout << "== sockets\n   at most " << pool.max_connections_per_host << ": "
              << (stats.connections_opened <= pool.max_connections_per_host ? "yes" : "no") << "\n";
}
