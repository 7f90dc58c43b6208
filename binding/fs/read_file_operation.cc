#include "fs/read_file_operation.h"

namespace s3fs {

void ReadFileOperation::Start() { Attempt(); }

void ReadFileOperation::Attempt() {
  ++attempts_;
  Head([this](const engine::Status& status, const ObjectMetadata& metadata) {
    if (status.code == "ENOENT") return FinishNotAFile();
    if (!status.ok()) return Finish(status);
    size_ = metadata.size;
    if (size_ == 0) return Finish(engine::Status::Ok());
    data_.reset(static_cast<uint8_t*>(std::malloc(size_)));
    if (!data_) return Finish(engine::Status::Error("ENOMEM", "cannot allocate " + std::to_string(size_) + " bytes"));
    Get(metadata.etag);
  });
}

void ReadFileOperation::Get(const std::string& etag) {
  S3Request request;
  request.type = AWS_S3_META_REQUEST_TYPE_GET_OBJECT;
  request.bucket = path_.bucket;
  request.key = path_.key;
  if (!etag.empty()) request.headers.emplace_back("If-Match", etag);
  request.dest = data_.get();
  request.dest_size = size_;
  Send(std::move(request), [this](S3Response& response) {
    engine::Status status = StatusOf(response);
    if (status.code == "ESTALE" && attempts_ < kMaxAttempts) {
      data_.reset();
      return Attempt();
    }
    if (status.code == "ENOENT") return FinishNotAFile();
    if (!status.ok()) return Finish(std::move(status));
    if (response.bytes_received != size_) {
      return Finish(engine::Status::Error(
          "EIO", "expected " + std::to_string(size_) + " bytes, received " + std::to_string(response.bytes_received)));
    }
    Finish(engine::Status::Ok());
  });
}

}  // namespace s3fs
