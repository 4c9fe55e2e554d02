#include "schema/ascii_blocks.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth::schema {
namespace {

// Each byte class at every offset of every length up to past three blocks:
// the whole-string tests answer false exactly when such a byte is there.
TEST(AsciiBlocks, AWholeStringFailsExactlyWhenOneByteDoes) {
  struct Case {
    char byte;
    bool ascii, plain_json;
  };
  const Case cases[] = {{'"', true, false},  {'\\', true, false}, {'\n', true, false}, {'\x01', true, false},
                        {'\x1f', true, false}, {'\0', true, false}, {' ', true, true},   {'\x7f', true, true},
                        {'\x80', false, false}, {'\xff', false, false}};
  for (const Case& c : cases) {
    for (size_t len = 1; len < 50; len++) {
      for (size_t at = 0; at < len; at++) {
        std::string text(len, 'a');
        text[at] = c.byte;
        ASSERT_EQ(AllAscii(text), c.ascii) << len << " " << at << " " << int(c.byte);
        ASSERT_EQ(AllPlainJson(text), c.plain_json) << len << " " << at << " " << int(c.byte);
      }
    }
  }
  EXPECT_TRUE(AllAscii(""));
  EXPECT_TRUE(AllPlainJson(""));
}

// The overlapping last block or word stays inside the string: bytes that
// would fail just before and after it change nothing.
TEST(AsciiBlocks, NothingOutsideTheStringIsRead) {
  for (size_t len = 0; len < 50; len++) {
    const std::string buffer = std::string(20, '"') + std::string(len, 'a') + std::string(20, '\x80');
    const std::string_view s(buffer.data() + 20, len);
    EXPECT_TRUE(AllAscii(s)) << len;
    EXPECT_TRUE(AllPlainJson(s)) << len;
  }
}

}  // namespace
}  // namespace hearth::schema
