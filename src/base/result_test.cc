#include "base/result.h"

#include <gtest/gtest.h>

namespace gregor {
namespace {

Result<int> half(int x) {
  if (x % 2) return make_error(42, "odd");
  return x / 2;
}

TEST(Result, CarriesValueOrError) {
  auto a = half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, 42);
  EXPECT_EQ(b.error().message, "odd");
}

}  // namespace
}  // namespace gregor
