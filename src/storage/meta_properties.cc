#include "storage/meta_properties.h"

#include <fmt/format.h>

#include "io/file.h"
#include "model/error_code.h"
#include "storage/checkpoint_file.h"

namespace gregor::storage {

namespace {

Error malformed(const std::string& why) {
  return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, "malformed meta.properties: " + why);
}

// '\r' too, as server/properties.cc does: a stray carriage return (Java ends a line there)
// must not survive into a value that format_meta_properties would then write differently.
std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string format_meta_properties(const MetaProperties& m) {
  std::string out = "#\n#Written by gregor\n";
  std::map<std::string, std::string> all = m.other;
  all["version"] = std::to_string(m.version);
  all["node.id"] = std::to_string(m.node_id);
  if (!m.cluster_id.empty()) all["cluster.id"] = m.cluster_id;
  if (!m.directory_id.empty()) all["directory.id"] = m.directory_id;
  for (const auto& [k, v] : all) out += fmt::format("{}={}\n", k, v);
  return out;
}

Result<MetaProperties> parse_meta_properties(std::string_view text) {
  MetaProperties m;
  bool have_version = false, have_node = false;
  for (auto line : checkpoint_text::lines(text)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    auto eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) return malformed(fmt::format("no '=' in '{}'", line));
    std::string key(trim(line.substr(0, eq)));
    std::string value(trim(line.substr(eq + 1)));
    int64_t n = 0;
    if (key == "version") {
      if (!checkpoint_text::parse_int(value, n) || n < 0 || n > 1) return malformed("unsupported version " + value);
      m.version = int32_t(n);
      have_version = true;
    } else if (key == "node.id") {
      if (!checkpoint_text::parse_int(value, n) || n < 0 || n > INT32_MAX) return malformed("bad node.id " + value);
      m.node_id = int32_t(n);
      have_node = true;
    } else if (key == "cluster.id") {
      m.cluster_id = value;
    } else if (key == "directory.id") {
      m.directory_id = value;
    } else {
      m.other[key] = value;
    }
  }
  // A version 0 file names the node with broker.id (kept, and written back). Only without a
  // node.id, wherever it appears in the file, so the result does not depend on key order.
  if (!have_node) {
    if (auto it = m.other.find("broker.id"); it != m.other.end()) {
      int64_t n = 0;
      if (!checkpoint_text::parse_int(it->second, n) || n < 0 || n > INT32_MAX)
        return malformed("bad broker.id " + it->second);
      m.node_id = int32_t(n);
      have_node = true;
    }
  }
  if (!have_version) return malformed("no version");
  if (!have_node) return malformed("no node.id");
  return m;
}

Status write_meta_properties(const std::filesystem::path& log_dir, const MetaProperties& m) {
  return io::write_file_atomic(log_dir / kMetaPropertiesFile, format_meta_properties(m));
}

Result<MetaProperties> read_meta_properties(const std::filesystem::path& log_dir) {
  auto text = io::read_small_file(log_dir / kMetaPropertiesFile);
  if (!text.ok()) return text.error();
  return parse_meta_properties(*text);
}

}  // namespace gregor::storage
