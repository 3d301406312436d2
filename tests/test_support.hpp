#pragma once
// Helpers shared by the test files: reading fixtures and comparing JSON by value.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tcchat::test {

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::string sample(const std::string& name) { return read_file(std::string(TCCHAT_SAMPLES_DIR) + "/" + name); }

/// JSON values compared structurally: key order and whitespace do not matter.
inline bool same_json(const std::string& a, const std::string& b) { return boost::json::parse(a) == boost::json::parse(b); }

} // namespace tcchat::test
