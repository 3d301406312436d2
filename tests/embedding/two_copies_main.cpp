// Links the two "SDKs" of two_copies_lib.cpp and checks that each sees its own copy's text.
#include <cstdio>
#include <string>

std::string sdk_a_text();
std::string sdk_b_text();

int main() {
    const std::string a = sdk_a_text(), b = sdk_b_text();
    std::printf("SDK A sees: %s\nSDK B sees: %s\n", a.c_str(), b.c_str());
    const bool own_a = a == "The call's overall deadline passed.";
    const bool own_b = b == "COPY B: the call's overall deadline passed.";
    return own_a && own_b ? 0 : 1;
}
