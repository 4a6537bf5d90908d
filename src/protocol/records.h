// Records: the value of a `records` field (Produce request batches, Fetch response data).
// A nullable sequence of parts; each part is either a SharedSlice (bytes of a decoded request,
// kept alive without a copy) or an io::FileSlice (a range of a segment file, sent with
// sendfile(2) by the net layer). The Writer emits every part as its own io::OutChunk.
// A default-constructed Records is empty and not null; Records::null() is the null value.
// Equality compares null-ness and content bytes (file slices are read with pread, so
// comparing them is for tests, not the hot path).
// Thread-safety: plain value type; parts share immutable bytes / read-only files.
#pragma once

#include <cstddef>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "io/file.h"

namespace gregor::proto {

class Records {
 public:
  using Part = std::variant<SharedSlice, io::FileSlice>;

  Records() = default;
  static Records null() { Records r; r.null_ = true; return r; }
  explicit Records(SharedSlice bytes) { append(std::move(bytes)); }

  bool is_null() const { return null_; }
  void set_null() { null_ = true; parts_.clear(); size_ = 0; }
  // Total bytes over all parts (0 when null).
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::vector<Part>& parts() const { return parts_; }

  // Appending makes the value non-null. Empty parts are dropped.
  void append(SharedSlice bytes);
  void append(io::FileSlice slice);

  // All content bytes in one buffer (file slices read with pread).
  Result<Bytes> to_bytes() const;
  // If the content is exactly one SharedSlice (the decoded-request case), that slice.
  const SharedSlice* single_slice() const;

  bool operator==(const Records& other) const;

 private:
  std::vector<Part> parts_;
  size_t size_ = 0;
  bool null_ = false;
};

}  // namespace gregor::proto
