// SigV4's percent-encoding of keys and query values: every byte survives (keys are opaque bytes,
// "a//b" included), only unreserved characters stay bare, and a path keeps its '/' separators.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "ops/uri_encode.h"

namespace {

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // SigV4 wants upper-case hexadecimal digits.
}

// The inverse, strict: anything but unreserved characters, allowed separators and %XX fails.
bool Decode(const std::string& encoded, bool slash_allowed, std::string& out) {
  for (size_t i = 0; i < encoded.size(); i++) {
    char c = encoded[i];
    if (IsUnreserved(c) || (slash_allowed && c == '/')) {
      out += c;
      continue;
    }
    if (c != '%' || i + 2 >= encoded.size()) return false;
    int high = HexValue(encoded[i + 1]);
    int low = HexValue(encoded[i + 2]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  std::string path_decoded;
  FUZZ_CHECK(Decode(s3fs::UriEncodePath(text), true, path_decoded));
  FUZZ_CHECK(path_decoded == text);

  const std::string query = s3fs::UriEncodeQueryValue(text);
  std::string query_decoded;
  FUZZ_CHECK(Decode(query, false, query_decoded));
  FUZZ_CHECK(query_decoded == text);
  return 0;
}
