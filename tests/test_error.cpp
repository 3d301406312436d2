// The error model (docs/protocol.md §1.6, §1.7): every documented code, its name, meaning and retry class.
#include <tcchat/error.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <sstream>

using namespace tcchat;

TEST_CASE("every documented code has a row with a unique name", "[error]") {
    const int documented[] = {50001, 50002, 50003, 50004, 50005, 51006, 51007, 51008, 51009, 51010, 51011, 51012,
                              51013, 60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012,
                              60013, 60014, 60015, 60016, 60017, 60018, 60019, 60020, 60021, 70001, 70002, 70003,
                              70005, 70009, 70013, 70014, 70016, 70020, 70050, 70051, 70052, 70107, 70114, 70169,
                              70206, 70398, 70402, 70403, 70500, 72001, 80001, 80002};
    for (int value : documented) {
        INFO(value);
        REQUIRE(find_code(value) != nullptr);
        CHECK_FALSE(find_code(value)->meaning.empty());
    }
    std::set<std::string_view> names;
    for (const auto& row : detail::code_table) CHECK(names.insert(row.name).second);
    CHECK(find_code(12345) == nullptr);
}

TEST_CASE("retry classes follow docs/protocol.md §1.6 and §1.7", "[error]") {
    for (int transient : {60007, 60008, 60011, 60018, 60019, 70169, 70500, 50004, 50005})
        CHECK(retry_class_of(transient) == retry_class::with_backoff);
    CHECK(retry_class_of(70001) == retry_class::after_new_usersig);
    CHECK(retry_class_of(70052) == retry_class::after_new_usersig);
    CHECK(retry_class_of(51007) == retry_class::once);
    CHECK(retry_class_of(60013) == retry_class::once);
    for (int permanent : {50002, 51009, 51010, 51013, 60003, 60020, 70003, 99999})
        CHECK(retry_class_of(permanent) == retry_class::never);
}

TEST_CASE("codes are std::error_codes in the tcchat category", "[error]") {
    std::error_code ec = code::conversation_group_not_found;
    CHECK(ec.value() == 51009);
    CHECK(std::string(ec.category().name()) == "tcchat");
    CHECK(ec.message() == "The conversation group does not exist.");
    CHECK(ec == code::conversation_group_not_found);
    CHECK(error_category().message(4242) == "unknown tcchat code 4242");
}

TEST_CASE("result<T>::value() on an error throws tcchat::exception", "[error]") {
    result<int> failed = make_error(code::invalid_parameters, error_origin::validation, "/From_Account", "empty");
    CHECK_THROWS_AS(failed.value(), tcchat::exception);
    CHECK(failed.error().retry() == retry_class::never);
}

TEST_CASE("an error prints itself - code name origin pointer and message", "[error]") {
    const error custom_mark = make_error(code::invalid_parameters, error_origin::validation, "/MarkItem/0/CustomMark",
                                         "CustomMark is 300 bytes; the limit is 256 bytes");
    CHECK(to_string(custom_mark) ==
          "50002 invalid_parameters (validation) at /MarkItem/0/CustomMark: CustomMark is 300 bytes; the limit is 256 bytes");
    std::ostringstream printed;
    printed << custom_mark;
    CHECK(printed.str() == to_string(custom_mark));

    // No pointer, no " at"; an HTTP status is shown; a code tcchat does not know is "unknown".
    const error status{make_error_code(code::http_status), "", "Service Unavailable", error_origin::transport, 503};
    CHECK(to_string(status) == "90002 http_status (transport) HTTP 503: Service Unavailable");
    const error unknown{std::error_code(12345, error_category()), "", "new in 2027", error_origin::server, 200};
    CHECK(to_string(unknown) == "12345 unknown (server): new in 2027"); // a server's answer came with HTTP 200
}

TEST_CASE("error_origin and retry_class print their enumerator names", "[error]") {
    CHECK(to_string(error_origin::decode) == "decode");
    CHECK(to_string(error_origin::validation) == "validation");
    CHECK(to_string(error_origin::server) == "server");
    CHECK(to_string(error_origin::transport) == "transport");
    CHECK(to_string(error_origin::local) == "local");
    CHECK(to_string(retry_class::never) == "never");
    CHECK(to_string(retry_class::with_backoff) == "with_backoff");
    CHECK(to_string(retry_class::after_new_usersig) == "after_new_usersig");
    CHECK(to_string(retry_class::once) == "once");
}
