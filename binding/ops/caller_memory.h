#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

struct aws_allocator;
struct aws_input_stream;
struct aws_byte_cursor;

namespace s3fs {

// Access to memory the caller owns (a JS Buffer to read into or upload from). A cancelled request
// revokes it at once: after Revoke() returns, no CRT thread touches that memory again, so the
// caller may be told at once and its Buffer collected, even while the CRT winds the request down.
class CallerMemory {
 public:
  void Revoke() {
    std::lock_guard<std::mutex> lock(mutex_);
    revoked_ = true;
  }

  // Copies into dest[at..] under the guard; false once revoked.
  bool CopyIn(uint8_t* dest, size_t dest_size, uint64_t at, const uint8_t* data, size_t size);

  // An input stream over [data, data + size) that fails once the memory is revoked.
  aws_input_stream* NewBodyStream(aws_allocator* allocator, const uint8_t* data, size_t size);

 private:
  friend struct GuardedBodyStream;
  // Makes the destination's pages present up to needed_until and a window beyond.
  void PopulateAhead(uint8_t* dest, size_t dest_size, uint64_t needed_until);
  std::mutex mutex_;
  bool revoked_ = false;
  // How far the destination's pages have been made ready for the copies.
  uint64_t populated_until_ = 0;
};

}  // namespace s3fs
