#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// One ranged GET straight into the caller's buffer: bytes read, short at the end of the object,
// 0 past it.
class ReadRangeOperation : public FsOperation {
 public:
  // A non-empty `if_match` pins the read to that ETag: a replaced object fails with ESTALE.
  ReadRangeOperation(engine::Engine& engine, ObjectPath path, uint8_t* dest, size_t length, uint64_t position,
                     std::string if_match)
      : FsOperation(engine, std::move(path)),
        dest_(dest),
        length_(length),
        position_(position),
        if_match_(std::move(if_match)) {}
  void Start() override;
  size_t bytes_read() const { return bytes_read_; }

 private:
  uint8_t* dest_;
  size_t length_;
  uint64_t position_;
  std::string if_match_;
  size_t bytes_read_ = 0;
};

}  // namespace s3fs
