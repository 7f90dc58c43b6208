#include "fs/read_range_operation.h"

#include <algorithm>

namespace s3fs {

void ReadRangeOperation::Start() {
  if (length_ == 0) return Finish(engine::Status::Ok());
  S3Request request;
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.headers.emplace_back(
      "Range", "bytes=" + std::to_string(position_) + "-" + std::to_string(position_ + length_ - 1));
  if (!if_match_.empty()) request.headers.emplace_back("If-Match", if_match_);
  request.dest = dest_;
  request.dest_size = length_;
  Send(std::move(request), [this](S3Response& response) {
    if (response.http_status == 416) return Finish(engine::Status::Ok());
    engine::Status status = StatusOf(response);
    if (status.code == "ENOENT") return FinishNotAFile();
    if (!status.ok()) return Finish(std::move(status));
    if (response.http_status != 206 && position_ != 0) {
      return Finish(engine::Status::Error("EIO", "the server ignored the Range header"));
    }
    bytes_read_ = static_cast<size_t>(std::min<uint64_t>(response.bytes_received, length_));
    Finish(engine::Status::Ok());
  });
}

}  // namespace s3fs
