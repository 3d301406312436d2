#pragma once
// What the `tcchat serve` tests share: the server as a child process that is always killed, and a small HTTP
// client whose every operation has a deadline, so a misbehaving server fails a check instead of hanging ctest.

#include <tcchat/codec.hpp>
#include <tcchat/model.hpp>
#include <tcchat/transport.hpp>
#include <tcchat/url.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace tcchat::test {

using namespace std::chrono_literals;

/// The CLI under test: TCCHAT_SERVE_BINARY overrides the path CMake compiled in (e.g. a ThreadSanitizer build).
inline std::string serve_binary() {
    if (const char* path = std::getenv("TCCHAT_SERVE_BINARY"); path != nullptr && *path != '\0') return path;
    return TCCHAT_CLI_PATH;
}

/// An environment change for the child: a value sets the variable, nullopt removes it.
using env_change = std::pair<std::string, std::optional<std::string>>;

/// A child process with its stdout on a pipe and its stderr in a file. The destructor kills it if it still runs,
/// and PR_SET_PDEATHSIG kills it if this test program dies first (a sanitizer abort, a ctest timeout).
class child_process {
public:
    child_process(std::vector<std::string> argv, const std::vector<env_change>& env_changes,
                  const std::string& stderr_path) {
        std::vector<std::string> env = environment_with(env_changes);
        std::vector<char*> argv_pointers = pointers(argv), env_pointers = pointers(env);
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        // Opened before fork: between fork and exec only async-signal-safe calls are allowed.
        const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (err < 0) {
            ::close(out[0]);
            ::close(out[1]);
            throw std::runtime_error("cannot open " + stderr_path);
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            ::dup2(out[1], STDOUT_FILENO);
            ::dup2(err, STDERR_FILENO);
            ::execve(argv_pointers[0], argv_pointers.data(), env_pointers.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err);
        if (pid_ < 0) {
            ::close(out[0]);
            throw std::runtime_error("fork failed");
        }
        stdout_ = out[0];
    }

    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    ~child_process() {
        if (!exit_status_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        if (stdout_ >= 0) ::close(stdout_);
    }

    pid_t pid() const noexcept { return pid_; }

    void send_signal(int signal_number) const {
        if (!exit_status_) ::kill(pid_, signal_number); // once reaped, the pid may belong to another process
    }

    /// One line of the child's stdout (without the newline), or nullopt at EOF or when time runs out.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (const auto newline = pending_.find('\n'); newline != std::string::npos) {
                std::string line = pending_.substr(0, newline);
                pending_.erase(0, newline + 1);
                return line;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd readable{stdout_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            char chunk[512];
            const ssize_t got = ::read(stdout_, chunk, sizeof chunk);
            if (got <= 0) return std::nullopt;
            pending_.append(chunk, static_cast<std::size_t>(got));
        }
    }

    /// The exit code (128 + signal when killed by one), or nullopt if it still runs after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!exit_status_) {
            int status = 0;
            const pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            else if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            else std::this_thread::sleep_for(10ms);
        }
        return exit_status_;
    }

    /// User plus system CPU time the process has used, from /proc/<pid>/stat.
    double cpu_seconds() const {
        std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto after_name = text.rfind(')'); // the name in parentheses may hold spaces
        if (after_name == std::string::npos) throw std::runtime_error("no stat for process " + std::to_string(pid_));
        std::istringstream fields(text.substr(after_name + 2));
        std::string field;
        long long utime = 0, stime = 0;
        for (int index = 3; fields >> field; ++index) { // field 3 is the state; 14 and 15 are utime and stime
            if (index == 14) utime = std::stoll(field);
            if (index == 15) {
                stime = std::stoll(field);
                break;
            }
        }
        return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    }

    /// VmRSS from /proc/<pid>/status, in KiB.
    long resident_kib() const {
        std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
        throw std::runtime_error("no VmRSS for process " + std::to_string(pid_));
    }

private:
    static std::vector<std::string> environment_with(const std::vector<env_change>& changes) {
        std::vector<std::string> env;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            const std::string text = *entry;
            bool changed = false;
            for (const auto& change : changes) changed = changed || text.rfind(change.first + "=", 0) == 0;
            if (!changed) env.push_back(text);
        }
        for (const auto& [name, value] : changes)
            if (value) env.push_back(name + "=" + *value);
        return env;
    }

    static std::vector<char*> pointers(std::vector<std::string>& strings) {
        std::vector<char*> out;
        for (auto& text : strings) out.push_back(text.data());
        out.push_back(nullptr);
        return out;
    }

    pid_t pid_ = -1;
    int stdout_ = -1;
    std::string pending_;
    std::optional<int> exit_status_;
};

/// A temporary file that is removed with the object.
class scratch_file {
public:
    explicit scratch_file(const std::string& stem, const std::string& contents = "") {
        std::string pattern = std::filesystem::temp_directory_path().string() + "/tcchat-" + stem + "-XXXXXX";
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        ::close(fd);
        path_ = pattern;
        std::ofstream(path_, std::ios::binary) << contents;
    }
    scratch_file(const scratch_file&) = delete;
    scratch_file& operator=(const scratch_file&) = delete;
    ~scratch_file() { ::unlink(path_.c_str()); }

    const std::string& path() const noexcept { return path_; }

    std::string contents() const {
        std::ifstream in(path_, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

private:
    std::string path_;
};

/// `tcchat serve --port 0 OPTIONS...` running: the port comes from its first stdout line, its stderr goes to a
/// scratch file that log() reads.
/// ASAN_OPTIONS for a server whose memory a test measures: the default 256 MiB quarantine of freed blocks would
/// read as growth. A server built without AddressSanitizer ignores it.
inline env_change small_asan_quarantine() {
    const char* asan = std::getenv("ASAN_OPTIONS");
    return {"ASAN_OPTIONS", std::string(asan ? asan : "") + ":quarantine_size_mb=1:thread_local_quarantine_size_kb=64"};
}

class served_emulator {
public:
    /// `launcher` goes before the binary, e.g. {"/usr/bin/prlimit", "--nofile=64:64"}.
    explicit served_emulator(const std::vector<std::string>& options = {}, const std::vector<env_change>& env = {},
                             const std::vector<std::string>& launcher = {})
        : log_("serve-log"), process_(command_line(launcher, options), env, log_.path()) {
        const auto line = process_.read_line(30s);
        for (const std::string scheme : {"http", "https"}) {
            const std::string expected = "listening on " + scheme + "://127.0.0.1:";
            if (!line || line->rfind(expected, 0) != 0) continue;
            port_ = static_cast<unsigned short>(std::stoi(line->substr(expected.size())));
            base_url_ = scheme + "://127.0.0.1:" + std::to_string(port_);
            return;
        }
        throw std::runtime_error("tcchat serve did not start; stdout: " + line.value_or("(nothing)") + "; stderr: " + log_.contents());
    }

    unsigned short port() const noexcept { return port_; }
    /// "http://127.0.0.1:PORT", or https:// when serve runs with --tls-cert.
    const std::string& base_url() const noexcept { return base_url_; }
    child_process& process() noexcept { return process_; }
    std::string log() const { return log_.contents(); }

private:
    static std::vector<std::string> command_line(const std::vector<std::string>& launcher, const std::vector<std::string>& options) {
        std::vector<std::string> argv = launcher;
        argv.insert(argv.end(), {serve_binary(), "serve", "--port", "0"});
        argv.insert(argv.end(), options.begin(), options.end());
        return argv;
    }

    scratch_file log_; // declared first: the process is killed before its log file goes away
    child_process process_;
    unsigned short port_ = 0;
    std::string base_url_;
};

/// A throwaway PKI made with the `openssl` command for one test: a CA, and server certificates signed by it.
/// Nothing of it is committed; the directory goes away with the object.
class test_pki {
public:
    test_pki() {
        std::string pattern = std::filesystem::temp_directory_path().string() + "/tcchat-pki-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=tcchat test CA'");
    }
    test_pki(const test_pki&) = delete;
    test_pki& operator=(const test_pki&) = delete;
    ~test_pki() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::string ca_file() const { return dir_ + "/ca.pem"; }

    /// Makes NAME.pem and NAME.key, signed by the CA, for `alt_names` ("DNS:localhost,IP:127.0.0.1");
    /// `days` -1 makes one that has expired. Answers the serve options that use it.
    std::vector<std::string> server_certificate(const std::string& name, const std::string& alt_names, int days = 2) {
        run("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name + ".csr -subj '/CN=" + name + "'");
        std::ofstream(dir_ + "/" + name + ".ext") << "subjectAltName=" << alt_names << "\n";
        run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + name + ".pem -days " +
            std::to_string(days) + " -extfile " + name + ".ext");
        return {"--tls-cert", dir_ + "/" + name + ".pem", "--tls-key", dir_ + "/" + name + ".key"};
    }

private:
    void run(const std::string& command) const {
        if (std::system(("cd '" + dir_ + "' && " + command + " >/dev/null 2>&1").c_str()) != 0)
            throw std::runtime_error("failed: " + command);
    }

    std::string dir_;
};

namespace http = boost::beast::http;

struct http_reply {
    unsigned status = 0;
    std::string body;
    bool keep_alive = false;
};

inline http::request<http::string_body> post_request(const std::string& target, std::string body, unsigned version = 11) {
    http::request<http::string_body> request{http::verb::post, target, version};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

/// One client connection on loopback. Every operation has a deadline; failures throw system_error.
class http_connection {
public:
    explicit http_connection(unsigned short port, std::chrono::steady_clock::duration timeout = 10s)
        : stream_(io_), timeout_(timeout) {
        const boost::asio::ip::tcp::endpoint server(boost::asio::ip::make_address("127.0.0.1"), port);
        check(complete([&](auto handler) { stream_.async_connect(server, handler); }));
    }

    http_reply post(const std::string& target, std::string body) { return send(post_request(target, std::move(body))); }

    http_reply send(const http::request<http::string_body>& request) {
        check(complete([&](auto handler) { http::async_write(stream_, request, handler); }));
        return read_reply();
    }

    void write_raw(std::string_view bytes) {
        check(complete([&](auto handler) { boost::asio::async_write(stream_, boost::asio::buffer(bytes), handler); }));
    }

    http_reply read_reply() {
        http_reply reply;
        check(try_read_reply(reply));
        return reply;
    }

    boost::system::error_code try_read_reply(http_reply& reply) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(64u * 1024u * 1024u);
        const auto ec = complete([&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
        if (ec) return ec;
        reply.status = parser.get().result_int();
        reply.body = parser.get().body();
        reply.keep_alive = parser.get().keep_alive();
        return ec;
    }

    /// Whether the server closes the connection (EOF or reset) within `wait`, discarding what it sends first.
    bool closed_by_server(std::chrono::steady_clock::duration wait) {
        char discard[4096];
        for (;;) {
            const auto ec = complete([&](auto handler) { stream_.async_read_some(boost::asio::buffer(discard), handler); }, wait);
            if (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) return true;
            if (ec) return false;
        }
    }

    void close() { stream_.close(); }

private:
    /// Starts one asynchronous operation and runs it to completion or to the deadline (which closes the socket).
    template <class Start>
    boost::system::error_code complete(Start start, std::optional<std::chrono::steady_clock::duration> wait = std::nullopt) {
        boost::system::error_code result;
        stream_.expires_after(wait.value_or(timeout_));
        start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
        io_.restart();
        io_.run();
        return result;
    }

    static void check(boost::system::error_code ec) {
        if (ec) throw boost::system::system_error(ec);
    }

    boost::asio::io_context io_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::chrono::steady_clock::duration timeout_;
};

constexpr std::uint32_t app = 1400000000;
/// The usersig the tests send unless they need a real one; no log line may show it.
const std::string logged_usersig = "usersig-that-never-reaches-a-log";

/// The request target of `command` for `app` as "admin".
inline std::string target_of(std::string_view command, const std::string& usersig = logged_usersig) {
    return tcchat::build_url("", command, {app, "admin", usersig, 7});
}

/// serve's `GET /connections` (plain HTTP only), on a connection of its own: {accepted, open}, the asking one
/// included.
inline std::pair<std::uint64_t, std::uint64_t> connections_of(const served_emulator& server) {
    http_connection raw(server.port());
    http::request<http::string_body> get{http::verb::get, "/connections", 11};
    get.set(http::field::host, "127.0.0.1");
    const auto counts = boost::json::parse(raw.send(get).body).as_object();
    return {static_cast<std::uint64_t>(counts.at("accepted").as_int64()), static_cast<std::uint64_t>(counts.at("open").as_int64())};
}

/// The client addresses ("127.0.0.1:PORT") in a serve log's request lines: one per connection that carried a
/// request, over plain HTTP or TLS alike.
inline std::set<std::string> peers_logged(const std::string& log) {
    std::set<std::string> peers;
    const std::string prefix = "tcchat serve: ";
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(prefix, 0) == 0 && line.find(" -> ") != std::string::npos)
            peers.insert(line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size()));
    return peers;
}

/// A get_contact_group exchange for a transport: `url` is the whole URL, query included.
inline tcchat::http_request get_contact_group_call(const std::string& url, std::chrono::milliseconds timeout = 10s) {
    tcchat::http_request request;
    request.url = url;
    request.body = R"({"From_Account":"user0","StartIndex":0})";
    request.timeout = timeout;
    return request;
}

/// The ErrorCode of an answer, or -1 when it is no envelope.
inline int error_code_of(const std::string& body) {
    const auto envelope = tcchat::decode<tcchat::response_envelope>(body);
    return envelope ? envelope->ErrorCode : -1;
}

} // namespace tcchat::test
