#include "model/record.h"

#include <string>

#include "base/varint.h"
#include "model/error_code.h"

namespace gregor::model {
namespace {

Error bad_record(const char* what) { return make_error(ErrorCode::INVALID_RECORD, std::string("record: ") + what); }

// Reads a varint length-prefixed field; -1 means null. false on malformed input.
bool get_field(const uint8_t** p, const uint8_t* end, std::optional<ByteView>& out) {
  auto len = varint::get_varint(p, end);
  if (!len || *len < -1) return false;
  if (*len == -1) {
    out.reset();
    return true;
  }
  if (size_t(*len) > size_t(end - *p)) return false;
  out = ByteView(*p, size_t(*len));
  *p += *len;
  return true;
}

Status walk(ByteView payload, int32_t count, const std::function<Status(const RecordView&)>& fn) {
  const uint8_t* p = payload.data();
  const uint8_t* end = p + payload.size();
  RecordView r;
  for (int32_t i = 0; i < count; ++i) {
    if (auto s = parse_record(&p, end, r); !s.ok()) return s;
    if (auto s = fn(r); !s.ok()) return s;
  }
  if (p != end) return bad_record("bytes left after the last record");
  return Status::OK();
}

}  // namespace

Status parse_record(const uint8_t** pp, const uint8_t* end, RecordView& out) {
  auto len = varint::get_varint(pp, end);
  if (!len || *len < 0 || size_t(*len) > size_t(end - *pp)) return bad_record("bad length");
  const uint8_t* p = *pp;
  const uint8_t* rend = p + *len;
  if (p >= rend) return bad_record("empty");
  out.attributes = int8_t(*p++);
  auto ts = varint::get_varlong(&p, rend);
  auto od = varint::get_varint(&p, rend);
  if (!ts || !od) return bad_record("bad timestamp or offset delta");
  out.timestamp_delta = *ts;
  out.offset_delta = *od;
  if (!get_field(&p, rend, out.key) || !get_field(&p, rend, out.value)) return bad_record("bad key or value");
  auto nh = varint::get_varint(&p, rend);
  if (!nh || *nh < 0 || *nh > rend - p) return bad_record("bad header count");
  out.headers.clear();
  out.headers.reserve(size_t(*nh));
  for (int32_t i = 0; i < *nh; ++i) {
    std::optional<ByteView> k, v;
    if (!get_field(&p, rend, k) || !k) return bad_record("bad header key");
    if (!get_field(&p, rend, v)) return bad_record("bad header value");
    out.headers.push_back(HeaderView{*k, v});
  }
  if (p != rend) return bad_record("length disagrees with its fields");
  *pp = rend;
  return Status::OK();
}

Result<Bytes> batch_records_payload(ByteView batch, size_t max_decompressed) {
  BatchHeader h = BatchHeader::parse(batch.data());
  return decompress(h.compression(), batch.subspan(kBatchHeaderSize), max_decompressed);
}

Status for_each_record(ByteView batch, const std::function<Status(const RecordView&)>& fn, size_t max_decompressed) {
  if (batch.size() < kBatchHeaderSize) return make_error(ErrorCode::CORRUPT_MESSAGE, "batch too short");
  BatchHeader h = BatchHeader::parse(batch.data());
  if (h.codec_id() > 4) return make_error(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown codec");
  if (h.records_count < 0) return bad_record("negative record count");
  if (h.compression() == Compression::none) return walk(batch.subspan(kBatchHeaderSize), h.records_count, fn);
  auto payload = decompress(h.compression(), batch.subspan(kBatchHeaderSize), max_decompressed);
  if (!payload.ok()) return payload.error();
  return walk(*payload, h.records_count, fn);
}

Result<std::vector<Record>> decode_records(ByteView batch, size_t max_decompressed) {
  if (batch.size() < kBatchHeaderSize) return make_error(ErrorCode::CORRUPT_MESSAGE, "batch too short");
  BatchHeader h = BatchHeader::parse(batch.data());
  std::vector<Record> out;
  auto s = for_each_record(
      batch,
      [&](const RecordView& v) -> Status {
        Record r;
        // Wrapping (Java long) arithmetic: the header and deltas of an unvalidated batch may be
        // anything.
        r.offset = int64_t(uint64_t(h.base_offset) + uint64_t(int64_t(v.offset_delta)));
        r.timestamp = h.timestamp_type() == TimestampType::log_append_time
                          ? h.max_timestamp
                          : int64_t(uint64_t(h.base_timestamp) + uint64_t(v.timestamp_delta));
        if (v.key) r.key = Bytes(v.key->begin(), v.key->end());
        if (v.value) r.value = Bytes(v.value->begin(), v.value->end());
        for (const auto& hv : v.headers) {
          Header hd{std::string(hv.key.begin(), hv.key.end()), std::nullopt};
          if (hv.value) hd.value = Bytes(hv.value->begin(), hv.value->end());
          r.headers.push_back(std::move(hd));
        }
        out.push_back(std::move(r));
        return Status::OK();
      },
      max_decompressed);
  if (!s.ok()) return s.error();
  return out;
}

}  // namespace gregor::model
