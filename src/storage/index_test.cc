#include <gtest/gtest.h>

#include "storage/offset_index.h"
#include "storage/time_index.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;

TEST(OffsetIndex, LookupFindsTheLastEntryAtOrBelowAndPersistsBigEndianEntries) {
  TempDir d;
  auto path = d.path() / "00000000000000000100.index";
  {
    auto idx = OffsetIndex::open(path, 100, 1 << 20);
    ASSERT_TRUE(idx.ok());
    EXPECT_EQ(idx->lookup(150), (OffsetIndex::Entry{100, 0}));
    ASSERT_TRUE(idx->append(110, 4000).ok());
    ASSERT_TRUE(idx->append(130, 9000).ok());
    EXPECT_EQ(idx->lookup(109), (OffsetIndex::Entry{100, 0}));
    EXPECT_EQ(idx->lookup(110), (OffsetIndex::Entry{110, 4000}));
    EXPECT_EQ(idx->lookup(129), (OffsetIndex::Entry{110, 4000}));
    EXPECT_EQ(idx->lookup(1000), (OffsetIndex::Entry{130, 9000}));
  }
  Bytes raw = read_file(path);
  EXPECT_EQ(raw, (Bytes{0, 0, 0, 10, 0, 0, 0x0f, 0xa0, 0, 0, 0, 30, 0, 0, 0x23, 0x28}));
  auto idx = OffsetIndex::open(path, 100, 1 << 20);
  ASSERT_TRUE(idx.ok());
  EXPECT_EQ(idx->entries(), 2u);
  EXPECT_TRUE(idx->sane(9001));
  EXPECT_FALSE(idx->sane(9000));
  ASSERT_TRUE(idx->truncate_to_position(9000).ok());
  EXPECT_EQ(read_file(path).size(), 8u);
}

TEST(OffsetIndex, IsFullAtSegmentIndexBytes) {
  TempDir d;
  auto idx = OffsetIndex::open(d.path() / "x.index", 0, 24);
  ASSERT_TRUE(idx.ok());
  for (int i = 1; i <= 3; ++i) {
    EXPECT_FALSE(idx->full());
    ASSERT_TRUE(idx->append(i, uint32_t(i * 100)).ok());
  }
  EXPECT_TRUE(idx->full());
}

TEST(TimeIndex, KeepsOnlyGrowingTimestampsAndLooksUpStrictlyBefore) {
  TempDir d;
  auto path = d.path() / "00000000000000000000.timeindex";
  auto t = TimeIndex::open(path, 0, 1 << 20);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->maybe_append(100, 5).ok());
  ASSERT_TRUE(t->maybe_append(100, 9).ok());  // not larger: skipped
  ASSERT_TRUE(t->maybe_append(90, 12).ok());
  ASSERT_TRUE(t->maybe_append(200, 20).ok());
  EXPECT_EQ(t->all(), (std::vector<TimeIndex::Entry>{{100, 5}, {200, 20}}));
  EXPECT_FALSE(t->lookup_before(100));
  EXPECT_EQ(t->lookup_before(101), (TimeIndex::Entry{100, 5}));
  EXPECT_EQ(t->lookup_before(1000), (TimeIndex::Entry{200, 20}));
  EXPECT_EQ(read_file(path).size(), 24u);
  ASSERT_TRUE(t->truncate_to_offset(20).ok());
  EXPECT_EQ(t->entries(), 1u);
  EXPECT_TRUE(t->sane(6));
  EXPECT_FALSE(t->sane(5));
}

}  // namespace
}  // namespace gregor::storage
