#include "engine/rocksdb_crc32c.h"

#include <dlfcn.h>
#include <isa-l/crc.h>

#include <cstddef>
#include <cstdint>
#include <string>

// The definition RocksDB's PLT calls resolve to (see the header). Same name,
// signature and meaning as RocksDB's util/crc32c.h: the CRC32C of the bytes
// whose CRC32C is `init_crc`, followed by data[0, n).
namespace rocksdb::crc32c {
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);

uint32_t Extend(uint32_t init_crc, const char* data, size_t n) {
  // crc32_iscsi works on the register without its final inversion, and takes
  // an int length.
  uint32_t crc = ~init_crc;
  auto* p = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
  while (n > 0) {
    const int chunk = n > (size_t{1} << 30) ? (1 << 30) : static_cast<int>(n);
    crc = crc32_iscsi(p, chunk, crc);
    p += chunk;
    n -= static_cast<size_t>(chunk);
  }
  return ~crc;
}
}  // namespace rocksdb::crc32c

namespace hearth::engine {

namespace {

using ExtendFn = uint32_t (*)(uint32_t, const char*, size_t);

// The Extend the dynamic linker gives RocksDB's calls: the first definition
// in the process's global scope.
ExtendFn ResolvedExtend() {
  return reinterpret_cast<ExtendFn>(dlsym(RTLD_DEFAULT, "_ZN7rocksdb6crc32c6ExtendEjPKcm"));
}

}  // namespace

std::string_view RocksDbCrc32cImplementation() {
  return ResolvedExtend() == &rocksdb::crc32c::Extend ? "ISA-L" : "RocksDB";
}

Status CheckRocksDbCrc32c() {
  ExtendFn extend = ResolvedExtend();
  if (extend == nullptr) extend = &rocksdb::crc32c::Extend;
  constexpr char kCheck[] = "123456789";  // CRC32C's check value: 0xE3069283
  const uint32_t got = extend(0, kCheck, 9);
  if (got == 0xE3069283u) return Status::OK();
  return Status::Internal("RocksDB's CRC32C (" + std::string(RocksDbCrc32cImplementation()) +
                          ") computes a wrong checksum: refusing to write checksums nothing else could verify");
}

}  // namespace hearth::engine
