// Built with -fno-exceptions: the core decodes, encodes and reports errors without throwing.
#include <tcchat.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace boost {
// With -fno-exceptions Boost calls this instead of throwing; tcchat's non-throwing API never reaches it.
BOOST_NORETURN void throw_exception(const std::exception& e) {
    std::fprintf(stderr, "unexpected throw_exception: %s\n", e.what());
    std::abort();
}
BOOST_NORETURN void throw_exception(const std::exception& e, const boost::source_location&) { throw_exception(e); }
} // namespace boost

static int failures = 0;
#define EXPECT(condition)                                                                                  \
    do {                                                                                                   \
        if (!(condition)) {                                                                                \
            std::fprintf(stderr, "%s:%d: EXPECT(%s) failed\n", __FILE__, __LINE__, #condition);            \
            ++failures;                                                                                    \
        }                                                                                                  \
    } while (0)

int main() {
    std::ifstream in(TCCHAT_SAMPLES_DIR "/mark_contact.request.json");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto request = tcchat::decode<tcchat::mark_contact_request>(text);
    EXPECT(request.has_value());
    if (request) EXPECT(tcchat::encode(*request) ==
                        R"({"From_Account":"user_0001","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"user_0002"},"SetMark":[1,2,3],"CustomMark":"abcd"}]})");
    auto bad = tcchat::decode<tcchat::mark_contact_request>(R"({"From_Account":"u","MarkItem":[{"OptType":"x"}]})");
    EXPECT(!bad.has_value());
    if (!bad) EXPECT(bad.error().pointer == "/MarkItem/0/OptType");
    auto syntax = tcchat::decode<tcchat::delete_response>("{");
    EXPECT(!syntax && syntax.error().value() == 60003);
    std::printf("noexcept core: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
