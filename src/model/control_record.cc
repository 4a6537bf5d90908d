#include "model/control_record.h"

#include "model/batch_builder.h"
#include "model/error_code.h"
#include "model/record.h"
#include "model/record_batch.h"

namespace gregor::model {

Result<std::optional<EndTxnMarker>> parse_end_txn_marker(ByteView batch) {
  if (batch.size() < kBatchHeaderSize) return make_error(ErrorCode::CORRUPT_MESSAGE, "control batch too short");
  auto h = BatchHeader::parse(batch.data());
  if (!h.is_control()) return make_error(ErrorCode::INVALID_RECORD, "not a control batch");
  std::optional<EndTxnMarker> out;
  bool seen = false;
  auto st = for_each_record(batch, [&](const RecordView& r) -> Status {
    if (seen) return Status::OK();
    seen = true;
    if (!r.key || r.key->size() < 4) return make_error(ErrorCode::INVALID_RECORD, "control record without a key");
    int16_t type = int16_t(load_be16(r.key->data() + 2));
    if (type != kControlTypeAbort && type != kControlTypeCommit) return Status::OK();
    if (!r.value || r.value->size() < 6)
      return make_error(ErrorCode::INVALID_RECORD, "transaction marker without its coordinator epoch");
    out = EndTxnMarker{type == kControlTypeCommit, int32_t(load_be32(r.value->data() + 2))};
    return Status::OK();
  });
  if (!st.ok()) return st.error();
  if (!seen) return make_error(ErrorCode::INVALID_RECORD, "control batch without records");
  return out;
}

Bytes build_end_txn_marker(int64_t producer_id, int16_t producer_epoch, const EndTxnMarker& marker,
                           int64_t timestamp_ms) {
  Bytes key, value;
  append_be16(key, 0);
  append_be16(key, uint16_t(marker.commit ? kControlTypeCommit : kControlTypeAbort));
  append_be16(value, 0);
  append_be32(value, uint32_t(marker.coordinator_epoch));
  BatchBuilder b;
  b.producer(producer_id, producer_epoch, kNoSequence).transactional(true).control(true);
  b.add(ByteView(key), ByteView(value), timestamp_ms);
  auto built = b.build();
  GREGOR_ASSERT(built.ok());
  return std::move(*built);
}

}  // namespace gregor::model
