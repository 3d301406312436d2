// A main() for a fuzz harness without libFuzzer: runs every file named on the command line, or found under
// a directory named there, through LLVMFuzzerTestOneInput once. ctest uses it to replay the committed corpus
// and regressions with any compiler; AFL++ can drive it as `replay_<target> @@` (see README.md).
//
//   replay_<target> PATH...
//
// A broken invariant traps, a sanitizer aborts: the last "replaying" line names the input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

/// The regular files at or under `root`, sorted so that every run replays in the same order.
std::vector<fs::path> inputs_at(const fs::path& root) {
    std::vector<fs::path> files;
    if (!fs::is_directory(root)) {
        files.push_back(root);
        return files;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

bool replay(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // An exactly sized heap copy, as libFuzzer makes, so that ASan catches a read one byte past the input.
    const auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), copy.get());
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", file.string().c_str(), bytes.size());
    std::fflush(stderr);
    LLVMFuzzerTestOneInput(copy.get(), bytes.size());
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path root(argv[i]);
        std::error_code ec;
        if (!fs::exists(root, ec)) {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 2;
        }
        for (const fs::path& file : inputs_at(root)) {
            if (!replay(file)) {
                std::fprintf(stderr, "%s: cannot read\n", file.string().c_str());
                return 2;
            }
            ++replayed;
        }
    }
    // An empty corpus would make the test pass without testing anything.
    if (replayed == 0) {
        std::fprintf(stderr, "no inputs found\n");
        return 2;
    }
    std::printf("replayed %zu inputs without a finding\n", replayed);
    return 0;
}
