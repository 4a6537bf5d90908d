#include "storage/txn_index.h"

#include <fcntl.h>

#include <fmt/format.h>

#include "io/file.h"
#include "model/error_code.h"
#include "storage/partition_dir.h"

namespace gregor::storage {

namespace {

void encode_entry(Bytes& out, const AbortedTxn& e) {
  append_be16(out, 0);
  append_be64(out, uint64_t(e.producer_id));
  append_be64(out, uint64_t(e.first_offset));
  append_be64(out, uint64_t(e.last_offset));
  append_be64(out, uint64_t(e.last_stable_offset));
}

}  // namespace

Bytes encode_txn_index(const std::vector<AbortedTxn>& entries) {
  Bytes out;
  out.reserve(entries.size() * kTxnIndexEntryBytes);
  for (const auto& e : entries) encode_entry(out, e);
  return out;
}

Result<std::vector<AbortedTxn>> decode_txn_index(ByteView data) {
  std::vector<AbortedTxn> out;
  for (size_t pos = 0; pos + kTxnIndexEntryBytes <= data.size(); pos += kTxnIndexEntryBytes) {
    const uint8_t* p = data.data() + pos;
    int16_t version = int16_t(load_be16(p));
    if (version != 0)
      return model::make_error(model::ErrorCode::CORRUPT_MESSAGE,
                               fmt::format("transaction index entry at byte {} has version {}", pos, version));
    AbortedTxn e{int64_t(load_be64(p + 2)), int64_t(load_be64(p + 10)), int64_t(load_be64(p + 18)),
                 int64_t(load_be64(p + 26))};
    if (e.first_offset < 0 || e.last_offset < e.first_offset)
      return model::make_error(model::ErrorCode::CORRUPT_MESSAGE,
                               fmt::format("transaction index entry at byte {} spans [{}, {}]", pos, e.first_offset,
                                           e.last_offset));
    out.push_back(e);
  }
  return out;
}

Result<std::vector<AbortedTxn>> read_txn_index(const std::filesystem::path& dir, int64_t base_offset) {
  auto path = segment_file(dir, base_offset, kTxnIndexSuffix);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::vector<AbortedTxn>{};
  auto data = io::read_small_file(path, size_t(64) << 20);
  if (!data.ok()) return data.error();
  auto decoded = decode_txn_index(ByteView(reinterpret_cast<const uint8_t*>(data->data()), data->size()));
  if (!decoded.ok())
    return model::make_error(model::ErrorCode::CORRUPT_MESSAGE,
                             fmt::format("{}: {}", path.string(), decoded.error().message));
  return decoded;
}

Status write_txn_index(const std::filesystem::path& dir, int64_t base_offset, const std::vector<AbortedTxn>& entries) {
  auto path = segment_file(dir, base_offset, kTxnIndexSuffix);
  if (entries.empty()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return Status::OK();
  }
  Bytes data = encode_txn_index(entries);
  return io::write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

Status append_txn_index(const std::filesystem::path& dir, int64_t base_offset, const AbortedTxn& entry) {
  auto f = io::File::open(segment_file(dir, base_offset, kTxnIndexSuffix), O_WRONLY | O_CREAT);
  if (!f.ok()) return f.error();
  auto size = (*f)->size();
  if (!size.ok()) return size.error();
  // A torn entry from a crash is overwritten.
  uint64_t at = *size - *size % kTxnIndexEntryBytes;
  Bytes data;
  encode_entry(data, entry);
  return (*f)->pwrite_all(data, at);
}

}  // namespace gregor::storage
