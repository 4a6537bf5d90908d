#include "storage/batch_scanner.h"

namespace gregor::storage {

using model::kBatchHeaderSize;

BatchScanner::BatchScanner(const io::File& file, uint64_t start, uint64_t end, size_t buffer_bytes)
    : file_(file), pos_(start), end_(end), buffer_bytes_(buffer_bytes) {}

Status BatchScanner::fill(uint64_t at, size_t n) {
  if (at >= buf_at_ && at + n <= buf_at_ + buf_.size()) return Status::OK();
  size_t want = size_t(std::min<uint64_t>(std::max(n, buffer_bytes_), end_ - at));
  buf_.resize(want);
  size_t got = 0;
  while (got < want) {
    auto r = file_.pread_some(at + got, buf_.data() + got, want - got);
    if (!r.ok()) return r.error();
    if (*r == 0) break;
    got += *r;
  }
  buf_.resize(got);
  buf_at_ = at;
  if (got < n) return Error{56, "segment file shorter than expected: " + file_.path().string()};
  return Status::OK();
}

std::optional<ScannedBatch> BatchScanner::next() {
  last_.reset();
  if (stop_ != Stop::none) return std::nullopt;
  uint64_t left = end_ - pos_;
  if (left == 0) {
    stop_ = Stop::clean_end;
    return std::nullopt;
  }
  if (left < kBatchHeaderSize) {
    stop_ = Stop::partial;
    return std::nullopt;
  }
  if (auto s = fill(pos_, kBatchHeaderSize); !s.ok()) {
    status_ = s;
    stop_ = Stop::partial;
    return std::nullopt;
  }
  auto h = model::BatchHeader::parse(buf_.data() + (pos_ - buf_at_));
  if (h.batch_length < model::kMinBatchLength) {
    stop_ = Stop::bad_length;
    return std::nullopt;
  }
  if (h.size_bytes() > left) {
    stop_ = Stop::partial;
    return std::nullopt;
  }
  last_ = ScannedBatch{h, pos_, uint32_t(h.size_bytes())};
  pos_ += h.size_bytes();
  return last_;
}

Result<ByteView> BatchScanner::bytes() {
  GREGOR_ASSERT(last_.has_value());
  if (auto s = fill(last_->position, last_->size); !s.ok()) return s.error();
  return ByteView(buf_.data() + (last_->position - buf_at_), last_->size);
}

}  // namespace gregor::storage
