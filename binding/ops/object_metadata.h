#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ops/s3_request.h"

namespace s3fs {

// What HEAD (or a GET's headers) says about an object.
struct ObjectMetadata {
  uint64_t size = 0;
  double mtime_ms = 0;
  std::string etag;
  std::string content_type;
  std::string cache_control;
  // x-amz-meta-* headers, names without the prefix.
  HeaderList user_metadata;
  // Reported when the request asked for it (x-amz-checksum-mode: ENABLED) and the object has one.
  std::optional<StoredChecksum> checksum;
};

std::optional<StoredChecksum> StoredChecksumOf(const S3Response& response);

ObjectMetadata MetadataFromHeaders(const S3Response& response);
// The whole object's size from a GET's answer: a 206's Content-Range total, or a 200's length.
std::optional<uint64_t> ObjectSizeOf(const S3Response& response);
double ParseHttpDateMs(const std::string& text);
double ParseIsoDateMs(const std::string& text);

}  // namespace s3fs
