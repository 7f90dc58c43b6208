#include "fs/read_file_operation.h"

#include <algorithm>

#include "engine/engine.h"

namespace s3fs {

void ReadFileOperation::Start() { Attempt(); }

void ReadFileOperation::Attempt() {
  ++attempts_;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    data_.reset();
    size_ = 0;
    etag_.clear();
    allocation_failure_ = engine::Status::Ok();
    first_part_size_ = 0;
    next_offset_ = 0;
    received_ = 0;
    in_flight_parts_ = 1;
    failure_ = engine::Status::Ok();
  }
  S3Request request;
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.headers.emplace_back("Range", "bytes=0-" + std::to_string(engine_.config().part_size - 1));
  request.choose_dest = [this](const S3Response& response, size_t& first_part_size) {
    size_t other_parts = 0;
    uint8_t* dest = AllocateFor(response, first_part_size, other_parts);
    // The other parts start as soon as the size is known, while the first part's body streams.
    for (size_t i = 0; i < other_parts; ++i) SendNextPart();
    return dest;
  };
  Send(std::move(request), [this](S3Response& response) { OnFirstPart(response); });
}

// On a CRT thread, as the first part's body begins. Once the memory is made, the other parts write
// into it too: a retried try of the first part may only reuse it.
uint8_t* ReadFileOperation::AllocateFor(const S3Response& response, size_t& first_part_size, size_t& other_parts) {
  std::lock_guard<std::mutex> lock(parts_mutex_);
  first_part_size = 0;
  const std::optional<uint64_t> size = ObjectSizeOf(response);
  const std::string etag = response.Header("etag");
  if (data_) {
    if (size == std::optional<uint64_t>(size_) && etag == etag_) {
      first_part_size = first_part_size_;
      return data_.get();
    }
    if (failure_.ok()) failure_ = engine::Status::Error("ESTALE", "the object changed while it was read");
    return nullptr;
  }
  if (!size) {
    allocation_failure_ = engine::Status::Error("EPROTO", "the answer to a ranged GET gave no object size");
    return nullptr;
  }
  data_ = std::unique_ptr<uint8_t, LargeBufferDeleter>(engine::AllocateLargeBuffer(*size), LargeBufferDeleter{*size});
  if (!data_) {
    allocation_failure_ = engine::Status::Error("ENOMEM", "cannot allocate " + std::to_string(*size) + " bytes");
    return nullptr;
  }
  size_ = *size;
  etag_ = etag;
  // A server that ignores Range sends the whole object in this answer.
  const uint64_t part_size = engine_.config().part_size;
  first_part_size_ = static_cast<size_t>(std::min<uint64_t>(response.http_status == 206 ? part_size : size_, size_));
  first_part_size = first_part_size_;
  next_offset_ = first_part_size_;
  const uint64_t parts_left = (size_ - next_offset_ + part_size - 1) / part_size;
  other_parts = static_cast<size_t>(std::min<uint64_t>(parts_left, engine_.config().parts_in_flight - 1));
  return data_.get();
}

void ReadFileOperation::OnFirstPart(const S3Response& response) {
  size_t first_part_size;
  engine::Status allocation_failure;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    first_part_size = first_part_size_;
    allocation_failure = allocation_failure_;
    if (first_part_size == 0) in_flight_parts_ = 0;
  }
  if (first_part_size > 0) return OnPart(response, first_part_size);
  // No body arrived to be placed: the answer alone says what happened. S3 refuses any range of an
  // empty object.
  if (response.http_status == 416) return ConfirmEmpty();
  engine::Status status = StatusOf(response);
  if (status.code == "ENOENT") return FinishNotAFile();
  if (!status.ok()) return Finish(std::move(status));
  if (!allocation_failure.ok()) return Finish(std::move(allocation_failure));
  if (ObjectSizeOf(response) == std::optional<uint64_t>(0)) return Finish(engine::Status::Ok());
  Finish(engine::Status::Error("EIO", "the first part of the object came with no body"));
}

void ReadFileOperation::ConfirmEmpty() {
  Head([this](const engine::Status& status, const ObjectMetadata& metadata) {
    if (status.code == "ENOENT") return FinishNotAFile();
    if (!status.ok()) return Finish(status);
    if (metadata.size == 0) return Finish(engine::Status::Ok());
    // Written between the two requests: read what is there now.
    if (attempts_ < kMaxAttempts) return Attempt();
    Finish(engine::Status::Error("ESTALE", "the object kept changing while it was read"));
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
  if (failure.code == "ESTALE" && attempts_ < kMaxAttempts) return Attempt();
  if (failure.code == "ENOENT") return FinishNotAFile();
  if (!failure.ok()) return Finish(std::move(failure));
  if (received != size_) {
    return Finish(engine::Status::Error("EIO", "expected " + std::to_string(size_) + " bytes, received " + std::to_string(received)));
  }
  Finish(engine::Status::Ok());
}

}  // namespace s3fs
