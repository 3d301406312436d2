// The in-memory emulator fed raw bytes: up to 8 calls separated by "\n--\n", all to one fresh emulator per
// input (state builds up within an input, so create-then-update sequences are reachable, and nothing leaks
// from one input into the next). Each call's first byte picks the endpoint (its low bits, as in
// harness_support.hpp) and the URL: with the first flag bit clear, build_url's URL for that endpoint (the
// second flag bit: a second SDKAppID) and the rest is the body; with it set, the text up to the first '\n' is
// the URL, any bytes, and the rest the body. Every answer must be what docs/protocol.md §1.3 and §1.4 promise: HTTP 200 (the emulator answers
// anything else only for an injected fault, and this harness injects none) with a JSON object carrying
// ActionStatus "OK" or "FAIL", an integer ErrorCode that is 0 exactly when it is OK, and a string ErrorInfo;
// it decodes as the endpoint's response type whenever the URL names a command, and the call log records the
// code the envelope carries.
#include "harness_support.hpp"

#include <tcchat/emulator.hpp>

#include <boost/json/parse.hpp>

#include <limits>
#include <string>
#include <vector>

using tcchat_fuzz::require;

namespace {

constexpr std::string_view call_separator = "\n--\n";
constexpr std::size_t max_calls = 8;

/// Small quotas so that a few calls reach 51008, 51010 and a second page; a fixed clock so that a replay
/// answers byte for byte as the campaign did. The users are the samples' (tests/fixtures/samples).
tcchat::emulation::emulator_options small_service() {
    tcchat::emulation::emulator_options options;
    options.page_size = 2;
    options.max_groups_per_user = 3;
    options.conversation_quota = 4;
    options.clock = [] { return std::int64_t{1700000000}; };
    return options;
}

constexpr std::uint32_t sdkappids[] = {1400000000, 1400000001};

void seed_conversations(tcchat::emulation::emulator& service) {
    for (const char* user : {"user_0001", "id1", "user15"}) {
        service.seed_conversation(sdkappids[0], user, {tcchat::conversation_type::c2c, "user_0002", 1700000000, false});
        service.seed_conversation(sdkappids[0], user, {tcchat::conversation_type::group, "@TGS#1B2AUI7RZ", 1690000000, true});
    }
}

struct raw_call {
    std::string url;
    std::string_view body;
};

constexpr unsigned raw_url_bit = tcchat_fuzz::first_flag_bit;
constexpr unsigned second_sdkappid_bit = tcchat_fuzz::first_flag_bit + 1;

raw_call read_call(std::uint8_t flags, std::string_view rest) {
    if ((flags >> raw_url_bit & 1) != 0) {
        const auto newline = rest.find('\n');
        if (newline == std::string_view::npos) return {std::string(rest), {}};
        return {std::string(rest.substr(0, newline)), rest.substr(newline + 1)};
    }
    const tcchat::call_parameters call{sdkappids[flags >> second_sdkappid_bit & 1], "admin", "usersig", 1234};
    std::string url;
    tcchat_fuzz::with_selected_endpoint(flags, [&](auto endpoint) {
        url = tcchat::build_url("https://console.tim.qq.com", decltype(endpoint)::command, call);
    });
    return {std::move(url), rest};
}

/// The endpoint's response type checks the answer when the URL names a command, as the emulator reads it.
void check_typed_answer(std::string_view url, std::string_view answer) {
    const auto target = tcchat::emulation::parse_request_target(url);
    const std::string prefix = "/" + std::string(tcchat::service_path);
    if (!target || target->path.rfind(prefix, 0) != 0) return;
    tcchat::visit_endpoint(std::string_view(target->path).substr(prefix.size()), [&](auto endpoint) {
        require(tcchat::decode<typename decltype(endpoint)::response>(answer).has_value(),
                "the answer to a known command decodes as its response type");
    });
}

/// protocol.md §1.4: the three envelope fields, with the types and the OK/0 pairing it documents. Returns ErrorCode.
std::int64_t check_envelope(std::string_view answer) {
    boost::json::error_code ec;
    const boost::json::value json = boost::json::parse(answer, ec);
    require(!ec, "the answer is JSON");
    const boost::json::object* object = json.if_object();
    require(object != nullptr, "the answer is a JSON object");
    const boost::json::value* status = object->if_contains("ActionStatus");
    const boost::json::value* code = object->if_contains("ErrorCode");
    const boost::json::value* info = object->if_contains("ErrorInfo");
    require(status != nullptr && status->is_string() && (status->get_string() == "OK" || status->get_string() == "FAIL"),
            "ActionStatus is \"OK\" or \"FAIL\"");
    require(code != nullptr && code->is_int64() && code->get_int64() >= std::numeric_limits<std::int32_t>::min() &&
                code->get_int64() <= std::numeric_limits<std::int32_t>::max(),
            "ErrorCode is a 32-bit integer");
    require((code->get_int64() == 0) == (status->get_string() == "OK"), "ErrorCode is 0 exactly when ActionStatus is OK");
    require(info != nullptr && info->is_string(), "ErrorInfo is a string");
    require(tcchat::decode<tcchat::response_envelope>(answer).has_value(), "the answer decodes as the envelope");
    return code->get_int64();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    tcchat::emulation::emulator service(small_service());
    seed_conversations(service);
    std::string_view input = tcchat_fuzz::as_text(data, size);
    for (std::size_t n = 0; n < max_calls && !input.empty(); ++n) {
        const auto end = input.find(call_separator);
        const std::string_view text = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + call_separator.size());
        if (text.empty()) continue;

        const raw_call call = read_call(static_cast<std::uint8_t>(text.front()), text.substr(1));
        const tcchat::http_response response = service.handle(call.url, call.body);
        require(response.status == 200, "the emulator answers HTTP 200 when no fault is injected (protocol.md §1.3)");
        const std::int64_t error_code = check_envelope(response.body);
        check_typed_answer(call.url, response.body);
        require(service.calls().back().error_code == error_code, "the call log records the envelope's ErrorCode");
    }
    return 0;
}
