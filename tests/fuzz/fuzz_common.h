// Shared bits of the libFuzzer targets: sanitizer defaults, quiet logging, and a check that
// aborts (so libFuzzer records the input as a crash) with a message.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

// Any UBSan report is a finding: stop at the first one so libFuzzer saves the input.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

namespace gregor::fuzz {

// Recovery and parse failures log warnings; at millions of executions that is only noise.
inline void quiet_logs() { spdlog::set_level(spdlog::level::off); }

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz check failed at %s:%d: %s\n", file, line, what);
  std::abort();
}

}  // namespace gregor::fuzz

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) ::gregor::fuzz::fail(#cond, __FILE__, __LINE__); \
  } while (0)
