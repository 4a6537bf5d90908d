#include "cli/table.h"

#include <gtest/gtest.h>

namespace gregor::cli {
namespace {

TEST(Table, PadsEachColumnToItsWidestCellWithoutTrailingSpaces) {
  Table t({"GROUP", "TOPIC", "PARTITION"});
  t.add_row({"g", "orders-long-name", "0"});
  t.add_row({"group-two", "t", "12"});
  EXPECT_EQ(t.format(),
            "GROUP     TOPIC            PARTITION\n"
            "g         orders-long-name 0\n"
            "group-two t                12\n");
  EXPECT_EQ(t.row_count(), 2u);
}

TEST(Table, HeaderOnlyWhenEmpty) {
  Table t({"A", "B"});
  EXPECT_EQ(t.format(), "A B\n");
}

TEST(Table, MissingValuesPrintAsDash) {
  EXPECT_EQ(cell(std::optional<int64_t>()), "-");
  EXPECT_EQ(cell(std::optional<int64_t>(-5)), "-5");
  EXPECT_EQ(cell(std::string()), "-");
  EXPECT_EQ(cell(std::string("x")), "x");
}

}  // namespace
}  // namespace gregor::cli
