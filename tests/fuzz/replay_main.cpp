// Replays a fuzz corpus without libFuzzer: calls LLVMFuzzerTestOneInput on
// every file in the folders (or on the files) named on the command line, so
// every input the fuzzer ever found interesting is rerun by the test command,
// with whatever compiler and sanitizers that build uses.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int k = 1; k < argc; ++k) {
        const fs::path p(argv[k]);
        if (fs::is_directory(p)) {
            for (const auto& entry : fs::directory_iterator(p))
                if (entry.is_regular_file()) files.push_back(entry.path());
        } else {
            files.push_back(p);
        }
    }
    std::sort(files.begin(), files.end());  // a stable order makes a failure easy to repeat
    if (files.empty()) {
        std::fprintf(stderr, "replay: no inputs (usage: %s CORPUS_DIR_OR_FILE...)\n", argv[0]);
        return 2;
    }
    for (const auto& f : files) {
        // Plain stdio: GCC 12 at -O2 warns (null-dereference, a false positive)
        // about istreambuf_iterator.
        std::FILE* in = std::fopen(f.string().c_str(), "rb");
        if (!in) {
            std::fprintf(stderr, "replay: cannot read %s\n", f.string().c_str());
            return 2;
        }
        std::vector<char> bytes;
        char chunk[4096];
        for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, in)) > 0;) bytes.insert(bytes.end(), chunk, chunk + n);
        const bool failed = std::ferror(in) != 0;
        std::fclose(in);
        if (failed) {
            std::fprintf(stderr, "replay: cannot read %s\n", f.string().c_str());
            return 2;
        }
        // Printed first so that a crash names the input that caused it.
        std::fprintf(stderr, "replay: %s\n", f.filename().string().c_str());
        static const char empty = 0;  // libFuzzer never passes a null pointer, even for no bytes
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.empty() ? &empty : bytes.data()), bytes.size());
    }
    std::printf("replayed %zu inputs\n", files.size());
    return 0;
}
