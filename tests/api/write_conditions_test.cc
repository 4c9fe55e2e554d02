// Preconditions, field transforms and checks of a WriteBatch (Firestore's
// currentDocument, updateTransforms, and what an optimistic transaction
// commits with), run against every backend.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "hearth/database.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

class WriteConditions : public DatabaseTest {
 protected:
  FieldTransform T(std::string path, FieldTransform::Kind kind, Value operand = Value::Null()) {
    FieldTransform t;
    t.field_path = std::move(path);
    t.kind = kind;
    t.operand = std::move(operand);
    return t;
  }
  WriteBatch::Op Op(WriteBatch::Kind kind, std::string path, MapValue fields = {}) {
    WriteBatch::Op op;
    op.kind = kind;
    op.path = std::move(path);
    op.fields = std::move(fields);
    return op;
  }
  // Applies `transforms` with a merge of nothing into `path`; returns the results.
  std::vector<Value> Transform(const std::string& path, std::vector<FieldTransform> transforms) {
    WriteBatch::Op op = Op(WriteBatch::Kind::kMerge, path);
    op.transforms = std::move(transforms);
    WriteBatch b;
    b.Add(std::move(op));
    std::vector<Value> results;
    auto t = db_->Write(b, &results);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return results;
  }
  MapValue FieldsOf(const std::string& path) {
    auto d = db_->Get(path);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d->fields : MapValue{};
  }
};

TEST_P(WriteConditions, ServerTimeIsTheCommitTime) {
  WriteBatch::Op op = Op(WriteBatch::Kind::kSet, "reports/r1", Fields(R"({"title":"q3"})"));
  op.transforms.push_back(T("meta.at", FieldTransform::Kind::kServerTime));
  WriteBatch b;
  b.Add(std::move(op));
  std::vector<Value> results;
  auto commit = db_->Write(b, &results);
  ASSERT_TRUE(commit.ok()) << commit.status().ToString();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0], Value::Time(*commit));
  MapValue f = FieldsOf("reports/r1");
  EXPECT_EQ(f["title"], Value::String("q3"));
  EXPECT_EQ(f["meta"].map().at("at"), Value::Time(*commit));
}

TEST_P(WriteConditions, IncrementKeepsIntegersSaturatesAndMixesToDouble) {
  ASSERT_TRUE(db_->Set("reports/r1", Fields(R"({"n":5,"d":1.5,"s":"text"})")).ok());
  const int64_t max = std::numeric_limits<int64_t>::max();
  auto r = Transform("reports/r1", {T("n", FieldTransform::Kind::kIncrement, Value::Integer(2)),
                                    T("d", FieldTransform::Kind::kIncrement, Value::Integer(1)),
                                    T("s", FieldTransform::Kind::kIncrement, Value::Integer(7)),
                                    T("new", FieldTransform::Kind::kIncrement, Value::Double(0.5))});
  EXPECT_EQ(r, (std::vector<Value>{Value::Integer(7), Value::Double(2.5), Value::Integer(7), Value::Double(0.5)}));
  r = Transform("reports/r1", {T("n", FieldTransform::Kind::kIncrement, Value::Integer(max)),
                               T("d", FieldTransform::Kind::kIncrement, Value::Integer(-3))});
  EXPECT_EQ(r, (std::vector<Value>{Value::Integer(max), Value::Double(-0.5)}));
  r = Transform("reports/r1", {T("n", FieldTransform::Kind::kIncrement, Value::Double(1.0))});
  EXPECT_EQ(r, (std::vector<Value>{Value::Double(static_cast<double>(max) + 1.0)}));
  MapValue f = FieldsOf("reports/r1");
  EXPECT_EQ(f["n"], Value::Double(static_cast<double>(max) + 1.0));
  EXPECT_EQ(f["new"], Value::Double(0.5));
}

TEST_P(WriteConditions, MaximumAndMinimumFollowFirestoreRules) {
  ASSERT_TRUE(db_->Set("reports/r1", Fields(R"({"a":3,"b":3,"c":2,"e":"x"})")).ok());
  auto r = Transform("reports/r1", {T("a", FieldTransform::Kind::kMaximum, Value::Double(3.0)),   // equal: kept
                                    T("b", FieldTransform::Kind::kMaximum, Value::Double(3.5)),   // larger double
                                    T("c", FieldTransform::Kind::kMinimum, Value::Integer(-1)),   // smaller
                                    T("e", FieldTransform::Kind::kMinimum, Value::Integer(9))});  // not a number
  EXPECT_EQ(r, (std::vector<Value>{Value::Integer(3), Value::Double(3.5), Value::Integer(-1), Value::Integer(9)}));
  r = Transform("reports/r1", {T("a", FieldTransform::Kind::kMinimum, Value::Double(NAN))});
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].type(), Value::Type::kDouble);
  EXPECT_TRUE(std::isnan(r[0].dbl()));
}

TEST_P(WriteConditions, ArrayUnionAndRemoveCompareAsFirestoreDoes) {
  ASSERT_TRUE(db_->Set("reports/r1", Fields(R"({"tags":["a",1,"b","a"],"x":5})")).ok());
  auto r = Transform("reports/r1",
                     {T("tags", FieldTransform::Kind::kAppendMissing,
                        Value::Array({Value::String("c"), Value::Double(1.0), Value::String("c")})),
                      T("x", FieldTransform::Kind::kAppendMissing, Value::Array({Value::Integer(5)}))});
  EXPECT_EQ(r, (std::vector<Value>{Value::Null(), Value::Null()}));
  MapValue f = FieldsOf("reports/r1");
  // 1.0 equals 1, so it is not appended; "c" once; a non-array becomes [].
  EXPECT_EQ(f["tags"], Fields(R"({"v":["a",1,"b","a","c"]})")["v"]);
  EXPECT_EQ(f["x"], Fields(R"({"v":[5]})")["v"]);
  Transform("reports/r1", {T("tags", FieldTransform::Kind::kRemoveAll, Value::Array({Value::String("a"), Value::Double(1)}))});
  EXPECT_EQ(FieldsOf("reports/r1")["tags"], Fields(R"({"v":["b","c"]})")["v"]);
}

TEST_P(WriteConditions, BadTransformsFailTheBatchNamingThem) {
  auto fails = [&](WriteBatch::Op op, const std::string& says) {
    WriteBatch b;
    b.Set("reports/ok", Fields(R"({"a":1})"));
    b.Add(std::move(op));
    auto t = db_->Write(b);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find(says), std::string::npos) << t.status().ToString();
  };
  WriteBatch::Op twice = Op(WriteBatch::Kind::kMerge, "reports/r1");
  twice.transforms = {T("n", FieldTransform::Kind::kIncrement, Value::Integer(1)),
                      T("n", FieldTransform::Kind::kServerTime)};
  fails(twice, "only once");
  WriteBatch::Op text = Op(WriteBatch::Kind::kMerge, "reports/r1");
  text.transforms = {T("n", FieldTransform::Kind::kIncrement, Value::String("1"))};
  fails(text, "must be a number");
  WriteBatch::Op not_array = Op(WriteBatch::Kind::kMerge, "reports/r1");
  not_array.transforms = {T("n", FieldTransform::Kind::kRemoveAll, Value::Integer(1))};
  fails(not_array, "must be an array");
  WriteBatch::Op on_delete = Op(WriteBatch::Kind::kDelete, "reports/r1");
  on_delete.transforms = {T("n", FieldTransform::Kind::kServerTime)};
  fails(on_delete, "takes no field transforms");
  EXPECT_EQ(db_->Get("reports/ok").status().code(), StatusCode::kNotFound);  // nothing written
}

TEST_P(WriteConditions, PreconditionsGateTheWholeBatch) {
  auto first = db_->Set("reports/r1", Fields(R"({"v":1})"));
  ASSERT_TRUE(first.ok());
  auto with = [&](WriteBatch::Kind kind, const std::string& path, WriteBatch::Precondition pre) {
    WriteBatch::Op op = Op(kind, path, kind == WriteBatch::Kind::kDelete ? MapValue{} : Fields(R"({"v":2})"));
    op.precondition = pre;
    WriteBatch b;
    b.Set("reports/side", Fields(R"({"v":0})"));
    b.Add(std::move(op));
    return db_->Write(b);
  };
  // Replace only if it exists; delete only if it exists.
  EXPECT_EQ(with(WriteBatch::Kind::kSet, "reports/none", {true, {}}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(with(WriteBatch::Kind::kDelete, "reports/none", {true, {}}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(with(WriteBatch::Kind::kSet, "reports/r1", {false, {}}).status().code(), StatusCode::kAlreadyExists);
  // The update time must match the stored one.
  Timestamp stale = *first;
  stale.nanos = (stale.nanos + 1) % 1000000000;
  auto wrong = with(WriteBatch::Kind::kSet, "reports/r1", {{}, stale});
  EXPECT_EQ(wrong.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(with(WriteBatch::Kind::kDelete, "reports/none", {{}, *first}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->Get("reports/side").status().code(), StatusCode::kNotFound);  // no failed batch wrote
  EXPECT_EQ(FieldsOf("reports/r1")["v"], Value::Integer(1));
  auto second = with(WriteBatch::Kind::kSet, "reports/r1", {true, *first});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(FieldsOf("reports/r1")["v"], Value::Integer(2));
  // The old time no longer matches; the new one deletes it.
  EXPECT_EQ(with(WriteBatch::Kind::kDelete, "reports/r1", {{}, *first}).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(with(WriteBatch::Kind::kDelete, "reports/r1", {{}, *second}).ok());
  EXPECT_EQ(db_->Get("reports/r1").status().code(), StatusCode::kNotFound);
}

TEST_P(WriteConditions, ChecksAbortTheBatchWhenAReadDocumentChanged) {
  auto t1 = db_->Set("reports/read", Fields(R"({"v":1})"));
  ASSERT_TRUE(t1.ok());
  auto commit = [&](WriteBatch::Precondition read, WriteBatch::Precondition absent) {
    WriteBatch b;
    b.Check("reports/read", read);
    b.Check("reports/absent", absent);
    b.Set("reports/out", Fields(R"({"from":1})"));
    return db_->Write(b);
  };
  ASSERT_TRUE(db_->Set("reports/read", Fields(R"({"v":2})")).ok());  // changed after it was read
  auto aborted = commit({{}, *t1}, {false, {}});
  EXPECT_EQ(aborted.status().code(), StatusCode::kAborted);
  EXPECT_NE(aborted.status().message().find("reports/read changed since it was read"), std::string::npos)
      << aborted.status().ToString();
  ASSERT_TRUE(db_->Set("reports/absent", Fields("{}")).ok());  // created after it was read as missing
  auto now = db_->Get("reports/read");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(commit({{}, now->update_time}, {false, {}}).status().code(), StatusCode::kAborted);
  EXPECT_EQ(db_->Get("reports/out").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(db_->Delete("reports/absent").ok());
  ASSERT_TRUE(commit({{}, now->update_time}, {false, {}}).ok());
  EXPECT_EQ(FieldsOf("reports/out")["from"], Value::Integer(1));
  // A document of a collection that holds nothing (and is not declared) is missing.
  WriteBatch nowhere;
  nowhere.Check("undeclared_things/x", {false, {}});
  nowhere.Set("reports/out2", Fields("{}"));
  ASSERT_TRUE(db_->Write(nowhere).ok());
  WriteBatch expected_there;
  expected_there.Check("undeclared_things/x", {true, {}});
  EXPECT_EQ(db_->Write(expected_there).status().code(), StatusCode::kAborted);
  // Checks alone write nothing, and a checked document keeps its update time.
  WriteBatch only;
  only.Check("reports/read", {{}, now->update_time});
  ASSERT_TRUE(db_->Write(only).ok());
  EXPECT_EQ(db_->Get("reports/read")->update_time, now->update_time);
}

INSTANTIATE_TEST_SUITE_P(Backends, WriteConditions, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
