#pragma once

#include <memory>

#include "engine/large_buffers.h"
#include "fs/whole_object_read.h"

namespace s3fs {

struct LargeBufferDeleter {
  size_t size = 0;
  void operator()(uint8_t* p) const { engine::FreeLargeBuffer(p, size); }
};

// A whole object into one native allocation, which JS receives as an external Buffer: made when the
// first part's answer gives the size, the parts' bodies copied straight to their offsets (one copy
// from the socket, none through part buffers).
class ReadFileOperation : public WholeObjectRead {
 public:
  ReadFileOperation(engine::Engine& engine, ObjectPath path) : WholeObjectRead(engine, std::move(path)) {}

  // Hands the bytes over; the caller frees them with engine::FreeLargeBuffer(data, size()).
  uint8_t* ReleaseData() { return data_.release(); }

 private:
  engine::Status ResetDestination() override;
  engine::Status PrepareDestination(uint64_t size) override;
  void Target(S3Request& request, uint64_t offset, size_t length) override;
  engine::Status AddToChecksum(uint64_t offset, size_t length, RunningChecksum& checksum) override;
  void Conclude(engine::Status status) override;

  std::unique_ptr<uint8_t, LargeBufferDeleter> data_;
};

}  // namespace s3fs
