// RocksDB's CRC32C in hardware.
//
// RocksDB checksums every WAL and MANIFEST record with CRC32C through one
// exported function, rocksdb::crc32c::Extend (SST blocks use XXH3, RocksDB
// 7.8's default for format version 5). Debian builds RocksDB
// portable, so that function is a table-driven software loop (~1.3 GB/s on
// this machine; RocksDB's LOG says "Fast CRC32 supported: Not supported on
// x86"): about a tenth of a snapshot's write, all of it in the WAL. hearth
// defines the same function over ISA-L's crc32_iscsi, which picks SSE4.2 /
// PCLMUL / AVX-512 code at run time, and RocksDB's calls (all through its PLT)
// reach that definition instead. The checksums are the same bits, so stores
// move freely between programs with and without it (tests/engine/
// rocksdb_crc32c_test.cc checks the function against RocksDB's own test
// vectors and a bitwise CRC32C, and has Debian's stock `ldb`, with its own
// CRC32C, read the WAL and MANIFEST of a store written with this one).
#pragma once

#include <string_view>

#include "hearth/status.h"

namespace hearth::engine {

// What computes RocksDB's CRC32C checksums in this process: "ISA-L" when the
// definition in rocksdb_crc32c.cc is the one RocksDB calls, "RocksDB" when
// another (RocksDB's own) is, e.g. in a program that loads hearth as a
// shared library after RocksDB.
std::string_view RocksDbCrc32cImplementation();

// Checks that the CRC32C RocksDB will use computes CRC32C (a known answer):
// a store must never be written with checksums nobody else can verify.
// Store::Open calls it; OK or INTERNAL naming the implementation.
Status CheckRocksDbCrc32c();

}  // namespace hearth::engine
