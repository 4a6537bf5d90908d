#include "base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace gregor::detail {
void assert_fail(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "gregor: assertion failed: %s (%s) at %s:%d\n", expr, msg, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace gregor::detail
