// S3's XML bodies: a ListObjectsV2 page and an error body, as a server (or anything in the middle)
// may send them. Besides not crashing: text that arrives as UTF-8 leaves as UTF-8 (keys become JS
// strings, and a key mangled there names a different object), and the decoder inverts escaping.
#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/status.h"
#include "fuzz_check.h"
#include "ops/list_objects.h"
#include "ops/xml.h"
#include "utf8.h"

namespace {

// Escaped as an XML writer may escape it: the five named entities, control characters as
// hexadecimal references, every other eighth character as a decimal one.
std::string XmlEscape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); i++) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    char reference[16];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20) {
          std::snprintf(reference, sizeof reference, "&#x%X;", c);
          out += reference;
        } else if (c < 0x80 && i % 8 == 7) {
          std::snprintf(reference, sizeof reference, "&#%u;", c);
          out += reference;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const bool utf8 = IsValidUtf8(body);

  s3fs::ListPage page = s3fs::ParseListPage(body);
  for (const s3fs::ListedObject& object : page.objects) {
    if (utf8) FUZZ_CHECK(IsValidUtf8(object.key) && IsValidUtf8(object.etag));
  }
  for (const std::string& prefix : page.common_prefixes) {
    if (utf8) FUZZ_CHECK(IsValidUtf8(prefix));
  }
  if (utf8) FUZZ_CHECK(IsValidUtf8(page.next_token));

  const int http_status = size == 0 ? 500 : 300 + data[0] % 300;
  s3fs::engine::Status status = s3fs::engine::StatusFromHttp(http_status, body);
  FUZZ_CHECK(!status.ok());
  FUZZ_CHECK(status.http_status == http_status);
  FUZZ_CHECK(status.code == s3fs::engine::CodeForS3Error(status.s3_code, http_status));
  if (utf8) FUZZ_CHECK(IsValidUtf8(status.message));

  FUZZ_CHECK(s3fs::XmlDecode(XmlEscape(body)) == body);
  return 0;
}
