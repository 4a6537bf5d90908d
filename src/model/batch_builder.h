// BatchBuilder assembles one valid record batch v2: any codec, producer id/epoch/sequence,
// transactional and control flags. Used by tests, tools and, later, the broker's own control
// batches (transaction markers) and coordinator records.
// Thread-safety: a value type; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "model/compression.h"
#include "model/record.h"
#include "model/record_batch.h"

namespace gregor::model {

class BatchBuilder {
 public:
  explicit BatchBuilder(Compression codec = Compression::none) : codec_(codec) {}

  BatchBuilder& base_offset(int64_t v) { base_offset_ = v; return *this; }
  BatchBuilder& partition_leader_epoch(int32_t v) { leader_epoch_ = v; return *this; }
  BatchBuilder& producer(int64_t id, int16_t epoch, int32_t base_sequence) {
    producer_id_ = id; producer_epoch_ = epoch; base_sequence_ = base_sequence; return *this;
  }
  BatchBuilder& transactional(bool v) { transactional_ = v; return *this; }
  BatchBuilder& control(bool v) { control_ = v; return *this; }
  // LogAppendTime batches carry the append time in maxTimestamp.
  BatchBuilder& log_append_time(int64_t ts) { log_append_time_ = ts; return *this; }

  // Adds a record; its offset delta is the number of records added before it.
  BatchBuilder& add(std::optional<ByteView> key, std::optional<ByteView> value, int64_t timestamp,
                    std::vector<Header> headers = {});
  // Convenience for text keys/values.
  BatchBuilder& add(std::optional<std::string_view> key, std::optional<std::string_view> value, int64_t timestamp);

  size_t record_count() const { return count_; }

  // The finished batch. REQUIRES: at least one record added.
  Result<Bytes> build() const;

 private:
  Compression codec_;
  int64_t base_offset_ = 0;
  int32_t leader_epoch_ = kNoPartitionLeaderEpoch;
  int64_t producer_id_ = kNoProducerId;
  int16_t producer_epoch_ = kNoProducerEpoch;
  int32_t base_sequence_ = kNoSequence;
  bool transactional_ = false;
  bool control_ = false;
  std::optional<int64_t> log_append_time_;
  int64_t first_timestamp_ = -1;
  int64_t max_timestamp_ = -1;
  size_t count_ = 0;
  Bytes records_;  // uncompressed record bytes
};

}  // namespace gregor::model
