// The open transactions of `hearth serve`: what they record, and expiry.
#include "server/transactions.h"

#include <gtest/gtest.h>

#include <thread>

namespace hearth::server {
namespace {

TEST(Transactions, RecordTheFirstReadingOfEachDocumentUntilTheyEnd) {
  Transactions txns;
  auto id = txns.Begin(false);
  ASSERT_TRUE(id.ok());
  auto other = txns.Begin(true);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*id, *other);
  ASSERT_TRUE(txns.Read(*id, "a/1", Timestamp{5, 0}).ok());
  ASSERT_TRUE(txns.Read(*id, "a/1", Timestamp{6, 0}).ok());  // read again, later: the first counts
  ASSERT_TRUE(txns.Read(*id, "a/2", std::nullopt).ok());
  auto ended = txns.End(*id);
  ASSERT_TRUE(ended.ok());
  EXPECT_FALSE(ended->read_only);
  EXPECT_EQ(ended->reads.size(), 2u);
  EXPECT_EQ(ended->reads.at("a/1"), std::optional<Timestamp>(Timestamp{5, 0}));
  EXPECT_EQ(ended->reads.at("a/2"), std::nullopt);
  EXPECT_EQ(txns.End(*id).status().code(), StatusCode::kInvalidArgument);  // ended once
  EXPECT_EQ(txns.Read(*id, "a/1", std::nullopt).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(txns.End(*other)->read_only);
  EXPECT_FALSE(txns.Rollback(*other));
  EXPECT_EQ(txns.open(), 0u);
}

TEST(Transactions, ExpireWhenIdleAndAreBounded) {
  TransactionOptions o;
  o.idle = std::chrono::seconds(0);
  Transactions idle(o);
  auto id = idle.Begin(false);
  ASSERT_TRUE(id.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  Status s = idle.CheckOpen(*id);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("has expired or is not valid"), std::string::npos) << s.ToString();

  TransactionOptions one;
  one.max_open = 1;
  Transactions bounded(one);
  auto first = bounded.Begin(false);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(bounded.Begin(false).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(bounded.Rollback(*first));
  EXPECT_TRUE(bounded.Begin(false).ok());
}

}  // namespace
}  // namespace hearth::server
