// The small on-disk files: partition dir names, offset checkpoints, meta.properties,
// partition.metadata, the leader epoch cache; and the retention rules.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "io/file.h"
#include "storage/checkpoint_file.h"
#include "storage/leader_epoch_cache.h"
#include "storage/meta_properties.h"
#include "storage/partition_dir.h"
#include "storage/partition_metadata.h"
#include "storage/retention.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;

TEST(PartitionDir, FormatsAndParsesTopicPartitionNames) {
  EXPECT_EQ(format_partition_dir("orders", 7), "orders-7");
  EXPECT_EQ(parse_partition_dir("orders-7"), (PartitionDirName{"orders", 7}));
  EXPECT_EQ(parse_partition_dir("my-topic.v2-12"), (PartitionDirName{"my-topic.v2", 12}));
  EXPECT_FALSE(parse_partition_dir("orders"));
  EXPECT_FALSE(parse_partition_dir("orders-"));
  EXPECT_EQ(parse_partition_dir("orders--1"), (PartitionDirName{"orders-", 1}));
  EXPECT_FALSE(parse_partition_dir("orders-0.abcdef-delete"));
  EXPECT_FALSE(parse_partition_dir("orders-x"));
  EXPECT_FALSE(parse_partition_dir("bad topic-0"));
}

TEST(PartitionDir, ValidatesTopicNames) {
  EXPECT_TRUE(validate_topic_name("a.b_c-D9").ok());
  EXPECT_FALSE(validate_topic_name("").ok());
  EXPECT_FALSE(validate_topic_name(".").ok());
  EXPECT_FALSE(validate_topic_name("..").ok());
  EXPECT_FALSE(validate_topic_name("a/b").ok());
  EXPECT_TRUE(validate_topic_name(std::string(249, 'x')).ok());
  auto s = validate_topic_name(std::string(250, 'x'));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, 17);  // INVALID_TOPIC_EXCEPTION
}

TEST(PartitionDir, SegmentFileNamesHaveTwentyDigits) {
  EXPECT_EQ(format_offset_name(42), "00000000000000000042");
  EXPECT_EQ(segment_file("/d", 42, kLogSuffix), std::filesystem::path("/d/00000000000000000042.log"));
  EXPECT_EQ(parse_segment_file("00000000000000000042.timeindex", kTimeIndexSuffix), 42);
  EXPECT_FALSE(parse_segment_file("00000000000000000042.index", kLogSuffix));
  EXPECT_FALSE(parse_segment_file("0042.log", kLogSuffix));
}

TEST(OffsetCheckpoint, RoundTripsThroughTheFile) {
  TempDir d;
  std::vector<PartitionOffset> v{{"a", 0, 10}, {"b.c-d", 3, 0}, {"a", 1, 123456789012}};
  auto path = d.path() / kRecoveryPointCheckpointFile;
  ASSERT_TRUE(write_offset_checkpoint(path, v).ok());
  EXPECT_EQ(io::read_small_file(path).value(), "0\n3\na 0 10\nb.c-d 3 0\na 1 123456789012\n");
  auto r = read_offset_checkpoint(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, v);
  auto missing = read_offset_checkpoint(d.path() / "nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
}

TEST(OffsetCheckpoint, MalformedFilesAreReported) {
  for (const char* text : {"", "1\n0\n", "0\n2\na 0 1\n", "0\n1\na x 1\n", "0\n1\na 0\n", "zero\n0\n"}) {
    auto r = parse_offset_checkpoint(text);
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, 56);
    }
  }
  EXPECT_TRUE(parse_offset_checkpoint("0\n0\n").ok());
}

TEST(MetaProperties, RoundTripsAndReadsKafkasFormat) {
  TempDir d;
  MetaProperties m{1, 3, "Mk3OEYBSD34fcwNTJENDM2Q", "p-HkJd6FQyeHKQj9A2GiUQ", {}};
  ASSERT_TRUE(write_meta_properties(d.path(), m).ok());
  auto r = read_meta_properties(d.path());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, m);
  auto k = parse_meta_properties("#\n#Thu Jan 01 00:00:00 UTC 2025\nnode.id=1\ndirectory.id=abc\nversion=1\n"
                                 "cluster.id=xyz\n");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->node_id, 1);
  EXPECT_EQ(k->cluster_id, "xyz");
  EXPECT_FALSE(parse_meta_properties("node.id=1\n").ok());
  EXPECT_FALSE(parse_meta_properties("version=1\nnode.id=x\n").ok());
}

TEST(PartitionMetadata, RoundTripsTheTopicId) {
  TempDir d;
  TopicIdBytes id;
  for (int i = 0; i < 16; ++i) id[i] = uint8_t(i * 17 + 3);
  ASSERT_TRUE(write_partition_metadata(d.path(), id).ok());
  auto text = io::read_small_file(d.path() / kPartitionMetadataFile);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->substr(0, 21), "version: 0\ntopic_id: ");
  EXPECT_EQ(text->size(), 21u + 22 + 1);
  auto r = read_partition_metadata(d.path());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, id);
  TopicIdBytes zero{};
  EXPECT_EQ(uuid_to_base64url(zero), "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_FALSE(uuid_from_base64url("AAAA"));
  EXPECT_FALSE(parse_partition_metadata("version: 1\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n").ok());
}

TEST(LeaderEpochCache, AssignsTruncatesAndPersists) {
  TempDir d;
  auto path = d.path() / kLeaderEpochCheckpointFile;
  auto c = LeaderEpochCache::empty(path);
  c->assign(1, 0);
  c->assign(1, 5);  // same epoch: no change
  c->assign(3, 10);
  c->assign(2, 12);  // lower epoch: ignored
  c->assign(4, 20);
  EXPECT_FALSE(std::filesystem::exists(path));  // in memory until persisted
  ASSERT_TRUE(c->persist().ok());
  EXPECT_EQ(io::read_small_file(path).value(), "0\n3\n1 0\n3 10\n4 20\n");
  EXPECT_EQ(c->end_offset_for(1, 30), (std::pair<int32_t, int64_t>{1, 10}));
  EXPECT_EQ(c->end_offset_for(2, 30), (std::pair<int32_t, int64_t>{1, 10}));
  EXPECT_EQ(c->end_offset_for(4, 30), (std::pair<int32_t, int64_t>{4, 30}));
  EXPECT_EQ(c->end_offset_for(5, 30), (std::pair<int32_t, int64_t>{-1, -1}));
  EXPECT_EQ(c->end_offset_for(0, 30), (std::pair<int32_t, int64_t>{-1, -1}));
  c->truncate_from_end(20);
  EXPECT_EQ(c->latest(), (EpochEntry{3, 10}));
  c->truncate_from_start(12);
  EXPECT_EQ(c->entries(), (std::vector<EpochEntry>{{3, 12}}));
  ASSERT_TRUE(c->persist().ok());
  auto reopened = LeaderEpochCache::open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->entries(), c->entries());
  ASSERT_TRUE(io::write_file_atomic(path, "0\n2\n5 10\n4 20\n").ok());
  EXPECT_FALSE(LeaderEpochCache::open(path).ok());
}

TEST(LeaderEpochCache, PersistWritesOnlyWhenTheEntriesDifferFromTheFile) {
  // A restart of 1,000 partitions rewrote each checkpoint several times, most with the same
  // entries (two fsyncs each). Every atomic write replaces the file, so its inode tells.
  TempDir d;
  auto path = d.path() / kLeaderEpochCheckpointFile;
  auto inode = [&] {
    struct stat st{};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_ino;
  };
  auto c = LeaderEpochCache::empty(path);
  c->assign(1, 0);
  ASSERT_TRUE(c->persist().ok());
  auto first = inode();
  ASSERT_TRUE(c->persist().ok());
  EXPECT_EQ(inode(), first);
  auto reopened = LeaderEpochCache::open(path);
  ASSERT_TRUE(reopened.ok());
  ASSERT_TRUE((*reopened)->persist().ok());  // loaded from this very file
  (*reopened)->truncate_from_end(5);  // nothing starts at or after 5
  EXPECT_EQ(inode(), first);
  (*reopened)->assign(2, 7);
  EXPECT_EQ(inode(), first);  // in memory only
  ASSERT_TRUE((*reopened)->persist().ok());
  EXPECT_NE(inode(), first);
  EXPECT_EQ(io::read_small_file(path).value(), "0\n2\n1 0\n2 7\n");
  // A cache with no file behind it always writes, even when empty.
  std::filesystem::remove(path);
  auto fresh = LeaderEpochCache::empty(path);
  ASSERT_TRUE(fresh->persist().ok());
  EXPECT_EQ(io::read_small_file(path).value(), "0\n0\n");
}

TEST(Retention, TakesOldestSegmentsWhileTheRulesHold) {
  LogConfig cfg;
  cfg.retention_ms = 100;
  cfg.retention_bytes = -1;
  std::vector<SegmentSummary> s{{0, 10, 100, 50, false}, {10, 20, 100, 80, false}, {20, 30, 100, 500, false},
                                {30, 35, 50, 600, true}};
  EXPECT_EQ(segments_to_delete(s, cfg, 200, INT64_MAX, 0), 2u);
  EXPECT_EQ(segments_to_delete(s, cfg, 200, 15, 0), 1u);  // the bound stops the second
  EXPECT_EQ(segments_to_delete(s, cfg, 10000, 35, 0), 4u);
  cfg.retention_ms = -1;
  cfg.retention_bytes = 150;
  EXPECT_EQ(segments_to_delete(s, cfg, 200, INT64_MAX, 0), 2u);  // 350 -> 250 -> 150
  cfg.retention_bytes = -1;
  EXPECT_EQ(segments_to_delete(s, cfg, 200, INT64_MAX, 20), 2u);  // below the log start offset
  s.back().size = 0;
  EXPECT_EQ(segments_to_delete(s, cfg, 200, INT64_MAX, 35), 3u);  // never an empty active segment
}

}  // namespace
}  // namespace gregor::storage
