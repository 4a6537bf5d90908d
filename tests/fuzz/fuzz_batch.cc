// fuzz_batch: the input is the bytes of one or more record batches laid end to end (a produce
// request's records, a fetch response's data). Walks them with BatchIterator and runs
// validate_batch (shallow and full), for_each_record and decode_records on each, with a small
// decompression cap, checking that they agree with each other.
//
// Every input runs twice: as given, and with the CRC of every framed batch recomputed, so
// mutations of the header and record bytes reach the record and decompression code instead of
// stopping at the CRC check.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "model/batch_iterator.h"
#include "model/error_code.h"
#include "model/record.h"
#include "model/record_batch.h"

namespace gregor::model {
namespace {

constexpr size_t kCap = size_t(256) << 10;  // decompression cap: 256 KiB

void check_batch(const BatchRef& ref) {
  const ByteView batch = ref.bytes;
  const BatchHeader& h = ref.header;
  FUZZ_CHECK(batch.size() >= kBatchHeaderSize && batch.size() == h.size_bytes());

  ValidateOptions shallow{.check_records = false, .max_decompressed = kCap};
  ValidateOptions full{.check_records = true, .max_decompressed = kCap};
  const Status shallow_status = validate_batch(batch, shallow);
  const Status full_status = validate_batch(batch, full);
  if (full_status.ok()) FUZZ_CHECK(shallow_status.ok());
  if (!shallow_status.ok()) FUZZ_CHECK(!full_status.ok());

  // for_each_record and decode_records are called on batches that only passed framing, as
  // fetch and ListOffsets paths may; they must fail cleanly, never crash.
  int32_t walked = 0;
  int32_t expected_delta = 0;
  bool deltas_in_order = true;
  const Status walk = for_each_record(
      batch,
      [&](const RecordView& r) -> Status {
        if (r.offset_delta != expected_delta) deltas_in_order = false;
        ++expected_delta;
        ++walked;
        return Status::OK();
      },
      kCap);
  auto records = decode_records(batch, kCap);
  FUZZ_CHECK(walk.ok() == records.ok());
  if (walk.ok()) {
    FUZZ_CHECK(walked == h.records_count);
    FUZZ_CHECK(records->size() == size_t(walked));
  }

  if (full_status.ok()) {
    // A fully valid batch: the records are exactly recordsCount = lastOffsetDelta + 1, with
    // offset deltas 0, 1, 2, ...
    FUZZ_CHECK(walk.ok() && deltas_in_order);
    FUZZ_CHECK(h.records_count > 0 && int64_t(h.records_count) == int64_t(h.last_offset_delta) + 1);
    for (size_t i = 0; i < records->size(); ++i) {
      const Record& r = (*records)[i];
      FUZZ_CHECK(uint64_t(r.offset) == uint64_t(h.base_offset) + i);
      if (h.timestamp_type() == TimestampType::log_append_time) FUZZ_CHECK(r.timestamp == h.max_timestamp);
    }
  } else if (shallow_status.ok() && walk.ok() && deltas_in_order && h.records_count > 0 &&
             int64_t(h.records_count) == int64_t(h.last_offset_delta) + 1) {
    FUZZ_CHECK(false);  // full validation rejected a batch whose every check passes here
  }
}

void run(ByteView data) {
  BatchIterator it(data);
  size_t batches = 0;
  while (auto b = it.next()) {
    FUZZ_CHECK(b->position + b->bytes.size() == it.position());
    check_batch(*b);
    ++batches;
  }
  FUZZ_CHECK(it.stop() != BatchIterator::Stop::none);
  FUZZ_CHECK(it.position() <= data.size());
  FUZZ_CHECK((it.stop() == BatchIterator::Stop::clean_end) == (it.position() == data.size()));
  // The whole input as one batch: exercises the length checks with every size.
  (void)validate_batch(data, ValidateOptions{.check_records = true, .max_decompressed = kCap});
  (void)batches;
}

}  // namespace
}  // namespace gregor::model

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gregor::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gregor;
  using namespace gregor::model;
  // Exact-size copies, so ASan catches any read past the end.
  std::vector<uint8_t> raw(data, data + size);
  run(ByteView(raw.data(), raw.size()));

  std::vector<uint8_t> sealed = raw;
  bool changed = false;
  BatchIterator it{ByteView(sealed.data(), sealed.size())};
  while (auto b = it.next()) {
    std::span<uint8_t> batch(sealed.data() + b->position, b->bytes.size());
    uint32_t crc = compute_batch_crc(b->bytes);
    if (crc != b->header.crc) {
      reseal_crc(batch);
      changed = true;
    }
  }
  if (changed) run(ByteView(sealed.data(), sealed.size()));
  return 0;
}
