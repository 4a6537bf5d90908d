#include "storage/index_file.h"

#include <fcntl.h>

#include "model/error_code.h"

namespace gregor::storage {

Result<IndexFile> IndexFile::open(const std::filesystem::path& path, size_t entry_size, size_t max_bytes) {
  auto f = io::File::open(path, O_RDWR | O_CREAT);
  if (!f.ok()) return f.error();
  auto size = (*f)->size();
  if (!size.ok()) return size.error();
  Bytes data;
  if (*size > 0) {
    if (auto s = (*f)->pread_exact(0, size_t(*size), data); !s.ok()) return s.error();
  }
  return IndexFile(std::move(*f), entry_size, max_bytes, std::move(data));
}

Status IndexFile::append(ByteView e) {
  GREGOR_ASSERT(e.size() == entry_size_);  // the callers' own entry size
  if (!whole())
    return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR,
                             path().string() + ": index file holds a partial entry; recovery must rebuild it");
  if (auto s = file_->pwrite_all(e, data_.size()); !s.ok()) return s;
  data_.insert(data_.end(), e.begin(), e.end());
  dirty_ = true;
  return Status::OK();
}

Status IndexFile::truncate_entries(size_t n) {
  GREGOR_ASSERT(n <= entries());
  if (n * entry_size_ == data_.size()) return Status::OK();
  if (auto s = file_->truncate(n * entry_size_); !s.ok()) return s;
  data_.resize(n * entry_size_);
  dirty_ = true;
  return Status::OK();
}

Status IndexFile::rewrite(Bytes contents) {
  if (auto s = file_->truncate(0); !s.ok()) return s;
  if (!contents.empty()) {
    if (auto s = file_->pwrite_all(contents, 0); !s.ok()) return s;
  }
  data_ = std::move(contents);
  dirty_ = true;
  return Status::OK();
}

Status IndexFile::datasync() {
  if (!dirty_) return Status::OK();
  if (auto s = file_->datasync(); !s.ok()) return s;
  dirty_ = false;
  return Status::OK();
}

}  // namespace gregor::storage
