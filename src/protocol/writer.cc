#include "protocol/writer.h"

#include <cstring>

#include "base/assert.h"
#include "base/varint.h"

namespace gregor::proto {

void Writer::float64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  append_be64(buf_, bits);
}

void Writer::uvarint(uint32_t v) { varint::put_uvarint(buf_, v); }

void Writer::string(std::string_view s, bool compact) {
  // An int16 length cannot say more; a longer value is cut rather than corrupting the frame.
  if (!compact && s.size() > size_t(INT16_MAX)) s = s.substr(0, size_t(INT16_MAX));
  if (compact) uvarint(uint32_t(s.size() + 1));
  else int16(int16_t(s.size()));
  append_bytes(buf_, s.data(), s.size());
}

void Writer::nullable_string(const std::optional<std::string>& s, bool compact) {
  if (s) return string(*s, compact);
  if (compact) uvarint(0);
  else int16(-1);
}

void Writer::bytes(ByteView b, bool compact) {
  if (compact) uvarint(uint32_t(b.size() + 1));
  else int32(int32_t(b.size()));
  raw(b);
}

void Writer::nullable_bytes(const std::optional<Bytes>& b, bool compact) {
  if (b) return bytes(*b, compact);
  if (compact) uvarint(0);
  else int32(-1);
}

void Writer::records(const Records& r, bool compact) {
  if (r.is_null()) {
    if (compact) uvarint(0);
    else int32(-1);
    return;
  }
  if (compact) uvarint(uint32_t(r.size() + 1));
  else int32(int32_t(r.size()));
  for (const Records::Part& p : r.parts()) {
    flush_buffer();
    if (auto* s = std::get_if<SharedSlice>(&p)) {
      chunks_.emplace_back(*s);
      done_size_ += s->size();
    } else {
      const auto& f = std::get<io::FileSlice>(p);
      chunks_.emplace_back(f);
      done_size_ += f.size;
    }
  }
}

void Writer::array_length(size_t n, bool compact) {
  if (compact) uvarint(uint32_t(n + 1));
  else int32(int32_t(n));
}

void Writer::null_array(bool compact) {
  if (compact) uvarint(0);
  else int32(-1);
}

void Writer::flush_buffer() {
  if (buf_.empty()) return;
  done_size_ += buf_.size();
  chunks_.emplace_back(std::move(buf_));
  buf_ = Bytes();
}

void Writer::append(Writer&& other) {
  if (other.chunks_.empty()) {
    buf_.insert(buf_.end(), other.buf_.begin(), other.buf_.end());
  } else {
    flush_buffer();
    for (auto& c : other.chunks_) chunks_.push_back(std::move(c));
    done_size_ += other.done_size_;
    buf_ = std::move(other.buf_);
  }
  other.chunks_.clear();
  other.buf_.clear();
  other.done_size_ = 0;
}

const Bytes& Writer::buffer() const {
  GREGOR_ASSERT(chunks_.empty());
  return buf_;
}

void Writer::patch_int32(size_t offset, int32_t v) {
  Bytes* target = &buf_;
  if (!chunks_.empty()) {
    target = std::get_if<Bytes>(&chunks_.front());
    GREGOR_ASSERT(target != nullptr);
  }
  GREGOR_ASSERT(offset + 4 <= target->size());
  store_be32(target->data() + offset, uint32_t(v));
}

io::OutChunks Writer::finish() {
  flush_buffer();
  io::OutChunks out = std::move(chunks_);
  chunks_.clear();
  done_size_ = 0;
  return out;
}

Result<Bytes> flatten(const io::OutChunks& chunks) {
  Bytes out;
  for (const io::OutChunk& c : chunks) {
    if (auto* b = std::get_if<Bytes>(&c)) {
      out.insert(out.end(), b->begin(), b->end());
    } else if (auto* s = std::get_if<SharedSlice>(&c)) {
      append_bytes(out, s->data(), s->size());
    } else {
      const auto& f = std::get<io::FileSlice>(c);
      Bytes tmp;
      if (auto st = f.file->pread_exact(f.position, f.size, tmp); !st.ok()) return st.error();
      out.insert(out.end(), tmp.begin(), tmp.end());
    }
  }
  return out;
}

}  // namespace gregor::proto
