// A bounded load test of `tcchat serve` on loopback: client threads, each on one keep-alive connection, send a
// mix of reads and writes for a few seconds. No request may fail, and the server's resident memory must not
// grow past what the emulator's call log needs (emulator::calls() keeps one entry per request, by design).
// Prints requests per second and latency percentiles; bench/serve_load.md records measured numbers.
//
// TCCHAT_SERVE_LOAD_SECONDS (default 5) sets the measured time, TCCHAT_SERVE_LOAD_THREADS (default 4) the clients.

#include "serve_harness.hpp"

#include <tcchat/url.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>

namespace {

using namespace tcchat::test;

int setting(const char* name, int fallback) {
    const char* text = std::getenv(name);
    return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

/// The requests one client cycles through, for its own user so that clients do not share state.
std::vector<std::pair<std::string, std::string>> request_mix(const std::string& user) {
    auto target = [](std::string_view command) {
        return tcchat::build_url("", command, {1400000000, "admin", "load-sig", 1});
    };
    const std::string from = R"({"From_Account":")" + user + R"(",)";
    return {
        {target("get_contact_group"), from + R"("StartIndex":0})"},
        {target("search_contact_group"), from + R"("ContactItem":[{"Type":1,"To_Account":"peer1"}]})"},
        {target("get_list"), from + R"("TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":7})"},
        {target("mark_contact"),
         from + R"("MarkItem":[{"OptType":1,"ContactItem":{"Type":1,"To_Account":"peer2"},"SetMark":[5]}]})"},
    };
}

/// A seed that gives every client's user a group and a few conversations.
std::string seed_for(int clients) {
    boost::json::array calls, conversations;
    for (int i = 0; i < clients; ++i) {
        const std::string user = "load-user" + std::to_string(i);
        const std::string create = R"({"From_Account":")" + user +
                                   R"(","GroupContactItem":[{"GroupName":"g","ContactItem":[{"Type":1,"To_Account":"peer1"}]}]})";
        calls.push_back(boost::json::object{{"command", "create_contact_group"}, {"body", boost::json::parse(create)}});
        for (int peer = 0; peer < 10; ++peer)
            conversations.push_back(boost::json::object{
                {"user", user}, {"Type", 1}, {"peer", "p" + std::to_string(peer)}, {"MsgTime", 1700000000 + peer}});
    }
    return boost::json::serialize(boost::json::object{{"calls", calls}, {"conversations", conversations}});
}

struct client_record {
    std::chrono::steady_clock::time_point sent;
    double latency_ms;
};

} // namespace

TEST_CASE("serve: keep-alive load has no errors and no memory growth", "[serve][load]") {
    using clock = std::chrono::steady_clock;
    const int clients = setting("TCCHAT_SERVE_LOAD_THREADS", 4);
    const auto measured = std::chrono::seconds(setting("TCCHAT_SERVE_LOAD_SECONDS", 5));
    const auto warm_up = 2s;

    scratch_file seed("serve-load-seed", seed_for(clients));
    served_emulator server({"--quiet", "--seed", seed.path()}, {small_asan_quarantine()});

    std::atomic<bool> stop{false};
    std::atomic<long> errors{0};
    std::mutex first_error_mutex;
    std::string first_error;
    std::vector<std::vector<client_record>> records(static_cast<std::size_t>(clients));
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            auto fail = [&](const std::string& why) {
                errors.fetch_add(1);
                const std::lock_guard<std::mutex> lock(first_error_mutex);
                if (first_error.empty()) first_error = why;
            };
            const auto mix = request_mix("load-user" + std::to_string(i));
            auto& mine = records[static_cast<std::size_t>(i)];
            mine.reserve(400000);
            try {
                http_connection connection(server.port());
                for (std::size_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
                    const auto& [target, body] = mix[n % mix.size()];
                    const auto sent = clock::now();
                    const http_reply reply = connection.post(target, body);
                    mine.push_back({sent, std::chrono::duration<double, std::milli>(clock::now() - sent).count()});
                    if (reply.status != 200 || reply.body.find(R"("ErrorCode":0,)") == std::string::npos)
                        fail(target + " -> " + std::to_string(reply.status) + " " + reply.body);
                }
            } catch (const std::exception& e) {
                fail(e.what());
            }
        });
    }

    std::this_thread::sleep_for(warm_up);
    const long rss_after_warm_up = server.process().resident_kib();
    const auto window_start = clock::now();
    std::this_thread::sleep_for(measured);
    const auto window_end = clock::now();
    const long rss_at_end = server.process().resident_kib();
    stop = true;
    for (auto& thread : threads) thread.join();

    std::vector<double> latencies; // of the requests sent between the two VmRSS readings
    for (const auto& mine : records)
        for (const auto& record : mine)
            if (record.sent >= window_start && record.sent < window_end) latencies.push_back(record.latency_ms);
    REQUIRE_FALSE(latencies.empty());
    std::sort(latencies.begin(), latencies.end());
    const auto percentile = [&](double p) {
        return latencies[static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1))];
    };
    const double seconds = std::chrono::duration<double>(window_end - window_start).count();
    std::printf("serve load: %d keep-alive clients, %zu requests in %.1f s: %.0f requests/s; latency p50 %.3f ms, "
                "p99 %.3f ms, max %.3f ms; server VmRSS %ld KiB after warm-up, %ld KiB at the end\n",
                clients, latencies.size(), seconds, static_cast<double>(latencies.size()) / seconds, percentile(0.50),
                percentile(0.99), latencies.back(), rss_after_warm_up, rss_at_end);

    INFO("first error: " << first_error);
    CHECK(errors == 0);
    // emulator::calls() keeps an 80-byte record of every call, in a vector that doubles: measured at about 90 bytes
    // per request (190 under AddressSanitizer), and flat when the record is left out. Beyond that budget, 8 MiB of
    // slack for allocator caches.
    const long allowed_growth_kib = 8 * 1024 + static_cast<long>(latencies.size() * 256 / 1024);
    INFO("VmRSS grew by " << (rss_at_end - rss_after_warm_up) << " KiB; allowed " << allowed_growth_kib << " KiB");
    CHECK(rss_at_end - rss_after_warm_up <= allowed_growth_kib);
}
