// InterruptScope: while one is alive, SIGINT and SIGTERM only set a flag (so a perf run that
// is stopped with Ctrl-C still drains and prints its summary); the previous handlers come back
// when it is destroyed. At most one may be alive at a time.
// Thread-safety: requested() may be read from any thread.
#pragma once

#include <csignal>

namespace gregor::cli {

class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  static bool requested();

 private:
  struct sigaction old_int_{};
  struct sigaction old_term_{};
};

}  // namespace gregor::cli
