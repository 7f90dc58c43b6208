#pragma once

#include <memory>
#include <mutex>

#include "engine/large_buffers.h"
#include "fs/fs_operation.h"

namespace s3fs {

struct LargeBufferDeleter {
  size_t size = 0;
  void operator()(uint8_t* p) const { engine::FreeLargeBuffer(p, size); }
};

// A whole object into one native allocation, which JS receives as an external Buffer. The first
// part is a ranged GET whose headers give the object's size and ETag. The allocation is made then,
// before its body arrives, so a small object costs one request; the other parts are sent then too,
// while the first part's body streams. Several in flight on pooled connections, the parts stream
// their bodies straight to their offsets (one copy from the socket, none through part buffers),
// every later one pinned to that ETag (If-Match). An object replaced mid-read is read again from
// the start, so the result is never a mix of two versions.
class ReadFileOperation : public FsOperation {
 public:
  ReadFileOperation(engine::Engine& engine, ObjectPath path) : FsOperation(engine, std::move(path)) {}
  void Start() override;

  uint64_t size() const { return size_; }
  // Hands the bytes over; the caller frees them with engine::FreeLargeBuffer(data, size()).
  uint8_t* ReleaseData() { return data_.release(); }

 private:
  static constexpr int kMaxAttempts = 3;

  void Attempt();
  // The memory for the whole object, chosen by the first part's answer; `other_parts` says how many
  // parts to send now.
  uint8_t* AllocateFor(const S3Response& response, size_t& first_part_size, size_t& other_parts);
  void OnFirstPart(const S3Response& response);
  void ConfirmEmpty();
  void SendNextPart();
  void OnPart(const S3Response& response, size_t length);
  void Conclude();

  std::unique_ptr<uint8_t, LargeBufferDeleter> data_;
  uint64_t size_ = 0;
  int attempts_ = 0;

  std::mutex parts_mutex_;
  std::string etag_;
  // Why the first part's body had nowhere to go, when it had not.
  engine::Status allocation_failure_;
  // Zero until the first part's answer has made the memory.
  size_t first_part_size_ = 0;
  uint64_t next_offset_ = 0;
  uint64_t received_ = 0;
  size_t in_flight_parts_ = 0;
  engine::Status failure_;
};

}  // namespace s3fs
