#pragma once
// A loopback client that sends bytes as they are and reads what comes back as bytes, for tests that look at the
// exact framing of serve's answers (a Content-Length without a body, an interim 100 Continue) or that stream an
// attack and stop as soon as the server answers.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tcchat::test {

class raw_client {
public:
    explicit raw_client(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            if (fd_ >= 0) ::close(fd_);
            throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
        }
    }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;
    ~raw_client() { ::close(fd_); }

    /// Sends everything; false when the server closed or reset the connection first.
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(sent));
        }
        return true;
    }

    /// Whether the server has sent something (or closed) within `wait`.
    bool answered_within(std::chrono::milliseconds wait) const {
        pollfd readable{fd_, POLLIN, 0};
        return ::poll(&readable, 1, static_cast<int>(wait.count())) > 0;
    }

    /// Everything the server sends until it closes, or until `wait` passes without a byte.
    std::string read_until_closed(std::chrono::milliseconds wait = std::chrono::milliseconds(5000)) const {
        std::string out;
        char chunk[4096];
        while (answered_within(wait)) {
            const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
            if (got <= 0) break;
            out.append(chunk, static_cast<std::size_t>(got));
        }
        return out;
    }

    /// Stops sending: the server reads end of stream after what was sent.
    void finish_sending() { ::shutdown(fd_, SHUT_WR); }

private:
    int fd_;
};

/// The value of header `name` (exact case) in a raw answer, or "" when it has none.
inline std::string header_value(std::string_view answer, std::string_view name) {
    const auto end = answer.find("\r\n\r\n");
    const std::string needle = "\r\n" + std::string(name) + ": ";
    const auto at = answer.find(needle);
    if (at == std::string_view::npos || at > end) return {};
    const auto from = at + needle.size();
    return std::string(answer.substr(from, answer.find("\r\n", from) - from));
}

/// What follows the header of the first answer in `answer`.
inline std::string_view after_header(std::string_view answer) {
    const auto end = answer.find("\r\n\r\n");
    return end == std::string_view::npos ? std::string_view() : answer.substr(end + 4);
}

} // namespace tcchat::test
