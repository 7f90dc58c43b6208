#pragma once

#include <string>

#include "fs/whole_object_read.h"

namespace s3fs {

// An object to a local file without holding it in memory: the parts' bodies are written at their
// offsets (pwrite) into a temporary file beside the target, renamed over it only when complete, so
// a failed download leaves no partial file.
class DownloadOperation : public WholeObjectRead {
 public:
  DownloadOperation(engine::Engine& engine, ObjectPath path, std::string local_path)
      : WholeObjectRead(engine, std::move(path)), local_path_(std::move(local_path)) {}
  ~DownloadOperation() override;

 private:
  engine::Status ResetDestination() override;
  engine::Status PrepareDestination(uint64_t size) override;
  void Target(S3Request& request, uint64_t offset, size_t length) override;
  engine::Status StatusOfPart(const S3Response& response) override;
  // Reads the range back from the file (the page cache, as a rule).
  engine::Status AddToChecksum(uint64_t offset, size_t length, RunningChecksum& checksum) override;
  void Conclude(engine::Status status) override;
  void DiscardFile();

  std::string local_path_;
  std::string temp_path_;
  int fd_ = -1;
};

}  // namespace s3fs
