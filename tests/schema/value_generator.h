// Random Firestore values for property tests, biased toward edge cases:
// integers around 2^53 and the int64 limits, signed zeros, NaN, infinities,
// strings holding 00 and FF bytes and shared prefixes, nested arrays and maps.
#pragma once

#include <random>

#include "hearth/value.h"
#include "tests/printers.h"

namespace hearth::testing {

class ValueGenerator {
 public:
  explicit ValueGenerator(uint64_t seed) : rng_(seed) {}
  Value Next(int depth = 0);
  Value Number();
  std::string String();  // valid UTF-8, with NULs and multi-byte characters
  std::string Bytes();   // arbitrary bytes, with 00 and FF

 private:
  size_t Below(size_t n) { return static_cast<size_t>(rng_() % n); }
  std::mt19937_64 rng_;
};

}  // namespace hearth::testing
