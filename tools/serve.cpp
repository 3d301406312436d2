#include "serve.hpp"

#include <iostream>

namespace tcchat::cli {
int run_serve(const std::vector<std::string>&) {
    std::cerr << "tcchat: serve is not built yet\n";
    return 64;
}
} // namespace tcchat::cli
