#pragma once

#include <aws/s3/s3_client.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ops/checksum.h"

namespace s3fs {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct S3Response;

// One S3 request as the filesystem layer describes it; s3_call.cc turns it into a signed CRT
// meta request for the configured endpoint.
struct S3Request {
  aws_s3_meta_request_type type = AWS_S3_META_REQUEST_TYPE_DEFAULT;
  std::string method = "GET";
  std::string bucket;
  std::string key;
  // Already encoded, parameters in canonical (sorted) order, without the leading '?'.
  std::string query;
  HeaderList headers;

  // Request body: caller-owned memory that outlives the request, or a local file.
  const uint8_t* body = nullptr;
  size_t body_size = 0;
  bool has_body = false;
  std::string body_file;
  // A multipart PUT under an upload the caller created (so that the caller, not the CRT, sees
  // whether its CreateMultipartUpload was retried), in parts of this size.
  std::string upload_id;
  size_t part_size = 0;
  // A PUT's (each part's) checksum, computed off the caller's thread and sent for the server to
  // verify against what it received.
  ChecksumAlgorithm upload_checksum = ChecksumAlgorithm::kNone;
  // When set, every body byte sent or received is added here: a transfer's progress.
  std::atomic<uint64_t>* moved = nullptr;
  // When set, the response body is checksummed as it arrives, from the connection's buffer while
  // it is in cache, rather than read back from its destination later; each try starts it afresh.
  // It must outlive the request.
  RunningChecksum* body_checksum = nullptr;

  // Response body: copied straight into caller-owned memory, never past dest_size; or, for small
  // XML responses, collected into S3Response::body.
  uint8_t* dest = nullptr;
  size_t dest_size = 0;
  // Or chosen from the response's headers, when the first body byte of a successful try arrives
  // (a try the pool retries chooses again): sets dest and dest_size, or dest_fd, of the request it
  // is handed, or leaves them unset to drop the body.
  std::function<void(const S3Response&, S3Request&)> choose_dest;
  bool collect_body = false;
  // Or written into this open file (pwrite) at dest_fd_offset plus its offset in the response,
  // never held in memory.
  int dest_fd = -1;
  uint64_t dest_fd_offset = 0;
};

struct S3Response {
  int crt_error = 0;
  int http_status = 0;
  HeaderList headers;  // names lower-cased
  std::string body;
  std::string error_body;
  uint64_t bytes_received = 0;
  int file_error = 0;  // errno of a failed write to dest_fd
  std::string authority;  // host:port the request went to, for errors that never reached S3
  std::string region;     // the region it was signed for
  // Tries of a pooled request: more than one means an earlier try may have taken effect unseen.
  int attempts = 0;
  // The checksum the request's body carried (upload_checksum), as sent: what completing a multipart
  // upload names for the part, whether or not the server's answer repeats it.
  std::string sent_checksum;

  bool ok() const { return crt_error == 0 && http_status >= 200 && http_status < 300; }
  std::string Header(std::string_view lower_name) const;
};

}  // namespace s3fs
