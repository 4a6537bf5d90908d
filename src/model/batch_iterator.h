// BatchIterator walks the record batches laid end to end in a byte range (a segment read,
// a produce request, a fetch response) and stops cleanly at a partial batch at the end,
// as fetch responses and torn segment tails end. It checks only framing (length field);
// call validate_batch() for CRC and content.
// Thread-safety: a value type over caller-owned bytes.
#pragma once

#include <cstddef>
#include <optional>

#include "base/bytes.h"
#include "model/record_batch.h"

namespace gregor::model {

struct BatchRef {
  BatchHeader header;
  ByteView bytes;        // the whole batch
  size_t position = 0;   // of the batch within the range
};

class BatchIterator {
 public:
  explicit BatchIterator(ByteView data) : data_(data) {}

  // The next whole batch, or nullopt when the range ends, the rest is a partial batch, or the
  // length field is impossible (< kMinBatchLength): see stop().
  std::optional<BatchRef> next();

  enum class Stop { none, clean_end, partial, bad_length };
  Stop stop() const { return stop_; }
  // Bytes consumed by whole batches so far.
  size_t position() const { return pos_; }

 private:
  ByteView data_;
  size_t pos_ = 0;
  Stop stop_ = Stop::none;
};

}  // namespace gregor::model
