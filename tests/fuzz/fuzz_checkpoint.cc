// fuzz_checkpoint: the input is the text of a small file a broker reads at startup. Every
// input goes through each text parser: offset checkpoints (recovery-point, log-start,
// replication), leader-epoch-checkpoint, meta.properties, partition.metadata and
// server.properties. None may crash; the ones with a writer must round-trip what they accept
// (format -> parse gives the same value back).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "server/properties.h"
#include "storage/checkpoint_file.h"
#include "storage/leader_epoch_cache.h"
#include "storage/meta_properties.h"
#include "storage/partition_metadata.h"

namespace gregor::storage {
namespace {

void offset_checkpoint(std::string_view text) {
  auto entries = parse_offset_checkpoint(text);
  if (!entries.ok()) return;
  auto again = parse_offset_checkpoint(format_offset_checkpoint(*entries));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *entries);
}

void leader_epoch_checkpoint(std::string_view text) {
  auto entries = parse_leader_epoch_checkpoint(text);
  if (!entries.ok()) return;
  for (size_t i = 1; i < entries->size(); ++i) {
    FUZZ_CHECK((*entries)[i].epoch > (*entries)[i - 1].epoch);
    FUZZ_CHECK((*entries)[i].start_offset >= (*entries)[i - 1].start_offset);
  }
  auto again = parse_leader_epoch_checkpoint(format_leader_epoch_checkpoint(*entries));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *entries);
}

void meta_properties(std::string_view text) {
  auto m = parse_meta_properties(text);
  if (!m.ok()) return;
  auto again = parse_meta_properties(format_meta_properties(*m));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *m);
}

void partition_metadata(std::string_view text) {
  auto id = parse_partition_metadata(text);
  if (!id.ok()) return;
  auto again = parse_partition_metadata(format_partition_metadata(*id));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *id);
}

void server_properties(std::string_view text) {
  auto m = server::parse_properties(text, "fuzz.properties");
  if (!m.ok()) return;
  for (const auto& [k, v] : *m) FUZZ_CHECK(!k.empty());
}

}  // namespace
}  // namespace gregor::storage

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gregor::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gregor::storage;
  // An exact-size heap copy (no terminating NUL, no small-string buffer), so ASan catches any
  // read past the end.
  std::unique_ptr<char[]> copy(new char[size]);
  if (size > 0) std::memcpy(copy.get(), data, size);
  const std::string_view text(copy.get(), size);
  offset_checkpoint(text);
  leader_epoch_checkpoint(text);
  meta_properties(text);
  partition_metadata(text);
  server_properties(text);
  return 0;
}
