#include "fs/read_file_operation.h"

#include <algorithm>

#include "engine/engine.h"

namespace s3fs {

void ReadFileOperation::Start() { Attempt(); }

void ReadFileOperation::Attempt() {
  ++attempts_;
  Head([this](const engine::Status& status, const ObjectMetadata& metadata) {
    if (status.code == "ENOENT") return FinishNotAFile();
    if (!status.ok()) return Finish(status);
    size_ = metadata.size;
    if (size_ == 0) return Finish(engine::Status::Ok());
    data_ = std::unique_ptr<uint8_t, LargeBufferDeleter>(engine::AllocateLargeBuffer(size_), LargeBufferDeleter{size_});
    if (!data_) return Finish(engine::Status::Error("ENOMEM", "cannot allocate " + std::to_string(size_) + " bytes"));
    {
      std::lock_guard<std::mutex> lock(parts_mutex_);
      etag_ = metadata.etag;
      next_offset_ = 0;
      received_ = 0;
      failure_ = engine::Status::Ok();
    }
    const uint64_t parts = (size_ + engine_.config().part_size - 1) / engine_.config().part_size;
    const uint64_t parallel = std::min<uint64_t>(parts, engine_.config().parts_in_flight);
    for (uint64_t i = 0; i < parallel; ++i) SendNextPart();
  });
}

void ReadFileOperation::SendNextPart() {
  S3Request request;
  size_t length;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    if (!failure_.ok() || next_offset_ >= size_) return;
    const uint64_t offset = next_offset_;
    length = static_cast<size_t>(std::min<uint64_t>(engine_.config().part_size, size_ - offset));
    next_offset_ += length;
    ++in_flight_parts_;
    request.bucket = path_.bucket;
    request.key = path_.key;
    request.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
    if (!etag_.empty()) request.headers.emplace_back("If-Match", etag_);
    request.dest = data_.get() + offset;
    request.dest_size = length;
  }
  Send(std::move(request), [this, length](S3Response& response) { OnPart(response, length); });
}

void ReadFileOperation::OnPart(const S3Response& response, size_t length) {
  engine::Status status = StatusOf(response);
  bool done;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    --in_flight_parts_;
    if (!status.ok() && failure_.ok()) failure_ = std::move(status);
    if (status.ok()) received_ += std::min<uint64_t>(response.bytes_received, length);
    done = in_flight_parts_ == 0 && (!failure_.ok() || next_offset_ >= size_);
  }
  if (done) return Conclude();
  SendNextPart();
}

void ReadFileOperation::Conclude() {
  engine::Status failure;
  uint64_t received;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    failure = failure_;
    received = received_;
  }
  if (failure.code == "ESTALE" && attempts_ < kMaxAttempts) {
    data_.reset();
    return Attempt();
  }
  if (failure.code == "ENOENT") return FinishNotAFile();
  if (!failure.ok()) return Finish(std::move(failure));
  if (received != size_) {
    return Finish(engine::Status::Error("EIO", "expected " + std::to_string(size_) + " bytes, received " + std::to_string(received)));
  }
  Finish(engine::Status::Ok());
}

}  // namespace s3fs
