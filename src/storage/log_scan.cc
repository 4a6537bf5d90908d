#include "storage/log_scan.h"

#include <fmt/format.h>

#include "model/error_code.h"

namespace gregor::storage {

namespace {
constexpr int32_t kScanReadBytes = 1 << 20;
}

Status scan_log(const Log& log, const std::function<Status(const model::BatchRef&)>& fn) {
  int64_t offset = log.log_start_offset();
  const int64_t end = log.log_end_offset();
  Bytes buf;
  while (offset < end) {
    auto slice = log.read(offset, kScanReadBytes, end, true);
    if (!slice.ok()) return slice.error();
    if (slice->size == 0) break;
    if (auto s = slice->file->pread_exact(slice->position, slice->size, buf); !s.ok()) return s.error();
    model::BatchIterator it{ByteView(buf)};
    int64_t next = offset;
    while (auto batch = it.next()) {
      next = batch->header.last_offset() + 1;
      if (auto s = fn(*batch); !s.ok()) return s;
    }
    if (next <= offset)
      return model::make_error(model::ErrorCode::CORRUPT_MESSAGE,
                               fmt::format("{}: no whole batch at offset {}", log.dir().string(), offset));
    offset = next;
  }
  return Status::OK();
}

}  // namespace gregor::storage
