#include "ops/object_metadata.h"

#include <aws/common/date_time.h>

#include <cerrno>
#include <cstdlib>

namespace s3fs {

namespace {

double ParseDateMs(const std::string& text, aws_date_format format) {
  if (text.empty()) return 0;
  aws_date_time date;
  aws_byte_cursor cursor = aws_byte_cursor_from_array(text.data(), text.size());
  if (aws_date_time_init_from_str_cursor(&date, &cursor, format) != AWS_OP_SUCCESS) return 0;
  return static_cast<double>(aws_date_time_as_millis(&date));
}

std::optional<uint64_t> ParseCount(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return value;
}

}  // namespace

std::optional<uint64_t> ObjectSizeOf(const S3Response& response) {
  if (response.http_status == 200) return ParseCount(response.Header("content-length"));
  if (response.http_status != 206) return std::nullopt;
  // "bytes 0-8388607/1073741824"; a total of "*" (unknown) gives no size.
  const std::string range = response.Header("content-range");
  const size_t slash = range.rfind('/');
  if (range.compare(0, 6, "bytes ") != 0 || slash == std::string::npos) return std::nullopt;
  return ParseCount(range.substr(slash + 1));
}

double ParseHttpDateMs(const std::string& text) { return ParseDateMs(text, AWS_DATE_FORMAT_RFC822); }
double ParseIsoDateMs(const std::string& text) { return ParseDateMs(text, AWS_DATE_FORMAT_ISO_8601); }

ObjectMetadata MetadataFromHeaders(const S3Response& response) {
  ObjectMetadata metadata;
  metadata.size = std::strtoull(response.Header("content-length").c_str(), nullptr, 10);
  metadata.mtime_ms = ParseHttpDateMs(response.Header("last-modified"));
  metadata.etag = response.Header("etag");
  metadata.content_type = response.Header("content-type");
  metadata.cache_control = response.Header("cache-control");
  constexpr std::string_view kUserPrefix = "x-amz-meta-";
  for (const auto& [name, value] : response.headers) {
    if (name.compare(0, kUserPrefix.size(), kUserPrefix) == 0) metadata.user_metadata.emplace_back(name.substr(kUserPrefix.size()), value);
  }
  metadata.checksum = StoredChecksumOf(response);
  return metadata;
}

std::optional<StoredChecksum> StoredChecksumOf(const S3Response& response) {
  for (ChecksumAlgorithm algorithm : {ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc32,
                                      ChecksumAlgorithm::kSha256}) {
    std::string value = response.Header(ChecksumHeaderName(algorithm));
    if (value.empty()) continue;
    if (!IsWellFormedChecksum(algorithm, value)) return std::nullopt;
    const std::string type = response.Header("x-amz-checksum-type");
    const bool composite = type == "COMPOSITE" || (type.empty() && value.find('-') != std::string::npos);
    return StoredChecksum{algorithm, std::move(value), !composite};
  }
  return std::nullopt;
}

}  // namespace s3fs
