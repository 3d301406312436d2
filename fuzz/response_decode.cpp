// Response bodies: the first byte picks one of the eight response types, the rest is the body. Whatever
// the server (or a man in the middle) sends decodes to a value that encodes stably, or to a documented
// decode error; never a crash, a leak or undefined behaviour.
#include "harness_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = tcchat_fuzz::split_selector(data, size);
    if (!input) return 0;
    tcchat_fuzz::with_selected_endpoint(input->selector, [&](auto endpoint) {
        tcchat_fuzz::decode_and_round_trip<typename decltype(endpoint)::response>(input->body);
    });
    return 0;
}
