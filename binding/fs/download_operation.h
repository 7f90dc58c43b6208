#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// An object to a local file without holding it in memory: parallel ranged parts, each written at
// its offset, pinned to the ETag the first part saw; an object replaced meanwhile is read again. The bytes land in a temporary file beside the target,
// renamed over it only when complete: a failed download leaves no partial file.
class DownloadOperation : public FsOperation {
 public:
  DownloadOperation(engine::Engine& engine, ObjectPath path, std::string local_path)
      : FsOperation(engine, std::move(path)), local_path_(std::move(local_path)) {}
  ~DownloadOperation() override;
  void Start() override;
  uint64_t size() const { return size_; }

 private:
  static constexpr int kMaxAttempts = 3;

  void Attempt();
  void DiscardFile();
  void FinishWithFile(engine::Status status);

  std::string local_path_;
  std::string temp_path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  int attempts_ = 0;
};

}  // namespace s3fs
