#pragma once
// Opt-in libcurl transport (the only tcchat header that includes curl). Link CURL::libcurl.
//
// Thread-safety: one curl_transport is shared by any number of threads, and their calls run in parallel. It keeps
// a pool of easy handles that share one CURLSH: the connection cache (docs/protocol.md §1.3 asks for long
// connections), DNS and TLS sessions. At most max_connections exchanges run at once; further calls wait in FIFO
// order, at most max_waiting of them, and past that fail at once (90001). No lock is held across an exchange.
// curl_global_init runs once, on first construction.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/transport.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

TCCHAT_NAMESPACE_BEGIN

/// Settings of curl_transport: TLS verification, CA bundle, connect timeout, the response size cap and the pool.
struct curl_options {
    bool verify_peer = true;                       ///< TLS peer and host verification
    std::optional<std::string> ca_file;            ///< PEM bundle; default: the system store
    std::chrono::milliseconds connect_timeout{3000};
    std::size_t max_response_bytes = TCCHAT_MAX_BODY_BYTES;
    std::size_t max_connections = 16; ///< exchanges (so sockets) at once; further calls wait in FIFO order
    std::size_t max_waiting = 4096;   ///< calls waiting for one; one more fails at once with 90001
};

/// A blocking transport over a pool of libcurl easy handles that share connections, DNS and TLS sessions.
class curl_transport {
public:
    /// Runs curl_global_init once per process and creates the share; easy handles are made as calls need them.
    explicit curl_transport(curl_options options = {}) : state_(std::make_unique<state>()) {
        static std::once_flag global_init;
        std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        state_->options = std::move(options);
        state_->options.max_connections = std::max<std::size_t>(1, state_->options.max_connections);
        state_->share = curl_share_init();
        if (state_->share != nullptr) {
            curl_share_setopt(state_->share, CURLSHOPT_LOCKFUNC, &state::lock);
            curl_share_setopt(state_->share, CURLSHOPT_UNLOCKFUNC, &state::unlock);
            curl_share_setopt(state_->share, CURLSHOPT_USERDATA, state_.get());
            for (const curl_lock_data shared : {CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION})
                curl_share_setopt(state_->share, CURLSHOPT_SHARE, shared);
        }
    }

    /// Takes over the pool; the moved-from transport answers every send with 90001.
    curl_transport(curl_transport&&) noexcept = default;
    /// Takes over `other`'s pool, cleaning up this one's; `other` answers every send with 90001.
    curl_transport& operator=(curl_transport&&) noexcept = default;

    /// POSTs the request with its headers and timeout; any HTTP status is a value; failures: 90001, 90003, 90005.
    /// Blocks first while max_connections exchanges are running.
    [[nodiscard]] result<http_response> send(const http_request& request) {
        if (!state_) return failure(code::transport_failed, "this curl_transport was moved from");
        if (state_->share == nullptr) return failure(code::transport_failed, "curl_share_init failed");
        auto lease = state_->acquire();
        if (!lease) return failure(code::transport_failed, std::move(lease.error().message));
        CURL* curl = lease->handle;
        curl_easy_reset(curl); // options reset; the shared connection cache survives, so keep-alive still works
        curl_easy_setopt(curl, CURLOPT_SHARE, state_->share);

        body_sink sink{{}, state_->options.max_response_bytes, false};
        char error_text[CURL_ERROR_SIZE] = {};
        curl_slist* headers = nullptr;
        for (const auto& h : request.headers)
            headers = curl_slist_append(headers, std::string(h.name).append(": ").append(h.value).c_str());
        headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip for larger bodies
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);

        curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
        // Only HTTP: gopher://, dict:// or file:// would carry the UserSig and raw bytes to any port or file.
#if LIBCURL_VERSION_NUM >= 0x075500 // 7.85 named the protocols by string and deprecated the bit masks
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(state_->options.connect_timeout.count()));
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // safe in multi-threaded programs
        curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, state_->options.verify_peer ? 1L : 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, state_->options.verify_peer ? 2L : 0L);
        if (state_->options.ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, state_->options.ca_file->c_str());
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &body_sink::write);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);

        const CURLcode status = curl_easy_perform(curl);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr); // error_text ends with this call
        if (sink.overflowed)
            return failure(code::local_limit_exceeded,
                           "response body exceeds " + std::to_string(state_->options.max_response_bytes) + " bytes");
        if (status != CURLE_OK) {
            // The error text names the host at most, never the query; the client redacts it once more.
            const std::string detail = error_text[0] != '\0' ? error_text : curl_easy_strerror(status);
            return failure(status == CURLE_OPERATION_TIMEDOUT ? code::timeout : code::transport_failed,
                           "libcurl: " + detail);
        }
        long http_status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
        return http_response{static_cast<int>(http_status), std::move(sink.body)};
    }

private:
    struct body_sink {
        std::string body;
        std::size_t limit;
        bool overflowed;

        static size_t write(char* data, size_t size, size_t count, void* self) {
            auto& sink = *static_cast<body_sink*>(self);
            const size_t bytes = size * count;
            if (sink.body.size() + bytes > sink.limit) {
                sink.overflowed = true;
                return 0; // makes libcurl abort the transfer
            }
            sink.body.append(data, bytes);
            return bytes;
        }
    };

    /// The pool belongs to the state, so a move (construction or assignment) hands it over and the state that
    /// is replaced or destroyed cleans its own up: the easy handles first, then the share they use.
    struct state {
        curl_options options;
        CURLSH* share = nullptr;
        std::array<std::mutex, CURL_LOCK_DATA_LAST> shared_data; ///< one lock per kind of data the handles share
        std::mutex mutex;                                        ///< guards what follows; never held across an exchange
        std::condition_variable handle_freed;
        std::vector<CURL*> idle;           ///< handles no exchange is using
        std::size_t handles = 0;           ///< made so far, at most options.max_connections
        std::deque<std::uint64_t> waiting; ///< tickets of the calls waiting for a handle, first come first served
        std::uint64_t last_ticket = 0;

        /// A handle for one exchange, given back to the pool when the lease ends.
        struct lease {
            state* owner;
            CURL* handle;
            /// `h`, taken from `o`'s pool.
            lease(state* o, CURL* h) : owner(o), handle(h) {}
            /// Takes over the handle; `other` gives nothing back.
            lease(lease&& other) noexcept : owner(std::exchange(other.owner, nullptr)), handle(other.handle) {}
            lease& operator=(lease&&) = delete;
            ~lease() {
                if (owner != nullptr) owner->give_back(handle);
            }
        };

        /// Waits in line for a free handle (or room for a new one); fails at once when the line is full.
        result<lease> acquire() {
            std::unique_lock<std::mutex> lock(mutex);
            const bool free = !idle.empty() || handles < options.max_connections;
            if (!free && waiting.size() >= options.max_waiting)
                return failure(code::transport_failed, std::to_string(waiting.size()) + " calls already wait for one of the " +
                                                           std::to_string(options.max_connections) +
                                                           " connections (curl_options::max_waiting)");
            const std::uint64_t ticket = ++last_ticket;
            waiting.push_back(ticket);
            handle_freed.wait(lock, [&] { return waiting.front() == ticket && (!idle.empty() || handles < options.max_connections); });
            waiting.pop_front();
            CURL* handle = nullptr;
            if (!idle.empty()) {
                handle = idle.back();
                idle.pop_back();
            } else if ((handle = curl_easy_init()) != nullptr) {
                ++handles;
            }
            handle_freed.notify_all(); // the next in line may go too, if another handle is free
            if (handle == nullptr) return failure(code::transport_failed, "curl_easy_init failed");
            return lease(this, handle);
        }

        void give_back(CURL* handle) {
            const std::lock_guard<std::mutex> lock(mutex);
            idle.push_back(handle);
            handle_freed.notify_all(); // under the lock: a waiter may destroy nothing, but keep one rule for both
        }

        static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
            static_cast<state*>(self)->shared_data[static_cast<std::size_t>(data)].lock();
        }
        static void unlock(CURL*, curl_lock_data data, void* self) {
            static_cast<state*>(self)->shared_data[static_cast<std::size_t>(data)].unlock();
        }

        state() = default;
        state(const state&) = delete;
        state& operator=(const state&) = delete;
        ~state() {
            for (CURL* handle : idle) curl_easy_cleanup(handle);
            if (share != nullptr) curl_share_cleanup(share);
        }
    };

    static error failure(code c, std::string message) {
        return make_error(c, error_origin::transport, "", std::move(message));
    }

    std::unique_ptr<state> state_;
};

TCCHAT_NAMESPACE_END
