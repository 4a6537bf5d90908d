// BatchScanner walks the record batches of a segment file from a position, reading through a
// buffer: headers for index lookups and fetch sizing, whole batches for recovery and
// timestamp search. Like model::BatchIterator it stops at a partial batch or an impossible
// length field; it does not check CRCs (call model::validate_batch on bytes()).
// Thread-safety: a short-lived local of the Log's shard thread.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "io/file.h"
#include "model/batch_iterator.h"
#include "model/record_batch.h"

namespace gregor::storage {

struct ScannedBatch {
  model::BatchHeader header;
  uint64_t position = 0;
  uint32_t size = 0;
};

class BatchScanner {
 public:
  using Stop = model::BatchIterator::Stop;
  // Scans [start, end) of file. REQUIRES: file outlives the scanner.
  BatchScanner(const io::File& file, uint64_t start, uint64_t end, size_t buffer_bytes = 64 * 1024);

  // The next batch's header, or nullopt at the end of the range, a partial batch, a bad length
  // field (see stop()) or an I/O error (see status()).
  std::optional<ScannedBatch> next();
  // The whole batch last returned by next(); valid until the next call.
  Result<ByteView> bytes();

  Stop stop() const { return stop_; }
  const Status& status() const { return status_; }
  // Where the next batch would start: the end of the last whole batch returned.
  uint64_t position() const { return pos_; }

 private:
  // Makes [at, at + n) available in buf_. REQUIRES: at + n <= end_.
  Status fill(uint64_t at, size_t n);

  const io::File& file_;
  uint64_t pos_;
  uint64_t end_;
  size_t buffer_bytes_;
  Bytes buf_;
  uint64_t buf_at_ = 0;  // file position of buf_[0]
  std::optional<ScannedBatch> last_;
  Stop stop_ = Stop::none;
  Status status_;
};

}  // namespace gregor::storage
