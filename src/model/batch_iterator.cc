#include "model/batch_iterator.h"

namespace gregor::model {

std::optional<BatchRef> BatchIterator::next() {
  if (stop_ != Stop::none) return std::nullopt;
  size_t left = data_.size() - pos_;
  if (left == 0) {
    stop_ = Stop::clean_end;
    return std::nullopt;
  }
  if (left < kLogOverhead) {
    stop_ = Stop::partial;
    return std::nullopt;
  }
  int32_t len = int32_t(load_be32(data_.data() + pos_ + batch_field::batch_length));
  if (len < kMinBatchLength) {
    stop_ = Stop::bad_length;
    return std::nullopt;
  }
  size_t size = size_t(len) + kLogOverhead;
  if (size > left) {
    stop_ = Stop::partial;
    return std::nullopt;
  }
  BatchRef ref{BatchHeader::parse(data_.data() + pos_), data_.subspan(pos_, size), pos_};
  pos_ += size;
  return ref;
}

}  // namespace gregor::model
