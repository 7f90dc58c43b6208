#include "fs/whole_object_read.h"

#include <algorithm>

#include "engine/engine.h"

namespace s3fs {

void WholeObjectRead::Start() { Attempt(); }

void WholeObjectRead::Attempt() {
  ++attempts_;
  engine::Status reset = ResetDestination();
  if (!reset.ok()) return Conclude(std::move(reset));
  bytes_moved_.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    size_ = 0;
    etag_.clear();
    preparation_failure_ = engine::Status::Ok();
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
  request.moved = &bytes_moved_;
  request.choose_dest = [this](const S3Response& response, S3Request& first) {
    size_t other_parts = 0;
    ChooseFirstTarget(response, first, other_parts);
    // The other parts start as soon as the size is known, while the first part's body streams.
    for (size_t i = 0; i < other_parts; ++i) SendNextPart();
  };
  Send(std::move(request), [this](S3Response& response) { OnFirstPart(response); });
}

// On a CRT thread, as the first part's body begins.
void WholeObjectRead::ChooseFirstTarget(const S3Response& response, S3Request& request, size_t& other_parts) {
  std::lock_guard<std::mutex> lock(parts_mutex_);
  const std::optional<uint64_t> size = ObjectSizeOf(response);
  const std::string etag = response.Header("etag");
  if (first_part_size_ > 0) {
    if (size == std::optional<uint64_t>(size_) && etag == etag_) Target(request, 0, first_part_size_);
    else if (failure_.ok()) failure_ = engine::Status::Error("ESTALE", "the object changed while it was read");
    return;
  }
  if (!size) {
    preparation_failure_ = engine::Status::Error("EPROTO", "the answer to a ranged GET gave no object size");
    return;
  }
  preparation_failure_ = PrepareDestination(*size);
  if (!preparation_failure_.ok()) return;
  size_ = *size;
  etag_ = etag;
  // A server that ignores Range sends the whole object in this answer.
  const uint64_t part_size = engine_.config().part_size;
  first_part_size_ = static_cast<size_t>(std::min<uint64_t>(response.http_status == 206 ? part_size : size_, size_));
  next_offset_ = first_part_size_;
  Target(request, 0, first_part_size_);
  const uint64_t parts_left = (size_ - next_offset_ + part_size - 1) / part_size;
  other_parts = static_cast<size_t>(std::min<uint64_t>(parts_left, engine_.config().parts_in_flight - 1));
}

void WholeObjectRead::OnFirstPart(const S3Response& response) {
  size_t first_part_size;
  engine::Status preparation_failure;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    first_part_size = first_part_size_;
    preparation_failure = preparation_failure_;
    if (first_part_size == 0) in_flight_parts_ = 0;
  }
  if (first_part_size > 0) return OnPart(response, first_part_size);
  // No body arrived to be placed: the answer alone says what happened. S3 refuses any range of an
  // empty object.
  if (response.http_status == 416) return ConfirmEmpty();
  engine::Status status = StatusOf(response);
  if (!status.ok()) return Conclude(std::move(status));
  if (!preparation_failure.ok()) return Conclude(std::move(preparation_failure));
  if (ObjectSizeOf(response) == std::optional<uint64_t>(0)) return Conclude(engine::Status::Ok());
  Conclude(engine::Status::Error("EIO", "the first part of the object came with no body"));
}

void WholeObjectRead::ConfirmEmpty() {
  Head([this](const engine::Status& status, const ObjectMetadata& metadata) {
    if (!status.ok()) return Conclude(status);
    if (metadata.size == 0) return Conclude(engine::Status::Ok());
    // Written between the two requests: read what is there now.
    if (attempts_ < kMaxAttempts) return Attempt();
    Conclude(engine::Status::Error("ESTALE", "the object kept changing while it was read"));
  });
}

void WholeObjectRead::SendNextPart() {
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
    request.moved = &bytes_moved_;
    Target(request, offset, length);
  }
  Send(std::move(request), [this, length](S3Response& response) { OnPart(response, length); });
}

engine::Status WholeObjectRead::StatusOfPart(const S3Response& response) { return StatusOf(response); }

void WholeObjectRead::OnPart(const S3Response& response, size_t length) {
  engine::Status status = StatusOfPart(response);
  bool done;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    --in_flight_parts_;
    if (!status.ok() && failure_.ok()) failure_ = std::move(status);
    if (status.ok()) received_ += std::min<uint64_t>(response.bytes_received, length);
    done = in_flight_parts_ == 0 && (!failure_.ok() || next_offset_ >= size_);
  }
  if (done) return OnAllParts();
  SendNextPart();
}

void WholeObjectRead::OnAllParts() {
  engine::Status failure;
  uint64_t received;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    failure = failure_;
    received = received_;
  }
  if (failure.code == "ESTALE" && attempts_ < kMaxAttempts) return Attempt();
  if (!failure.ok()) return Conclude(std::move(failure));
  if (received != size_) {
    return Conclude(engine::Status::Error("EIO", "expected " + std::to_string(size_) + " bytes, received " + std::to_string(received)));
  }
  Conclude(engine::Status::Ok());
}

}  // namespace s3fs
