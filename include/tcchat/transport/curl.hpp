#pragma once
// Opt-in libcurl transport (the only tcchat header that includes curl). Link CURL::libcurl.
//
// Thread-safety: one curl_transport owns one easy handle and serialises its calls with a mutex; the handle
// keeps its connection alive between calls (docs/protocol.md §1.3 asks for long connections). For parallel calls, give
// each thread its own curl_transport. curl_global_init runs once, on first construction.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/transport.hpp>

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

TCCHAT_NAMESPACE_BEGIN

/// Settings of curl_transport: TLS verification, CA bundle, connect timeout and the response size cap.
struct curl_options {
    bool verify_peer = true;                       ///< TLS peer and host verification
    std::optional<std::string> ca_file;            ///< PEM bundle; default: the system store
    std::chrono::milliseconds connect_timeout{3000};
    std::size_t max_response_bytes = TCCHAT_MAX_BODY_BYTES;
};

/// A blocking transport over one libcurl easy handle, its calls serialised by a mutex.
class curl_transport {
public:
    /// Runs curl_global_init once per process and creates the easy handle; if that fails, send() says so.
    explicit curl_transport(curl_options options = {}) : state_(std::make_unique<state>()) {
        static std::once_flag global_init;
        std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        state_->options = std::move(options);
        state_->handle = curl_easy_init();
    }

    /// Takes over the handle; the moved-from transport answers every send with 90001.
    curl_transport(curl_transport&&) noexcept = default;
    /// Takes over `other`'s handle, cleaning up this one's; `other` answers every send with 90001.
    curl_transport& operator=(curl_transport&&) noexcept = default;


    /// POSTs the request with its headers and timeout; any HTTP status is a value; failures: 90001, 90003, 90005.
    result<http_response> send(const http_request& request) {
        if (!state_) return failure(code::transport_failed, "this curl_transport was moved from");
        std::lock_guard<std::mutex> lock(state_->mutex);
        CURL* curl = state_->handle;
        if (curl == nullptr) return failure(code::transport_failed, "curl_easy_init failed");
        curl_easy_reset(curl); // options reset; the connection cache survives, so keep-alive still works

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

    /// The handle belongs to the state, so a move (construction or assignment) hands it over and the state
    /// that is replaced or destroyed cleans its own up.
    struct state {
        CURL* handle = nullptr;
        curl_options options;
        std::mutex mutex;

        state() = default;
        state(const state&) = delete;
        state& operator=(const state&) = delete;
        ~state() {
            if (handle != nullptr) curl_easy_cleanup(handle);
        }
    };

    static error failure(code c, std::string message) {
        return make_error(c, error_origin::transport, "", std::move(message));
    }

    std::unique_ptr<state> state_;
};

TCCHAT_NAMESPACE_END
