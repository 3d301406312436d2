// The HTTP layer of `tcchat serve` (tools/serve_session.hpp) fed raw bytes: the input is what a client sends on
// one connection, in 1 to 8 writes (how many, and where they split, come from the input's first byte), then the
// client half-closes and reads everything until the server closes. No listener: the session runs on one end of a
// socketpair, the same code as on TCP. What must hold:
//   - every answer is well-formed HTTP/1.x with exactly one Content-Length, followed by that many body bytes
//     (none for a HEAD request, whose answer carries the length a GET would get); a 100 Continue comes only
//     before the final answer to an HTTP/1.1 request;
//   - each answer has its own log line (a served request or a rejection), so there are never more answers than
//     requests; after an answer that closes the connection (every rejection does) nothing more is sent;
//   - the read buffer never holds more than its bound (the header limit plus a chunk line's allowance), far
//     under the body limit plus the header limit;
//   - the log is printable ASCII and no usersig value reaches it: every usersig parameter reads REDACTED.
#include "harness_support.hpp"

#include "serve_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using tcchat_fuzz::require;

namespace {

namespace asio = boost::asio;
using local_stream = boost::beast::basic_stream<asio::local::stream_protocol>;

constexpr std::size_t body_limit = 1024;
const std::string openapi_stand_in = R"({"openapi":"3.0.3","paths":{}})";

/// Cuts `input` into 1 to 8 pieces; the first byte chooses how many and seeds where the cuts go.
std::vector<std::string_view> pieces_of(std::string_view input) {
    if (input.empty()) return {};
    const unsigned count = 1 + static_cast<unsigned char>(input[0]) % 8;
    std::uint32_t state = static_cast<unsigned char>(input[0]) * 2654435761u + 1;
    std::vector<std::string_view> out;
    for (unsigned i = 1; i < count && input.size() > 1; ++i) {
        state = state * 1664525u + 1013904223u;
        const std::size_t cut = 1 + (state >> 8) % (input.size() - 1);
        out.push_back(input.substr(0, cut));
        input.remove_prefix(cut);
    }
    out.push_back(input);
    return out;
}

/// The client's side of the connection: writes the pieces in order, half-closes, reads until the server closes.
class client {
public:
    client(asio::local::stream_protocol::socket socket, std::vector<std::string_view> pieces)
        : socket_(std::move(socket)), pieces_(std::move(pieces)) {}

    void start() {
        write_next(0);
        read_more();
    }

    const std::string& received() const noexcept { return received_; }

private:
    void write_next(std::size_t index) {
        if (index == pieces_.size()) {
            boost::system::error_code ignored;
            socket_.shutdown(asio::socket_base::shutdown_send, ignored);
            return;
        }
        asio::async_write(socket_, asio::buffer(pieces_[index].data(), pieces_[index].size()),
                          [this, index](boost::system::error_code ec, std::size_t) {
                              if (ec) return; // the server closed first: what it answered is still read
                              write_next(index + 1);
                          });
    }

    void read_more() {
        socket_.async_read_some(asio::buffer(chunk_), [this](boost::system::error_code ec, std::size_t got) {
            received_.append(chunk_.data(), got);
            if (ec) {
                boost::system::error_code ignored;
                socket_.close(ignored);
                return;
            }
            read_more();
        });
    }

    asio::local::stream_protocol::socket socket_;
    std::vector<std::string_view> pieces_;
    std::array<char, 4096> chunk_{};
    std::string received_;
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

struct log_line {
    bool rejection = false;
    bool head = false;
    unsigned status = 0;
};

/// The log's lines, each checked: printable, ours, and with every usersig parameter redacted.
std::vector<log_line> read_log(const std::string& log) {
    for (const char c : log) {
        const auto byte = static_cast<unsigned char>(c);
        require(c == '\n' || (byte >= 0x20 && byte <= 0x7e), "the log is printable ASCII");
    }
    std::vector<log_line> lines;
    std::string_view rest = log;
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        require(newline != std::string_view::npos, "the log ends with a whole line");
        std::string_view text = rest.substr(0, newline);
        rest.remove_prefix(newline + 1);
        constexpr std::string_view prefix = "tcchat serve: fuzz-peer ";
        require(text.substr(0, prefix.size()) == prefix, "every log line names the connection");
        text.remove_prefix(prefix.size());
        log_line line;
        if (text.substr(0, 14) == "rejected with ") {
            line.rejection = true;
            line.status = static_cast<unsigned>(std::stoul(std::string(text.substr(14, 3))));
        } else {
            // "<METHOD> <target> -> <status> ErrorCode ..."
            const auto space = text.find(' ');
            const auto arrow = text.find(" -> ");
            require(space != std::string_view::npos && arrow != std::string_view::npos && arrow >= space, "a request line reads METHOD TARGET -> STATUS");
            line.head = text.substr(0, space) == "HEAD";
            line.status = static_cast<unsigned>(std::stoul(std::string(text.substr(arrow + 4, 3))));
            const std::string_view target = text.substr(space + 1, arrow - space - 1);
            const auto question = target.find('?');
            std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
            while (question != std::string_view::npos) {
                const auto amp = query.find('&');
                const std::string_view pair = query.substr(0, amp);
                const auto eq = pair.find('=');
                if (eq != std::string_view::npos && iequals(pair.substr(0, eq), "usersig"))
                    require(pair.substr(eq + 1) == "REDACTED", "no usersig value reaches the log");
                if (amp == std::string_view::npos) break;
                query.remove_prefix(amp + 1);
            }
        }
        lines.push_back(line);
    }
    return lines;
}

struct answer {
    unsigned status = 0;
    bool closes = false;
};

/// Reads one answer's header from `out`; the body is left for the caller, who knows whether there is one.
answer read_answer_header(std::string_view& out, std::size_t& content_length) {
    require(out.size() >= 13 && (out.substr(0, 9) == "HTTP/1.1 " || out.substr(0, 9) == "HTTP/1.0 "), "an answer starts with HTTP/1.x");
    answer a;
    for (std::size_t i = 9; i < 12; ++i) require(out[i] >= '0' && out[i] <= '9', "a three-digit status");
    a.status = static_cast<unsigned>(std::stoul(std::string(out.substr(9, 3))));
    const auto end = out.find("\r\n\r\n");
    require(end != std::string_view::npos, "an answer's header ends with an empty line");
    std::string_view fields = out.substr(0, end + 2);
    fields.remove_prefix(fields.find("\r\n") + 2);
    out.remove_prefix(end + 4);
    int lengths = 0;
    while (!fields.empty()) {
        const auto line_end = fields.find("\r\n");
        const std::string_view field = fields.substr(0, line_end);
        fields.remove_prefix(line_end + 2);
        const auto colon = field.find(": ");
        require(colon != std::string_view::npos && colon > 0, "a header field reads NAME: VALUE");
        const std::string_view name = field.substr(0, colon), value = field.substr(colon + 2);
        if (iequals(name, "Content-Length")) {
            ++lengths;
            require(!value.empty() && value.size() < 10 && value.find_first_not_of("0123456789") == std::string_view::npos,
                    "Content-Length is a decimal number");
            content_length = static_cast<std::size_t>(std::stoul(std::string(value)));
        }
        if (iequals(name, "Connection") && iequals(value, "close")) a.closes = true;
    }
    require(lengths == (a.status == 100 ? 0 : 1), "a final answer has exactly one Content-Length, an interim one none");
    return a;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = tcchat_fuzz::as_text(data, size);
    tcchat::emulation::emulator_options options;
    options.page_size = 2;
    options.call_log_limit = 0;
    options.clock = [] { return std::int64_t{1700000000}; };
    options.decoding.max_body_bytes = body_limit;
    tcchat::emulation::emulator service(options);
    std::ostringstream log_text;
    tcchat::cli::server_log log(false, log_text);
    const tcchat::cli::server_context context{service, log, body_limit, std::chrono::seconds(2), openapi_stand_in, nullptr};

    asio::io_context io;
    asio::local::stream_protocol::socket client_end(io), server_end(io);
    asio::local::connect_pair(client_end, server_end);
    auto session = std::make_shared<tcchat::cli::session<local_stream>>(local_stream(std::move(server_end)), context, "fuzz-peer");
    session->start();
    client peer(std::move(client_end), pieces_of(input));
    peer.start();
    io.run();

    require(session->read_buffer_capacity() <= tcchat::cli::read_buffer_limit, "the read buffer stays within its bound");
    require(tcchat::cli::read_buffer_limit < body_limit + tcchat::cli::request_header_limit + 8192, "the bound is small");

    const std::vector<log_line> lines = read_log(log_text.str());
    std::string_view out = peer.received();
    std::size_t answered = 0;
    bool closed = false;
    while (!out.empty()) {
        require(!closed, "nothing follows an answer that closes the connection");
        std::size_t length = 0;
        const answer a = read_answer_header(out, length);
        if (a.status == 100) continue; // interim: the final answer to the same request follows
        require(answered < lines.size(), "every answer has its log line: never more answers than requests");
        const log_line& line = lines[answered++];
        require(a.status == line.status, "the answer's status is the one logged");
        require(a.status >= 200 && a.status <= 599, "a final status is 2xx to 5xx");
        if (line.head) length = 0; // HEAD: the length of a GET's body, and no body
        require(out.size() >= length, "the body is as long as its Content-Length");
        out.remove_prefix(length);
        if (line.rejection) require(a.closes, "a rejection closes the connection");
        closed = a.closes;
    }
    // A request still being read when the client left has a log line only if it was rejected, and then an answer.
    require(answered == lines.size(), "every logged request was answered");
    return 0;
}
