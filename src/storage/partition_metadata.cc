#include "storage/partition_metadata.h"

#include "io/file.h"
#include "model/error_code.h"
#include "storage/checkpoint_file.h"

namespace gregor::storage {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

Error malformed(const std::string& why) {
  return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, "malformed partition.metadata: " + why);
}

}  // namespace

std::string uuid_to_base64url(const TopicIdBytes& id) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : id) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;  // 22 characters, no padding
}

std::optional<TopicIdBytes> uuid_from_base64url(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  if (s.size() != 22) return std::nullopt;
  TopicIdBytes id{};
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (char c : s) {
    int v = decode_char(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < 16) id[n++] = uint8_t(acc >> bits);
    }
  }
  if (n != 16 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return id;
}

std::string format_partition_metadata(const TopicIdBytes& topic_id) {
  return "version: 0\ntopic_id: " + uuid_to_base64url(topic_id) + "\n";
}

Result<TopicIdBytes> parse_partition_metadata(std::string_view text) {
  auto ls = checkpoint_text::lines(text);
  if (ls.size() < 2) return malformed("expected two lines");
  auto v = checkpoint_text::fields(ls[0]);
  if (v.size() != 2 || v[0] != "version:" || v[1] != "0") return malformed("bad version line");
  auto t = checkpoint_text::fields(ls[1]);
  if (t.size() != 2 || t[0] != "topic_id:") return malformed("bad topic_id line");
  auto id = uuid_from_base64url(t[1]);
  if (!id) return malformed("bad topic id");
  return *id;
}

Status write_partition_metadata(const std::filesystem::path& partition_dir, const TopicIdBytes& topic_id) {
  return io::write_file_atomic(partition_dir / kPartitionMetadataFile, format_partition_metadata(topic_id));
}

Result<TopicIdBytes> read_partition_metadata(const std::filesystem::path& partition_dir) {
  auto text = io::read_small_file(partition_dir / kPartitionMetadataFile);
  if (!text.ok()) return text.error();
  return parse_partition_metadata(*text);
}

}  // namespace gregor::storage
