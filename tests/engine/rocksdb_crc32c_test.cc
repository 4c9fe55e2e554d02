#include "engine/rocksdb_crc32c.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

// RocksDB's own declaration (util/crc32c.h, not an installed header).
namespace rocksdb::crc32c {
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);
}

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;

uint32_t Value(const std::string& s) { return rocksdb::crc32c::Extend(0, s.data(), s.size()); }

// CRC32C bit by bit, straight from its definition (reflected polynomial
// 0x82F63B78): what the fast one must agree with on every length and offset.
uint32_t BitwiseCrc32c(const unsigned char* p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

TEST(RocksDbCrc32c, RocksDbCallsTheHardwareOneInThisProgram) {
  EXPECT_EQ(RocksDbCrc32cImplementation(), "ISA-L");
  EXPECT_TRUE(CheckRocksDbCrc32c().ok());
}

// The vectors of RocksDB's util/crc32c_test.cc (from RFC 3720, iSCSI).
TEST(RocksDbCrc32c, MatchesRocksDbsTestVectors) {
  std::string buf(32, '\0');
  EXPECT_EQ(Value(buf), 0x8a9136aau);
  buf.assign(32, '\xff');
  EXPECT_EQ(Value(buf), 0x62a8ab43u);
  for (int i = 0; i < 32; i++) buf[i] = static_cast<char>(i);
  EXPECT_EQ(Value(buf), 0x46dd794eu);
  for (int i = 0; i < 32; i++) buf[i] = static_cast<char>(31 - i);
  EXPECT_EQ(Value(buf), 0x113fdb5cu);
  const unsigned char iscsi_read[48] = {
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
      0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  EXPECT_EQ(rocksdb::crc32c::Extend(0, reinterpret_cast<const char*>(iscsi_read), sizeof iscsi_read), 0xd9963a56u);
  EXPECT_EQ(Value("123456789"), 0xe3069283u);
  EXPECT_EQ(Value(""), 0u);
}

TEST(RocksDbCrc32c, ExtendContinuesACrc) {
  EXPECT_EQ(rocksdb::crc32c::Extend(Value("hello "), "world", 5), Value("hello world"));
}

TEST(RocksDbCrc32c, AgreesWithTheDefinitionAtEveryLengthAndAlignment) {
  std::vector<unsigned char> data(4096 + 64);
  uint32_t x = 12345;
  for (auto& c : data) c = static_cast<unsigned char>((x = x * 1103515245u + 12345u) >> 16);
  for (size_t offset = 0; offset < 16; offset++)
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{15}, size_t{63}, size_t{64}, size_t{255},
                     size_t{256}, size_t{1000}, size_t{4096}}) {
      const unsigned char* p = data.data() + offset;
      EXPECT_EQ(rocksdb::crc32c::Extend(0, reinterpret_cast<const char*>(p), n), BitwiseCrc32c(p, n))
          << "offset " << offset << ", " << n << " bytes";
    }
}

std::string RunCapturing(const std::string& cmd, const std::string& out_file) {
  const int rc = std::system((cmd + " > " + out_file + " 2>&1").c_str());
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  return "exit " + std::to_string(WEXITSTATUS(rc)) + "\n" + ss.str();
}

std::vector<std::string> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      files.push_back(e.path().string());
  }
  return files;
}

// A store written here (its WAL and MANIFEST records checksummed by ISA-L)
// reads clean with Debian's stock `ldb`, whose RocksDB computes CRC32C its
// own way; and the same check does catch a flipped byte.
TEST(RocksDbCrc32c, StockRocksDbToolsVerifyAStoreWrittenWithIt) {
  ASSERT_EQ(std::system("command -v ldb > /dev/null"), 0)
      << "Debian's rocksdb-tools (ldb) is missing: scripts/install-deps installs it";
  testing::TempDir dir;
  const std::string db_dir = dir.path() + "/db";
  {
    Options options;
    options.create_if_missing = true;
    auto db = Database::Open(options, db_dir);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    WriteBatch batch;
    for (int i = 0; i < 50; i++)
      batch.Set("monitors/t" + std::to_string(i), testing::Fields(R"({"n": )" + std::to_string(i) +
                                                                R"(, "text": "some words to checksum"})"));
    auto written = (*db)->Write(batch);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  const std::vector<std::string> wals = FilesEndingWith(db_dir, ".log");
  ASSERT_FALSE(wals.empty());
  for (const auto& wal : wals) {
    const std::string out = RunCapturing("ldb dump_wal --walfile=" + wal, dir.path() + "/wal.txt");
    EXPECT_EQ(out.find("Corruption"), std::string::npos) << wal << ":\n" << out;
  }
  // The batch's document writes are in the WAL dump (it was read, not skipped).
  bool saw_batch = false;
  for (const auto& wal : wals)
    saw_batch |= RunCapturing("ldb dump_wal --walfile=" + wal, dir.path() + "/wal.txt").find("PUT(") != std::string::npos;
  EXPECT_TRUE(saw_batch);
  std::vector<std::string> manifests;
  for (const auto& e : fs::directory_iterator(db_dir))
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) manifests.push_back(e.path().string());
  ASSERT_FALSE(manifests.empty());
  for (const auto& m : manifests) {
    const std::string out = RunCapturing("ldb manifest_dump --path=" + m, dir.path() + "/manifest.txt");
    EXPECT_EQ(out.find("Corruption"), std::string::npos) << m << ":\n" << out;
    EXPECT_NE(out.find("exit 0"), std::string::npos) << m << ":\n" << out;
  }
  // The control: one flipped byte inside the first WAL's records.
  const std::string bad = dir.path() + "/flipped.log";
  fs::copy_file(wals[0], bad);
  const auto size = fs::file_size(bad);
  ASSERT_GT(size, 100u);
  std::fstream f(bad, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(size / 2));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(size / 2));
  f.write(&c, 1);
  f.close();
  EXPECT_NE(RunCapturing("ldb dump_wal --walfile=" + bad, dir.path() + "/bad.txt").find("Corruption"),
            std::string::npos);
}

}  // namespace
}  // namespace hearth::engine
