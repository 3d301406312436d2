// expect: missing from all_endpoints (tcchat/api/all.hpp, which tools/endpoint_list.py generates)
// An endpoint bound to its messages (TCCHAT_BIND_ENDPOINT) outside api/, so not in the generated all_endpoints (as
// a new api header is until tools/endpoint_list.py runs): the emulator, the CLI and the contract would not know it,
// so validating or calling it must not compile (docs/architecture.md).
#include <tcchat/validate.hpp>

TCCHAT_NAMESPACE_BEGIN
struct toy_request {
    std::string From_Account;
};
struct toy_response : response_envelope {};
namespace api {
struct toy {
    static constexpr std::string_view command = "toy";
    using request = toy_request;
    using response = toy_response;
};
} // namespace api
TCCHAT_BIND_ENDPOINT(api::toy)
TCCHAT_NAMESPACE_END

int main() { return tcchat::validate(tcchat::toy_request{"admin"}).ok() ? 0 : 1; }
