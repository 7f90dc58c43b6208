#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// A local file to an object, read by the CRT part by part (memory bounded by part size x parts in
// flight, not by the file): one PUT below the part size, a multipart upload above it, aborted on
// failure or cancel.
class UploadOperation : public FsOperation {
 public:
  UploadOperation(engine::Engine& engine, ObjectPath path, std::string local_path, uint64_t size)
      : FsOperation(engine, std::move(path)), local_path_(std::move(local_path)), size_(size) {}
  void Start() override;
  const std::string& etag() const { return etag_; }

 private:
  std::string local_path_;
  uint64_t size_;
  std::string etag_;
};

}  // namespace s3fs
