// Result<T>: the value of a fallible call, or an Error saying why it failed.
// Used at every module boundary instead of exceptions. Error carries a Kafka error
// code (see model/error_code.h; 0 means "no Kafka code applies", -1 UNKNOWN_SERVER_ERROR)
// and a human-readable message for logs.
// Thread-safety: plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace gregor {

struct Error {
  int16_t code = -1;    // Kafka error code to report to clients.
  std::string message;  // For logs; never sent verbatim unless the API has an error message field.
};

inline Error make_error(int16_t code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { GREGOR_ASSERT(ok()); return std::get<0>(v_); }
  const T& value() const& { GREGOR_ASSERT(ok()); return std::get<0>(v_); }
  T&& value() && { GREGOR_ASSERT(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  // REQUIRES: !ok()
  const Error& error() const { GREGOR_ASSERT(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: a Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status OK() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // REQUIRES: !ok()
  const Error& error() const { GREGOR_ASSERT(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace gregor
