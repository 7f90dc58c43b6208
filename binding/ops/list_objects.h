#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ops/s3_request.h"

namespace s3fs {

struct ListedObject {
  std::string key;
  uint64_t size = 0;
  double mtime_ms = 0;
  std::string etag;
};

struct ListPage {
  std::vector<ListedObject> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_token;
};

// ListObjectsV2, one page.
S3Request ListObjectsRequest(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                             const std::string& continuation_token, int max_keys);
ListPage ParseListPage(const std::string& xml);

}  // namespace s3fs
