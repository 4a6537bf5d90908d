#include "cli/interrupt_scope.h"

#include <atomic>

#include "base/assert.h"

namespace gregor::cli {
namespace {

volatile std::sig_atomic_t g_requested = 0;
std::atomic<bool> g_active{false};

extern "C" void on_signal(int) { g_requested = 1; }

}  // namespace

InterruptScope::InterruptScope() {
  GREGOR_ASSERT_MSG(!g_active.exchange(true), "only one InterruptScope at a time");
  g_requested = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_active = false;
}

bool InterruptScope::requested() { return g_requested != 0; }

}  // namespace gregor::cli
