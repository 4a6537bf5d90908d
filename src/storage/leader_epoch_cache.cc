#include "storage/leader_epoch_cache.h"

#include <fmt/format.h>

#include "io/file.h"
#include "model/error_code.h"
#include "storage/checkpoint_file.h"

namespace gregor::storage {

namespace {
Error malformed(const std::string& why) {
  return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, "malformed leader-epoch-checkpoint: " + why);
}
}  // namespace

Result<std::vector<EpochEntry>> parse_leader_epoch_checkpoint(std::string_view text) {
  using namespace checkpoint_text;
  auto ls = lines(text);
  if (ls.size() < 2) return malformed("missing version or count line");
  int64_t version = 0, count = 0;
  if (!parse_int(ls[0], version) || version != 0) return malformed(fmt::format("unsupported version '{}'", ls[0]));
  if (!parse_int(ls[1], count) || count < 0 || size_t(count) != ls.size() - 2) return malformed("bad count");
  std::vector<EpochEntry> out;
  for (size_t i = 2; i < ls.size(); ++i) {
    auto f = fields(ls[i]);
    int64_t e = 0, off = 0;
    if (f.size() != 2 || !parse_int(f[0], e) || !parse_int(f[1], off) || e < 0 || e > INT32_MAX || off < 0)
      return malformed(fmt::format("bad line {}", i + 1));
    if (!out.empty() && (e <= out.back().epoch || off < out.back().start_offset))
      return malformed("entries out of order");
    out.push_back({int32_t(e), off});
  }
  return out;
}

std::string format_leader_epoch_checkpoint(const std::vector<EpochEntry>& entries) {
  std::string out = fmt::format("0\n{}\n", entries.size());
  for (const auto& e : entries) out += fmt::format("{} {}\n", e.epoch, e.start_offset);
  return out;
}

Result<std::unique_ptr<LeaderEpochCache>> LeaderEpochCache::open(std::filesystem::path path) {
  std::unique_ptr<LeaderEpochCache> c(new LeaderEpochCache(path));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return c;
  auto text = io::read_small_file(path);
  if (!text.ok()) return text.error();
  auto entries = parse_leader_epoch_checkpoint(*text);
  if (!entries.ok()) return entries.error();
  c->entries_ = std::move(*entries);
  c->on_disk_ = c->entries_;
  return c;
}

std::unique_ptr<LeaderEpochCache> LeaderEpochCache::empty(std::filesystem::path path) {
  return std::unique_ptr<LeaderEpochCache>(new LeaderEpochCache(std::move(path)));
}

std::optional<EpochEntry> LeaderEpochCache::latest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

void LeaderEpochCache::assign(int32_t epoch, int64_t start_offset) {
  if (epoch < 0 || (!entries_.empty() && epoch <= entries_.back().epoch)) return;
  while (!entries_.empty() && entries_.back().start_offset >= start_offset) entries_.pop_back();
  entries_.push_back({epoch, start_offset});
}

void LeaderEpochCache::truncate_from_end(int64_t end_offset) {
  while (!entries_.empty() && entries_.back().start_offset >= end_offset) entries_.pop_back();
}

void LeaderEpochCache::truncate_from_start(int64_t start_offset) {
  size_t first_kept = 0;  // the last entry starting at or before start_offset covers it
  while (first_kept + 1 < entries_.size() && entries_[first_kept + 1].start_offset <= start_offset) ++first_kept;
  entries_.erase(entries_.begin(), entries_.begin() + first_kept);
  if (!entries_.empty() && entries_.front().start_offset < start_offset) entries_.front().start_offset = start_offset;
}

void LeaderEpochCache::clear() { entries_.clear(); }

Status LeaderEpochCache::persist() {
  // Each write is an fsync of the file and of its dir: a partition's open and close would
  // otherwise rewrite the same entries several times (thousands of fsyncs at a restart).
  if (on_disk_ && *on_disk_ == entries_) return Status::OK();
  on_disk_.reset();  // unknown until the write succeeds
  if (auto s = io::write_file_atomic(path_, format_leader_epoch_checkpoint(entries_)); !s.ok()) return s;
  on_disk_ = entries_;
  return Status::OK();
}

std::pair<int32_t, int64_t> LeaderEpochCache::end_offset_for(int32_t epoch, int64_t log_end_offset) const {
  if (entries_.empty() || epoch < entries_.front().epoch || epoch > entries_.back().epoch) return {-1, -1};
  if (epoch == entries_.back().epoch) return {epoch, log_end_offset};
  size_t i = 0;  // the last entry with epoch <= requested
  while (i + 1 < entries_.size() && entries_[i + 1].epoch <= epoch) ++i;
  return {entries_[i].epoch, entries_[i + 1].start_offset};
}

}  // namespace gregor::storage
