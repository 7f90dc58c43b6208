#include "fs/download_operation.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace s3fs {

namespace {

// The errno's own name, as Node's fs reports it (the JS backend gets the same codes from fs).
const char* ErrnoCode(int error) {
  switch (error) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case EEXIST: return "EEXIST";
    case EROFS: return "EROFS";
    case EMFILE: return "EMFILE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EXDEV: return "EXDEV";
    default: return "EIO";
  }
}

engine::Status FileError(int error, const std::string& what, const std::string& path) {
  return engine::Status::Error(ErrnoCode(error), what + " " + path + ": " + std::strerror(error));
}

}  // namespace

DownloadOperation::~DownloadOperation() {
  if (fd_ >= 0) DiscardFile();
}

// The first try creates the file (on the JS thread, in Start); a later one empties it.
engine::Status DownloadOperation::ResetDestination() {
  if (fd_ >= 0) {
    if (ftruncate(fd_, 0) != 0) return FileError(errno, "cannot truncate", temp_path_);
    return engine::Status::Ok();
  }
  temp_path_ = local_path_ + ".s3fs-" + std::to_string(getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this));
  fd_ = open(temp_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return FileError(errno, "cannot create", temp_path_);
  return engine::Status::Ok();
}

// The parts write wherever they land; the file's length comes from the bytes written.
engine::Status DownloadOperation::PrepareDestination(uint64_t) { return engine::Status::Ok(); }

void DownloadOperation::Target(S3Request& request, uint64_t offset, size_t) {
  request.dest_fd = fd_;
  request.dest_fd_offset = offset;
}

engine::Status DownloadOperation::AddToChecksum(uint64_t offset, size_t length, RunningChecksum& checksum) {
  constexpr size_t kChunk = 1024 * 1024;
  std::vector<uint8_t> chunk(std::min(kChunk, length));
  while (length > 0) {
    const ssize_t n = pread(fd_, chunk.data(), std::min(chunk.size(), length), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(errno, "cannot read back", temp_path_);
    if (n == 0) return engine::Status::Error("EIO", "the file is shorter than the bytes written to it: " + temp_path_);
    checksum.Update(chunk.data(), static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
    length -= static_cast<size_t>(n);
  }
  return engine::Status::Ok();
}

engine::Status DownloadOperation::StatusOfPart(const S3Response& response) {
  if (response.file_error != 0) return FileError(response.file_error, "cannot write", temp_path_);
  return WholeObjectRead::StatusOfPart(response);
}

void DownloadOperation::DiscardFile() {
  close(fd_);
  fd_ = -1;
  unlink(temp_path_.c_str());
}

void DownloadOperation::Conclude(engine::Status status) {
  if (fd_ < 0) return Finish(std::move(status));
  if (!status.ok()) {
    DiscardFile();
    if (status.code == "ENOENT") return FinishNotAFile();
    return Finish(std::move(status));
  }
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) status = FileError(errno, "cannot write", temp_path_);
  if (status.ok() && rename(temp_path_.c_str(), local_path_.c_str()) != 0) status = FileError(errno, "cannot rename to", local_path_);
  if (!status.ok()) unlink(temp_path_.c_str());
  Finish(std::move(status));
}

}  // namespace s3fs
