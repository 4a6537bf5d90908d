// Shared bits of the libFuzzer targets: sanitizer defaults, quiet logging, and a check that
// aborts (so libFuzzer records the input as a crash) with a message.
#pragma once

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

// Any UBSan report is a finding: stop at the first one so libFuzzer saves the input.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

namespace gregor::fuzz {

// Recovery and parse failures log warnings; at millions of executions that is only noise.
inline void quiet_logs() { spdlog::set_level(spdlog::level::off); }

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz check failed at %s:%d: %s\n", file, line, what);
  std::abort();
}

// A fresh scratch dir for this fuzzer process (under /dev/shm when it exists), removed at exit:
// returns root/<sub>. Aborts if it cannot be made.
inline std::filesystem::path scratch_dir(const std::string& prefix, const std::string& sub) {
  namespace fs = std::filesystem;
  static fs::path root;
  std::error_code ec;
  fs::path base = fs::exists("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
  root = base / (prefix + std::to_string(getpid()));
  fs::path dir = root / sub;
  fs::remove_all(root, ec);
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    std::abort();
  }
  std::atexit([] {
    std::error_code e;
    fs::remove_all(root, e);
  });
  return dir;
}

}  // namespace gregor::fuzz

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) ::gregor::fuzz::fail(#cond, __FILE__, __LINE__); \
  } while (0)
