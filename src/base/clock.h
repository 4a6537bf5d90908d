// Clock seam: wall-clock milliseconds (record timestamps, retention) and a monotonic clock
// (timeouts). Code that must run under simulation takes a Clock&; the rest may call the
// free functions, which read the system clocks.
#pragma once

#include <chrono>
#include <cstdint>

namespace gregor {

inline int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
inline int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}
inline int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t wall_ms() const = 0;
  virtual int64_t mono_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t wall_ms() const override { return gregor::wall_ms(); }
  int64_t mono_ms() const override { return gregor::mono_ms(); }
};

}  // namespace gregor
