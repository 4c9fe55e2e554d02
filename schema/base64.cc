#include "schema/base64.h"

#include <openssl/evp.h>

namespace hearth::schema {

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(n);
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  // EVP_DecodeBlock wants whole 4-character groups and counts padding as zero
  // bytes; strip whitespace, check the shape, and trim what padding added.
  std::string in;
  in.reserve(text.size());
  for (char c : text)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') in.push_back(c);
  if (in.size() % 4 != 0) return Status::InvalidArgument("invalid base64: length is not a multiple of 4");
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') pad++;
  if (in.size() > 1 && in[in.size() - 2] == '=') pad++;
  std::string out(3 * in.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return Status::InvalidArgument("invalid base64");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace hearth::schema
