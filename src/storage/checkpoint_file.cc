#include "storage/checkpoint_file.h"

#include <charconv>

#include <fmt/format.h>

#include "io/file.h"
#include "model/error_code.h"

namespace gregor::storage {

namespace checkpoint_text {

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace checkpoint_text

namespace {
Error malformed(const std::string& why) {
  return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, "malformed offset checkpoint: " + why);
}
}  // namespace

std::string format_offset_checkpoint(const std::vector<PartitionOffset>& entries) {
  std::string out = fmt::format("0\n{}\n", entries.size());
  for (const auto& e : entries) out += fmt::format("{} {} {}\n", e.topic, e.partition, e.offset);
  return out;
}

Result<std::vector<PartitionOffset>> parse_offset_checkpoint(std::string_view text) {
  using namespace checkpoint_text;
  auto ls = lines(text);
  if (ls.size() < 2) return malformed("missing version or count line");
  int64_t version = 0, count = 0;
  if (!parse_int(ls[0], version) || version != 0) return malformed(fmt::format("unsupported version '{}'", ls[0]));
  if (!parse_int(ls[1], count) || count < 0) return malformed(fmt::format("bad count '{}'", ls[1]));
  if (size_t(count) != ls.size() - 2) return malformed(fmt::format("count {} but {} entries", count, ls.size() - 2));
  std::vector<PartitionOffset> out;
  for (size_t i = 2; i < ls.size(); ++i) {
    auto f = fields(ls[i]);
    int64_t p = 0, off = 0;
    if (f.size() != 3 || !parse_int(f[1], p) || !parse_int(f[2], off) || p < 0 || p > INT32_MAX)
      return malformed(fmt::format("bad line {}: '{}'", i + 1, ls[i]));
    out.push_back({std::string(f[0]), int32_t(p), off});
  }
  return out;
}

Status write_offset_checkpoint(const std::filesystem::path& path, const std::vector<PartitionOffset>& entries) {
  return io::write_file_atomic(path, format_offset_checkpoint(entries));
}

Result<std::vector<PartitionOffset>> read_offset_checkpoint(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::vector<PartitionOffset>{};
  auto text = io::read_small_file(path, size_t(256) << 20);
  if (!text.ok()) return text.error();
  auto r = parse_offset_checkpoint(*text);
  if (!r.ok()) return Error{r.error().code, path.string() + ": " + r.error().message};
  return r;
}

}  // namespace gregor::storage
