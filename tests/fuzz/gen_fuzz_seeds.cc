// gen_fuzz_seeds: writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/)
// from the project's own encoders, so the seeds are valid inputs the fuzzers mutate from.
// Deterministic: rerunning it rewrites the same files (and leaves the others, such as the
// regress_* inputs of fixed findings). Not a fuzz target (the run script only runs fuzz_*).
// Regenerate with:
//   ninja -C build-fuzz gen_fuzz_seeds && build-fuzz/tests/fuzz/gen_fuzz_seeds tests/fuzz/corpus
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "model/batch_builder.h"
#include "protocol/generated/messages.h"
#include "protocol/header.h"
#include "storage/checkpoint_file.h"
#include "storage/leader_epoch_cache.h"
#include "storage/meta_properties.h"
#include "storage/partition_metadata.h"

namespace fs = std::filesystem;
using namespace gregor;

namespace {

fs::path g_out;

void write(const std::string& target, const std::string& name, const void* data, size_t size) {
  fs::create_directories(g_out / target);
  std::ofstream f(g_out / target / name, std::ios::binary | std::ios::trunc);
  f.write(static_cast<const char*>(data), std::streamsize(size));
  if (!f.good()) {
    std::fprintf(stderr, "cannot write %s/%s\n", target.c_str(), name.c_str());
    std::exit(1);
  }
}
void write(const std::string& target, const std::string& name, const Bytes& b) { write(target, name, b.data(), b.size()); }
void write(const std::string& target, const std::string& name, std::string_view s) {
  write(target, name, s.data(), s.size());
}

template <class T>
T must(Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "gen_fuzz_seeds: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

// --- record batches ----------------------------------------------------------------------

Bytes sample_batch(model::Compression codec, int64_t base_offset, int32_t leader_epoch, int records,
                   size_t value_size = 12) {
  model::BatchBuilder b(codec);
  b.base_offset(base_offset).partition_leader_epoch(leader_epoch);
  for (int i = 0; i < records; ++i) {
    std::string key = "key-" + std::to_string(i);
    std::string value(value_size, char('a' + i % 26));
    std::vector<model::Header> headers;
    if (i % 2 == 0) headers.push_back({"h" + std::to_string(i), bytes_of("hv")});
    if (i % 3 == 0) headers.push_back({"null-header", std::nullopt});
    Bytes k = bytes_of(key), v = bytes_of(value);
    if (i == 1) {
      b.add(std::nullopt, ByteView(v), 1'700'000'000'000 + i, headers);  // null key
    } else if (i == 2) {
      b.add(ByteView(k), std::nullopt, 1'700'000'000'000 + i, headers);  // tombstone
    } else {
      b.add(ByteView(k), ByteView(v), 1'700'000'000'000 + i, headers);
    }
  }
  return must(b.build());
}

void batch_seeds() {
  using model::Compression;
  for (auto codec : {Compression::none, Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd}) {
    std::string name(model::compression_name(codec));
    write("batch", "one_" + name, sample_batch(codec, 0, 0, 4));
  }
  // Idempotent producer, transactional, LogAppendTime and control batches.
  {
    model::BatchBuilder b(Compression::none);
    b.producer(4000, 3, 17).add(std::string_view("k"), std::string_view("idempotent"), 1'700'000'000'000);
    write("batch", "idempotent", must(b.build()));
  }
  {
    model::BatchBuilder b(Compression::lz4);
    b.producer(4001, 0, 0).transactional(true).log_append_time(1'700'000'000'123);
    b.add(std::string_view("k1"), std::string_view("v1"), 1);
    b.add(std::string_view("k2"), std::string_view("v2"), 2);
    write("batch", "transactional_log_append_time", must(b.build()));
  }
  {
    // A commit marker: key = version 0, type 1; value = version 0, coordinator epoch 5.
    const uint8_t key[] = {0, 0, 0, 1};
    const uint8_t value[] = {0, 0, 0, 0, 0, 5};
    model::BatchBuilder b(Compression::none);
    b.producer(4001, 0, -1).transactional(true).control(true);
    b.add(ByteView(key, sizeof key), ByteView(value, sizeof value), 1'700'000'000'200);
    write("batch", "control_marker", must(b.build()));
  }
  // Several batches back to back, as in a fetch response; the last one torn.
  {
    Bytes all = sample_batch(Compression::none, 0, 1, 2);
    Bytes b2 = sample_batch(Compression::zstd, 2, 1, 3);
    Bytes b3 = sample_batch(Compression::snappy, 5, 2, 2);
    all.insert(all.end(), b2.begin(), b2.end());
    all.insert(all.end(), b3.begin(), b3.end() - 7);
    write("batch", "three_torn_tail", all);
  }
  // Extreme header values (regressions: signed overflow in decode_records).
  {
    Bytes b = sample_batch(Compression::none, std::numeric_limits<int64_t>::max() - 1, 0, 4);
    store_be64(b.data() + model::batch_field::base_timestamp, uint64_t(std::numeric_limits<int64_t>::max()));
    model::reseal_crc(b);
    write("batch", "extreme_offsets_timestamps", b);
  }
}

// --- segment files -------------------------------------------------------------------------

void log_recovery_seeds() {
  using model::Compression;
  // Offsets 0.. in several batches, codecs and leader epochs; > 256 bytes, so recovery writes
  // index entries (the target uses index.interval.bytes = 256).
  Bytes seg;
  int64_t next = 0;
  int32_t epoch = 0;
  for (auto codec : {Compression::none, Compression::gzip, Compression::none, Compression::snappy, Compression::lz4,
                     Compression::zstd, Compression::none}) {
    Bytes b = sample_batch(codec, next, epoch, 3, 40);
    seg.insert(seg.end(), b.begin(), b.end());
    next += 3;
    if (codec == Compression::none) ++epoch;
  }
  write("log_recovery", "segment_clean", seg);
  // Torn write: the last batch cut short.
  write("log_recovery", "segment_torn_tail", Bytes(seg.begin(), seg.end() - 30));
  // A batch with a flipped byte in the middle (CRC mismatch), then more valid batches.
  {
    Bytes bad = seg;
    bad[bad.size() / 2] ^= 0x5a;
    write("log_recovery", "segment_corrupt_middle", bad);
  }
  // Offset gap and non-zero first offset (compacted segment).
  {
    Bytes s = sample_batch(Compression::none, 10, 3, 2);
    Bytes t = sample_batch(Compression::none, 100, 4, 1);
    s.insert(s.end(), t.begin(), t.end());
    write("log_recovery", "segment_offset_gaps", s);
  }
  // Offsets going backwards: recovery keeps only the first batch.
  {
    Bytes s = sample_batch(Compression::none, 5, 0, 2);
    Bytes t = sample_batch(Compression::none, 0, 0, 1);
    s.insert(s.end(), t.begin(), t.end());
    write("log_recovery", "segment_offsets_backwards", s);
  }
  // Zero-filled tail (preallocated or torn file).
  {
    Bytes s = sample_batch(Compression::none, 0, 0, 1);
    s.resize(s.size() + 64, 0);
    write("log_recovery", "segment_zero_tail", s);
  }
  // A base offset whose last offset runs past INT64_MAX (regression: signed overflow in
  // BatchHeader::last_offset; baseOffset is outside the CRC, so a corrupt one goes unnoticed).
  {
    Bytes s = sample_batch(Compression::none, 0, 0, 2);
    Bytes t = sample_batch(Compression::none, std::numeric_limits<int64_t>::max() - 2, 0, 4);
    s.insert(s.end(), t.begin(), t.end());
    write("log_recovery", "segment_offset_overflow", s);
  }
}

// --- requests ------------------------------------------------------------------------------

Bytes request_frame(const auto& body, int16_t api_key, int16_t version, int32_t correlation_id) {
  proto::RequestHeader h;
  h.api_key = api_key;
  h.api_version = version;
  h.correlation_id = correlation_id;
  h.client_id = "fuzz-client";
  proto::Writer w;
  h.encode(w, proto::request_header_version(api_key, version));
  body.encode(w, version);
  return must(proto::flatten(w.finish()));
}

template <class M>
void request_seeds_for(const char* name) {
  for (int16_t v = M::kMinVersion; v <= M::kMaxVersion; ++v) {
    // A random message of this version with some content but small: the largest of a few
    // candidates that fits in 400 bytes (else the smallest).
    Bytes best;
    for (uint64_t i = 0; i < 8; ++i) {
      proto::Rng rng(uint64_t(M::kApiKey) << 40 | uint64_t(v) << 20 | (i + 1));
      M m;
      m.randomize(rng, v);
      Bytes frame = request_frame(m, M::kApiKey, v, int32_t(v));
      const bool fits = frame.size() <= 400, best_fits = !best.empty() && best.size() <= 400;
      if (best.empty() || (fits && (!best_fits || frame.size() > best.size())) ||
          (!fits && !best_fits && frame.size() < best.size()))
        best = std::move(frame);
    }
    write("request", std::string(name) + "_v" + std::to_string(v), best);
  }
}

void request_seeds() {
#define GREGOR_SEED_API(Api) request_seeds_for<proto::Api##Request>(#Api);
  GREGOR_PROTO_FOR_EACH_API(GREGOR_SEED_API)
#undef GREGOR_SEED_API

  // Requests as real clients send them.
  {
    proto::ApiVersionsRequest m;
    m.client_software_name = "apache-kafka-java";
    m.client_software_version = "3.7.0";
    write("request", "real_api_versions_v3", request_frame(m, m.kApiKey, 3, 1));
    write("request", "real_api_versions_v0", request_frame(m, m.kApiKey, 0, 1));
  }
  {
    proto::MetadataRequest m;
    m.topics = std::vector<proto::MetadataRequest::MetadataRequestTopic>{};
    m.topics->emplace_back().name = "orders";
    m.topics->emplace_back().name = "payments";
    write("request", "real_metadata_v12", request_frame(m, m.kApiKey, 12, 2));
    m.topics.reset();
    write("request", "real_metadata_all_v1", request_frame(m, m.kApiKey, 1, 2));
  }
  for (int16_t v : {3, 9}) {
    proto::ProduceRequest m;
    m.acks = -1;
    m.timeout_ms = 30000;
    auto& t = m.topic_data.emplace_back();
    t.name = "orders";
    auto& p = t.partition_data.emplace_back();
    p.index = 0;
    p.records = proto::Records(SharedSlice(sample_batch(v == 3 ? model::Compression::none : model::Compression::zstd,
                                                        0, -1, 3)));
    write("request", "real_produce_v" + std::to_string(v), request_frame(m, m.kApiKey, v, 3));
  }
  {
    proto::FetchRequest m;
    m.max_wait_ms = 500;
    m.min_bytes = 1;
    m.max_bytes = 52428800;
    m.isolation_level = 1;
    auto& t = m.topics.emplace_back();
    t.topic = "orders";
    auto& p = t.partitions.emplace_back();
    p.partition = 0;
    p.fetch_offset = 42;
    p.partition_max_bytes = 1048576;
    write("request", "real_fetch_v11", request_frame(m, m.kApiKey, 11, 4));
    write("request", "real_fetch_v12", request_frame(m, m.kApiKey, 12, 4));
  }
}

// --- text files ----------------------------------------------------------------------------

void checkpoint_seeds() {
  write("checkpoint", "recovery_point_offset_checkpoint",
        storage::format_offset_checkpoint({{"orders", 0, 1234}, {"orders", 1, 0}, {"__consumer_offsets", 17, 99}}));
  write("checkpoint", "empty_offset_checkpoint", storage::format_offset_checkpoint({}));
  write("checkpoint", "leader_epoch_checkpoint",
        storage::format_leader_epoch_checkpoint({{0, 0}, {3, 120}, {4, 120}, {7, 9000}}));
  storage::MetaProperties mp;
  mp.node_id = 1;
  mp.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
  mp.directory_id = "J8aAPcfLQt2bqs1JT_rMgQ";
  write("checkpoint", "meta_properties", storage::format_meta_properties(mp));
  write("checkpoint", "meta_properties_v0_broker_id", std::string_view("#\nversion=0\nbroker.id=2\ncluster.id=abc\n"));
  storage::TopicIdBytes id{};
  for (size_t i = 0; i < id.size(); ++i) id[i] = uint8_t(i * 37 + 5);
  write("checkpoint", "partition_metadata", storage::format_partition_metadata(id));
  write("checkpoint", "server_properties",
        std::string_view("# Gregor broker\n"
                         "node.id=1\n"
                         "process.roles=broker,controller\n"
                         "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\n"
                         "log.dirs : ./data\n"
                         "! comment\n"
                         "num.partitions = 3\n"
                         "log.retention.hours=168 \\\n"
                         "  \n"
                         "controller.quorum.voters=1@127.0.0.1:9093\r\n"));
}

// Programs for fuzz_log_append (see its run()): opcode bytes and their operands.
void log_append_seeds() {
  // Client appends whose header max timestamp is -1 (sarama before 1.45.1), enough to pass
  // the index interval and roll: the crash of issue 12 item 0.
  Bytes sarama;
  for (int i = 0; i < 24; ++i) {
    const uint8_t shape = uint8_t(3 + (i % 2) * 8);  // 4 records; none or gzip
    for (uint8_t b : {uint8_t(0), shape, uint8_t(0), uint8_t(i), uint8_t(40), uint8_t(1)}) sarama.push_back(b);
  }
  write("log_append", "sarama_max_timestamp_minus_one", sarama);
  // Appends, a roll, a crash restart, more appends, a truncation, a clean restart.
  Bytes mixed;
  auto append = [&](uint8_t shape, uint8_t lie) {
    for (uint8_t b : {uint8_t(0), shape, uint8_t(0), uint8_t(7), uint8_t(30), lie}) mixed.push_back(b);
  };
  for (int i = 0; i < 6; ++i) append(uint8_t(i), uint8_t(i % 3 == 2 ? 0 : i % 3));
  mixed.push_back(4);
  mixed.push_back(7);
  for (int i = 0; i < 6; ++i) append(uint8_t(0x80 | i), 1);  // records without timestamps
  for (uint8_t b : {uint8_t(3), uint8_t(2), uint8_t(0), uint8_t(9), uint8_t(20), uint8_t(0)}) mixed.push_back(b);
  mixed.push_back(5);
  mixed.push_back(3);
  mixed.push_back(6);
  for (int i = 0; i < 4; ++i) append(uint8_t(0x40 | i), 0);  // idempotent
  write("log_append", "mixed_program", mixed);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir, e.g. tests/fuzz/corpus>\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  batch_seeds();
  log_recovery_seeds();
  log_append_seeds();
  request_seeds();
  checkpoint_seeds();
  return 0;
}
