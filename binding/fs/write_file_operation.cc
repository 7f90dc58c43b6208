#include "fs/write_file_operation.h"

#include <strings.h>

#include <algorithm>

namespace s3fs {

void WriteFileOperation::Start() {
  S3Request request;
  request.type = AWS_S3_META_REQUEST_TYPE_PUT_OBJECT;
  request.method = "PUT";
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.headers = headers_;
  const bool typed = std::any_of(headers_.begin(), headers_.end(), [](const auto& header) {
    return header.first.size() == 12 && strncasecmp(header.first.c_str(), "content-type", 12) == 0;
  });
  if (!typed) request.headers.emplace_back("Content-Type", "application/octet-stream");
  request.body = data_;
  request.body_file = local_file_;
  request.body_size = size_;
  request.has_body = true;
  request.upload_id = upload_id_;
  request.part_size = part_size_;
  request.upload_checksum = checksum_;
  request.moved = &bytes_moved_;
  Send(std::move(request), [this](S3Response& response) {
    if (!response.ok()) return Fail(response);
    etag_ = response.Header("etag");
    if (checksum_ != ChecksumAlgorithm::kNone) acknowledged_checksum_ = response.Header(ChecksumHeaderName(checksum_));
    Finish(engine::Status::Ok());
  });
}

}  // namespace s3fs
