#pragma once

#include <cstdlib>
#include <memory>

#include "fs/fs_operation.h"

namespace s3fs {

// A whole object into one native allocation, which JS receives as an external Buffer. The size and
// ETag come from a HEAD; the GET is pinned to that ETag (If-Match) and split by the CRT into
// parallel ranged parts, each copied straight to its offset. An object replaced mid-read is read
// again from the start, so the result is never a mix of two versions.
class ReadFileOperation : public FsOperation {
 public:
  ReadFileOperation(engine::Engine& engine, ObjectPath path) : FsOperation(engine, std::move(path)) {}
  void Start() override;

  uint64_t size() const { return size_; }
  // Hands the bytes over; the caller frees them with std::free.
  uint8_t* ReleaseData() { return data_.release(); }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  static constexpr int kMaxAttempts = 3;

  void Attempt();
  void Get(const std::string& etag);

  std::unique_ptr<uint8_t, Free> data_;
  uint64_t size_ = 0;
  int attempts_ = 0;
};

}  // namespace s3fs
