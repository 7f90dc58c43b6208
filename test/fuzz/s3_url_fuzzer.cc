// The TensorFlow plugin's s3:// URLs: TranslateName cleans the key as TensorFlow cleans a path.
// Cleaning is idempotent, keeps the bucket, and leaves no empty, "." or ".." segment.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "tf_plugin/s3_filesystem.h"

using s3fs::tensorflow_plugin::CleanS3Url;
using s3fs::tensorflow_plugin::ParseS3Url;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string url = "s3://" + std::string(reinterpret_cast<const char*>(data), size);
  s3fs::ObjectPath path;
  if (!ParseS3Url(url, path).ok()) {
    FUZZ_CHECK(CleanS3Url(url) == url);
    return 0;
  }
  FUZZ_CHECK(!path.bucket.empty() && path.bucket.find('/') == std::string::npos);

  const std::string cleaned = CleanS3Url(url);
  FUZZ_CHECK(CleanS3Url(cleaned) == cleaned);
  s3fs::ObjectPath cleaned_path;
  FUZZ_CHECK(ParseS3Url(cleaned, cleaned_path).ok());
  FUZZ_CHECK(cleaned_path.bucket == path.bucket);
  const std::string& key = cleaned_path.key;
  size_t start = 0;
  while (!key.empty() && start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    const std::string segment = key.substr(start, end - start);
    FUZZ_CHECK(!segment.empty() && segment != "." && segment != "..");
    start = end + 1;
  }
  return 0;
}
