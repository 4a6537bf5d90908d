#include "storage/producer_snapshot.h"

#include <algorithm>

#include <fmt/format.h>

#include "io/file.h"
#include "model/crc32c.h"
#include "model/error_code.h"
#include "storage/partition_dir.h"

namespace gregor::storage {

namespace {

constexpr size_t kHeaderBytes = 2 + 4 + 4;  // version, crc, entry count
constexpr size_t kEntryBytes = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
constexpr size_t kMaxSnapshotBytes = size_t(256) << 20;

Error corrupt(std::string why) { return model::make_error(model::ErrorCode::CORRUPT_MESSAGE, std::move(why)); }

}  // namespace

Bytes encode_producer_snapshot(const std::map<int64_t, ProducerEntry>& producers) {
  Bytes out;
  out.reserve(kHeaderBytes + producers.size() * kEntryBytes);
  append_be16(out, uint16_t(kProducerSnapshotVersion));
  append_be32(out, 0);  // crc, filled in below
  append_be32(out, uint32_t(producers.size()));
  for (const auto& [id, e] : producers) {
    const ProducerBatch* last = e.batches.empty() ? nullptr : &e.batches.back();
    append_be64(out, uint64_t(id));
    append_be16(out, uint16_t(e.epoch));
    append_be32(out, uint32_t(last ? last->last_seq : model::kNoSequence));
    append_be64(out, uint64_t(last ? last->last_offset : -1));
    append_be32(out, uint32_t(last ? int32_t(last->last_offset - last->first_offset) : 0));
    append_be64(out, uint64_t(e.last_timestamp));
    append_be32(out, uint32_t(e.coordinator_epoch));
    append_be64(out, uint64_t(e.current_txn_first_offset));
  }
  store_be32(out.data() + 2, model::crc32c(ByteView(out).subspan(6)));
  return out;
}

Result<std::map<int64_t, ProducerEntry>> decode_producer_snapshot(ByteView data) {
  if (data.size() < kHeaderBytes) return corrupt(fmt::format("producer snapshot of {} bytes is too short", data.size()));
  int16_t version = int16_t(load_be16(data.data()));
  if (version != kProducerSnapshotVersion) return corrupt(fmt::format("unknown producer snapshot version {}", version));
  uint32_t crc = load_be32(data.data() + 2);
  if (crc != model::crc32c(data.subspan(6))) return corrupt("producer snapshot CRC mismatch");
  uint32_t count = load_be32(data.data() + 6);
  if (uint64_t(count) * kEntryBytes != data.size() - kHeaderBytes)
    return corrupt(fmt::format("producer snapshot says {} entries in {} bytes", count, data.size()));
  std::map<int64_t, ProducerEntry> out;
  const uint8_t* p = data.data() + kHeaderBytes;
  for (uint32_t i = 0; i < count; ++i, p += kEntryBytes) {
    ProducerEntry e;
    e.producer_id = int64_t(load_be64(p));
    e.epoch = int16_t(load_be16(p + 8));
    int32_t last_seq = int32_t(load_be32(p + 10));
    int64_t last_offset = int64_t(load_be64(p + 14));
    int32_t delta = int32_t(load_be32(p + 22));
    e.last_timestamp = int64_t(load_be64(p + 26));
    e.coordinator_epoch = int32_t(load_be32(p + 34));
    e.current_txn_first_offset = int64_t(load_be64(p + 38));
    if (e.producer_id < 0 || delta < 0) return corrupt(fmt::format("producer snapshot entry {} is invalid", i));
    if (last_offset >= 0) {
      // The first sequence wraps like the producer's (sequences run 0..INT32_MAX, then 0).
      int64_t first_seq = int64_t(last_seq) - delta;
      if (first_seq < 0) first_seq += int64_t(INT32_MAX) + 1;
      e.batches.push_back(ProducerBatch{int32_t(first_seq), last_seq, last_offset - delta, last_offset, e.last_timestamp});
    }
    out[e.producer_id] = std::move(e);
  }
  return out;
}

Status write_producer_snapshot(const std::filesystem::path& dir, int64_t offset,
                               const std::map<int64_t, ProducerEntry>& producers) {
  Bytes data = encode_producer_snapshot(producers);
  return io::write_file_atomic(segment_file(dir, offset, kSnapshotSuffix),
                               std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

Result<std::map<int64_t, ProducerEntry>> read_producer_snapshot(const std::filesystem::path& file) {
  auto data = io::read_small_file(file, kMaxSnapshotBytes);
  if (!data.ok()) return data.error();
  auto decoded = decode_producer_snapshot(ByteView(reinterpret_cast<const uint8_t*>(data->data()), data->size()));
  if (!decoded.ok()) return corrupt(fmt::format("{}: {}", file.string(), decoded.error().message));
  return decoded;
}

std::vector<int64_t> list_producer_snapshots(const std::filesystem::path& dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (auto o = parse_segment_file(entry.path().filename().string(), kSnapshotSuffix)) out.push_back(*o);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void remove_producer_snapshot(const std::filesystem::path& dir, int64_t offset) {
  std::error_code ec;
  std::filesystem::remove(segment_file(dir, offset, kSnapshotSuffix), ec);
}

}  // namespace gregor::storage
