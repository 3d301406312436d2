// The README demo: decode every documented sample, show what tcchat understood, and re-encode it.
#include <tcchat.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

int main() {
    std::set<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(TCCHAT_SAMPLES_DIR))
        if (entry.path().extension() == ".json") files.insert(entry.path());
    int failures = 0;
    for (const auto& file : files) {
        std::ifstream in(file);
        const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string name = file.filename().string();
        const std::string command = name.substr(0, name.find('.'));
        const bool is_request = name.find(".request") != std::string::npos;
        tcchat::visit_endpoint(command, [&](auto endpoint) {
            using endpoint_type = decltype(endpoint);
            auto show = [&](auto decoded) {
                std::cout << "POST /" << tcchat::service_path << endpoint_type::command << "  "
                          << (is_request ? "request " : "response") << "  (" << name << ")\n";
                if (!decoded) {
                    ++failures;
                    std::cout << "  error " << decoded.error().value() << " at " << decoded.error().pointer << ": "
                              << decoded.error().message << "\n";
                    return;
                }
                std::cout << "  " << tcchat::encode(*decoded) << "\n";
            };
            if (is_request) show(tcchat::decode<typename endpoint_type::request>(body));
            else show(tcchat::decode<typename endpoint_type::response>(body));
        });
    }
    auto bad = tcchat::decode<tcchat::mark_contact_request>(R"({"From_Account":"u","MarkItem":[{"OptType":1,"ContactItem":{"Type":"one"}}]})");
    std::cout << "\nA malformed body is rejected with the field's JSON Pointer:\n  " << bad.error().value() << " "
              << bad.error().pointer << ": " << bad.error().message << "\n";
    return failures == 0 ? 0 : 1;
}
