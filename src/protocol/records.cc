#include "protocol/records.h"

namespace gregor::proto {

void Records::append(SharedSlice bytes) {
  null_ = false;
  if (bytes.empty()) return;
  size_ += bytes.size();
  parts_.emplace_back(std::move(bytes));
}

void Records::append(io::FileSlice slice) {
  null_ = false;
  if (slice.size == 0) return;
  size_ += slice.size;
  parts_.emplace_back(std::move(slice));
}

Result<Bytes> Records::to_bytes() const {
  Bytes out;
  out.reserve(size_);
  for (const Part& p : parts_) {
    if (auto* s = std::get_if<SharedSlice>(&p)) {
      append_bytes(out, s->data(), s->size());
    } else {
      const auto& f = std::get<io::FileSlice>(p);
      Bytes tmp;
      if (auto st = f.file->pread_exact(f.position, f.size, tmp); !st.ok()) return st.error();
      out.insert(out.end(), tmp.begin(), tmp.end());
    }
  }
  return out;
}

const SharedSlice* Records::single_slice() const {
  if (parts_.size() != 1) return nullptr;
  return std::get_if<SharedSlice>(&parts_[0]);
}

bool Records::operator==(const Records& other) const {
  if (null_ != other.null_ || size_ != other.size_) return false;
  if (size_ == 0) return true;
  const SharedSlice* a = single_slice();
  const SharedSlice* b = other.single_slice();
  if (a && b) return *a == *b;
  auto x = to_bytes();
  auto y = other.to_bytes();
  return x.ok() && y.ok() && *x == *y;
}

}  // namespace gregor::proto
