#include "fs/read_file_operation.h"

namespace s3fs {

engine::Status ReadFileOperation::ResetDestination() {
  data_.reset();
  return engine::Status::Ok();
}

engine::Status ReadFileOperation::PrepareDestination(uint64_t size) {
  data_ = std::unique_ptr<uint8_t, LargeBufferDeleter>(engine::AllocateLargeBuffer(size), LargeBufferDeleter{size});
  if (!data_) return engine::Status::Error("ENOMEM", "cannot allocate " + std::to_string(size) + " bytes");
  return engine::Status::Ok();
}

engine::Status ReadFileOperation::AddToChecksum(uint64_t offset, size_t length, RunningChecksum& checksum) {
  checksum.Update(data_.get() + offset, length);
  return engine::Status::Ok();
}

void ReadFileOperation::Target(S3Request& request, uint64_t offset, size_t length) {
  request.dest = data_.get() + offset;
  request.dest_size = length;
}

void ReadFileOperation::Conclude(engine::Status status) {
  if (status.code == "ENOENT") return FinishNotAFile();
  Finish(std::move(status));
}

}  // namespace s3fs
