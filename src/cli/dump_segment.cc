#include "cli/dump_segment.h"

#include <fcntl.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <ostream>
#include <string>

#include "io/file.h"
#include "model/batch_iterator.h"
#include "model/compression.h"
#include "model/record.h"
#include "model/record_batch.h"

namespace gregor::cli {
namespace {

using model::BatchHeader;
using model::BatchRef;

constexpr size_t kChunkBytes = size_t{8} << 20;

const char* bool_text(bool b) { return b ? "true" : "false"; }

const char* timestamp_type_name(const BatchHeader& h) {
  return h.timestamp_type() == model::TimestampType::log_append_time ? "LogAppendTime" : "CreateTime";
}

// Kafka's sequence arithmetic: sequences wrap from INT32_MAX to 0.
int32_t increment_sequence(int32_t sequence, int32_t increment) {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

std::string codec_name(const BatchHeader& h) {
  if (auto c = model::compression_from_id(h.codec_id())) return std::string(model::compression_name(*c));
  return "unknown(" + std::to_string(h.codec_id()) + ")";
}

void print_batch_line(const BatchHeader& h, uint64_t position, size_t size, bool valid, std::ostream& out) {
  const int32_t last_sequence =
      h.base_sequence == model::kNoSequence ? model::kNoSequence : increment_sequence(h.base_sequence, h.last_offset_delta);
  out << "baseOffset: " << h.base_offset << " lastOffset: " << h.last_offset() << " count: " << h.records_count
      << " baseSequence: " << h.base_sequence << " lastSequence: " << last_sequence
      << " producerId: " << h.producer_id << " producerEpoch: " << h.producer_epoch
      << " partitionLeaderEpoch: " << h.partition_leader_epoch << " isTransactional: " << bool_text(h.is_transactional())
      << " isControl: " << bool_text(h.is_control()) << " deleteHorizonMs: ";
  if (h.has_delete_horizon()) {
    out << "OptionalLong[" << h.base_timestamp << "]";
  } else {
    out << "OptionalLong.empty";
  }
  out << " position: " << position << ' ' << timestamp_type_name(h) << ": " << h.max_timestamp << " size: " << size
      << " magic: " << int(h.magic) << " compresscodec: " << codec_name(h) << " crc: " << h.crc
      << " isvalid: " << bool_text(valid) << '\n';
}

// " endTxnMarker: COMMIT coordinatorEpoch: 5" for transaction markers, " controlType: NAME(id)"
// for the other control records.
void print_control_record(const model::RecordView& r, std::ostream& out) {
  if (!r.key || r.key->size() < 4) {
    out << " controlType: invalid key";
    return;
  }
  const auto type = static_cast<int16_t>(load_be16(r.key->data() + 2));
  static const char* const kNames[] = {"ABORT", "COMMIT", "LEADER_CHANGE", "SNAPSHOT_HEADER",
                                       "SNAPSHOT_FOOTER", "KRAFT_VERSION", "KRAFT_VOTERS"};
  if (type == 0 || type == 1) {
    if (!r.value || r.value->size() < 6) {
      out << " endTxnMarker: " << kNames[type] << " coordinatorEpoch: invalid";
      return;
    }
    out << " endTxnMarker: " << kNames[type]
        << " coordinatorEpoch: " << static_cast<int32_t>(load_be32(r.value->data() + 2));
    return;
  }
  const char* name = type >= 0 && type < 7 ? kNames[type] : "UNKNOWN";
  out << " controlType: " << name << '(' << type << ')';
}

class SegmentPrinter {
 public:
  SegmentPrinter(const SegmentDumpOptions& opts, std::ostream& out) : opts_(opts), out_(out) {}

  void print(const BatchRef& batch, uint64_t position) {
    const BatchHeader& h = batch.header;
    // Kafka's isValid: magic 2 and a matching CRC (BatchIterator guarantees a whole header).
    const bool valid = h.magic == model::kMagicV2 && model::compute_batch_crc(batch.bytes) == h.crc;
    print_batch_line(h, position, batch.bytes.size(), valid, out_);
    if (!(opts_.deep_iteration || opts_.print_data_log) || h.magic != model::kMagicV2) return;
    Status s = model::for_each_record(batch.bytes, [&](const model::RecordView& r) {
      print_record(h, r);
      return Status::OK();
    });
    if (!s) out_ << "| invalid records: " << s.error().message << '\n';
  }

  std::vector<OffsetGap> take_gaps() { return std::move(gaps_); }

 private:
  void print_record(const BatchHeader& h, const model::RecordView& r) {
    // Wrapping arithmetic (Java long): the dumped file may be corrupt anywhere.
    const int64_t offset = int64_t(uint64_t(h.base_offset) + uint64_t(int64_t(r.offset_delta)));
    if (last_offset_ && offset != *last_offset_ + 1) gaps_.push_back({*last_offset_, offset});
    last_offset_ = offset;

    const char* prefix = "| ";
    if (!opts_.skip_record_metadata) {
      const int64_t timestamp =
          h.timestamp_type() == model::TimestampType::log_append_time
              ? h.max_timestamp
              : int64_t(uint64_t(h.base_timestamp) + uint64_t(r.timestamp_delta));
      const int32_t sequence =
          h.base_sequence >= 0 ? increment_sequence(h.base_sequence, r.offset_delta) : model::kNoSequence;
      out_ << prefix << "offset: " << offset << ' ' << timestamp_type_name(h) << ": " << timestamp
           << " keySize: " << (r.key ? static_cast<int64_t>(r.key->size()) : -1)
           << " valueSize: " << (r.value ? static_cast<int64_t>(r.value->size()) : -1) << " sequence: " << sequence
           << " headerKeys: [";
      for (size_t i = 0; i < r.headers.size(); ++i) {
        if (i > 0) out_ << ',';
        out_ << printable_bytes(r.headers[i].key.data(), r.headers[i].key.size());
      }
      out_ << ']';
      if (h.is_control()) print_control_record(r, out_);
      prefix = " ";
    }
    if (opts_.print_data_log && !h.is_control()) {
      if (r.key) {
        out_ << prefix << "key: " << printable_bytes(r.key->data(), r.key->size());
        prefix = " ";
      }
      if (r.value) out_ << " payload: " << printable_bytes(r.value->data(), r.value->size());
    }
    out_ << '\n';
  }

  const SegmentDumpOptions& opts_;
  std::ostream& out_;
  std::optional<int64_t> last_offset_;
  std::vector<OffsetGap> gaps_;
};

// Length of the UTF-8 sequence starting at p (1-4), or 0 if it is not valid UTF-8.
size_t utf8_length(const uint8_t* p, size_t left) {
  const uint8_t c = p[0];
  size_t n = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
  } else {
    return 0;
  }
  if (n > left) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string printable_bytes(const uint8_t* data, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size);
  for (size_t i = 0; i < size;) {
    const uint8_t c = data[i];
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (size_t n = c >= 0x80 ? utf8_length(data + i, size - i) : 0; n > 0) {
      out.append(reinterpret_cast<const char*>(data + i), n);
      i += n;
      continue;
    }
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
    ++i;
  }
  return out;
}

Result<std::vector<OffsetGap>> dump_segment(const std::filesystem::path& path, const SegmentDumpOptions& opts,
                                            std::ostream& out) {
  auto file = io::File::open(path, O_RDONLY);
  if (!file) return file.error();
  auto size = file.value()->size();
  if (!size) return size.error();
  const uint64_t file_size = size.value();

  SegmentPrinter printer(opts, out);
  Bytes chunk;
  uint64_t pos = 0;
  size_t want = kChunkBytes;
  while (pos < file_size) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(want, file_size - pos));
    if (Status s = file.value()->pread_exact(pos, len, chunk); !s) return s.error();
    model::BatchIterator it(ByteView(chunk.data(), len));
    while (auto batch = it.next()) printer.print(*batch, pos + batch->position);
    const size_t used = it.position();
    pos += used;
    if (it.stop() == model::BatchIterator::Stop::clean_end) {
      want = kChunkBytes;
      continue;
    }
    const bool chunk_reached_eof = pos + (len - used) >= file_size;
    if (it.stop() == model::BatchIterator::Stop::bad_length || chunk_reached_eof) break;
    // A batch straddles the chunk's end: read again from it, with room for a larger batch.
    want = used == 0 ? want * 2 : kChunkBytes;
  }
  if (pos < file_size) {
    out << "Found " << (file_size - pos) << " invalid bytes at the end of " << path.filename().string() << '\n';
  }
  return printer.take_gaps();
}

}  // namespace gregor::cli
