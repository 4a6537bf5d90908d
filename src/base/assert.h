// Assertions that stay on in release builds. A failed assertion is a bug in Gregor, never a
// reaction to bad input: input from the network or disk is validated and rejected with an error.
#pragma once

namespace gregor::detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line, const char* msg);
}

#define GREGOR_ASSERT(cond)                                                         \
  do {                                                                              \
    if (__builtin_expect(!(cond), 0)) ::gregor::detail::assert_fail(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define GREGOR_ASSERT_MSG(cond, msg)                                                \
  do {                                                                              \
    if (__builtin_expect(!(cond), 0)) ::gregor::detail::assert_fail(#cond, __FILE__, __LINE__, msg); \
  } while (0)
