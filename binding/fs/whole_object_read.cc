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
    stored_checksum_.reset();
    stored_checksum_known_ = !engine_.config().verify_checksums;
    part_checksums_.clear();
    unchecked_parts_.clear();
    streamed_checksums_.clear();
  }
  S3Request request;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    request.body_checksum = StreamedChecksum(0);
  }
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.headers.emplace_back("Range", "bytes=0-" + std::to_string(engine_.config().part_size - 1));
  if (engine_.config().verify_checksums) request.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  request.moved = &bytes_moved_;
  request.choose_dest = [this](const S3Response& response, S3Request& first) {
    size_t other_parts = 0;
    bool ask_checksum = false;
    ChooseFirstTarget(response, first, other_parts, ask_checksum);
    // The other parts start as soon as the size is known, while the first part's body streams.
    for (size_t i = 0; i < other_parts; ++i) SendNextPart();
    if (ask_checksum) SendChecksumHead();
  };
  Send(std::move(request), [this](S3Response& response) { OnFirstPart(response); });
}

// On a CRT thread, as the first part's body begins.
void WholeObjectRead::ChooseFirstTarget(const S3Response& response, S3Request& request, size_t& other_parts,
                                        bool& ask_checksum) {
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
  if (stored_checksum_known_) return;
  // A server may report the object's checksum with a ranged answer; S3 does only with a whole one.
  std::optional<StoredChecksum> reported = StoredChecksumOf(response);
  if (reported && reported->full_object) {
    stored_checksum_ = std::move(reported);
    stored_checksum_known_ = true;
    return;
  }
  ask_checksum = true;
}

void WholeObjectRead::SendChecksumHead() {
  S3Request request;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    ++in_flight_parts_;
    request.method = "HEAD";
    request.bucket = path_.bucket;
    request.key = path_.key;
    request.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
    if (!etag_.empty()) request.headers.emplace_back("If-Match", etag_);
  }
  Send(std::move(request), [this](S3Response& response) { OnChecksumHead(response); });
}

void WholeObjectRead::OnChecksumHead(const S3Response& response) {
  engine::Status status = response.http_status == 412 ? engine::Status::Error("ESTALE", "the object changed while it was read")
                                                      : StatusOf(response);
  std::map<uint64_t, size_t> pending;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    if (!status.ok()) {
      if (failure_.ok()) failure_ = std::move(status);
    } else {
      std::optional<StoredChecksum> stored = StoredChecksumOf(response);
      if (stored && stored->full_object) stored_checksum_ = std::move(stored);
      stored_checksum_known_ = true;
      pending.swap(unchecked_parts_);
    }
  }
  for (const auto& [offset, length] : pending) ChecksumPart(offset, length);
  bool done;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    --in_flight_parts_;
    done = AllIn();
  }
  if (done) OnAllParts();
}

bool WholeObjectRead::AllIn() const { return in_flight_parts_ == 0 && (!failure_.ok() || next_offset_ >= size_); }

RunningChecksum* WholeObjectRead::StreamedChecksum(uint64_t offset) {
  ChecksumAlgorithm expected = ChecksumAlgorithm::kCrc64Nvme;
  if (stored_checksum_known_) {
    if (!stored_checksum_ || stored_checksum_->algorithm == ChecksumAlgorithm::kSha256) return nullptr;
    expected = stored_checksum_->algorithm;
  }
  return &streamed_checksums_.insert_or_assign(offset, RunningChecksum(expected)).first->second;
}

// A SHA-256 does not combine: it is computed over the whole result at the end.
void WholeObjectRead::ChecksumPart(uint64_t offset, size_t length) {
  ChecksumAlgorithm algorithm;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    auto streamed = streamed_checksums_.find(offset);
    std::optional<RunningChecksum> as_received;
    if (streamed != streamed_checksums_.end()) {
      as_received.emplace(std::move(streamed->second));
      streamed_checksums_.erase(streamed);
    }
    if (!stored_checksum_ || stored_checksum_->algorithm == ChecksumAlgorithm::kSha256) return;
    algorithm = stored_checksum_->algorithm;
    if (as_received && as_received->algorithm() == algorithm && as_received->length() == length) {
      part_checksums_.insert_or_assign(offset, std::move(*as_received));
      return;
    }
  }
  RunningChecksum checksum(algorithm);
  engine::Status status = AddToChecksum(offset, length, checksum);
  std::lock_guard<std::mutex> lock(parts_mutex_);
  if (!status.ok()) {
    if (failure_.ok()) failure_ = std::move(status);
    return;
  }
  part_checksums_.insert_or_assign(offset, std::move(checksum));
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
  if (first_part_size > 0) return OnPart(response, first_part_size, 0);
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
  uint64_t offset;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    if (!failure_.ok() || next_offset_ >= size_) return;
    offset = next_offset_;
    length = static_cast<size_t>(std::min<uint64_t>(engine_.config().part_size, size_ - offset));
    next_offset_ += length;
    ++in_flight_parts_;
    request.bucket = path_.bucket;
    request.key = path_.key;
    request.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
    if (!etag_.empty()) request.headers.emplace_back("If-Match", etag_);
    request.moved = &bytes_moved_;
    request.body_checksum = StreamedChecksum(offset);
    Target(request, offset, length);
  }
  Send(std::move(request), [this, length, offset](S3Response& response) { OnPart(response, length, offset); });
}

engine::Status WholeObjectRead::StatusOfPart(const S3Response& response) { return StatusOf(response); }

void WholeObjectRead::OnPart(const S3Response& response, size_t length, uint64_t offset) {
  engine::Status status = StatusOfPart(response);
  bool checksum_now = false;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    if (status.ok() && failure_.ok()) {
      if (stored_checksum_known_) checksum_now = true;
      else unchecked_parts_.emplace(offset, length);
    }
  }
  // Before this part counts as in: the last one in combines every part's checksum.
  if (checksum_now) ChecksumPart(offset, length);
  bool done;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    --in_flight_parts_;
    if (!status.ok() && failure_.ok()) failure_ = std::move(status);
    if (status.ok()) received_ += std::min<uint64_t>(response.bytes_received, length);
    done = AllIn();
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
  Conclude(Verify());
}

engine::Status WholeObjectRead::Verify() {
  std::optional<StoredChecksum> stored;
  std::map<uint64_t, RunningChecksum> parts;
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);
    stored = stored_checksum_;
    parts.swap(part_checksums_);
  }
  if (!stored) return engine::Status::Ok();
  RunningChecksum whole(stored->algorithm);
  if (stored->algorithm == ChecksumAlgorithm::kSha256) {
    engine::Status status = AddToChecksum(0, static_cast<size_t>(size_), whole);
    if (!status.ok()) return status;
  } else {
    for (const auto& [offset, part] : parts) {
      if (offset != whole.length()) return engine::Status::Error("EIO", "a part of the object was not checksummed");
      whole.Append(part);
    }
    if (whole.length() != size_) return engine::Status::Error("EIO", "a part of the object was not checksummed");
  }
  const std::string computed = whole.Finish();
  if (computed == stored->value) return engine::Status::Ok();
  const std::string name(ChecksumWireName(stored->algorithm));
  return engine::Status::Error("EBADMSG", "the bytes read do not match the object's stored " + name + " checksum (stored " +
                                              stored->value + ", read " + computed + ")");
}

}  // namespace s3fs
