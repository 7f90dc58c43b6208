#include "fs/download_operation.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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
  if (fd_ >= 0) {
    close(fd_);
    unlink(temp_path_.c_str());
  }
}

void DownloadOperation::Start() {
  temp_path_ = local_path_ + ".s3fs-" + std::to_string(getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this));
  fd_ = open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return Finish(FileError(errno, "cannot create", temp_path_));
  Attempt();
}

void DownloadOperation::Attempt() {
  ++attempts_;
  // No HEAD first: the CRT's first part learns the size and the ETag, and pins the other parts to
  // it (If-Match), so an object replaced mid-download is read again instead of mixing two versions.
  S3Request request;
  request.type = AWS_S3_META_REQUEST_TYPE_GET_OBJECT;
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.dest_fd = fd_;
  request.moved = &bytes_moved_;
  Send(std::move(request), [this](S3Response& response) {
    if (response.file_error != 0) return FinishWithFile(FileError(response.file_error, "cannot write", temp_path_));
    engine::Status status = StatusOf(response);
    if (status.code == "ENOENT") {
      DiscardFile();
      return FinishNotAFile();
    }
    if (status.code == "ESTALE" && attempts_ < kMaxAttempts) {
      if (ftruncate(fd_, 0) != 0) return FinishWithFile(FileError(errno, "cannot truncate", temp_path_));
      bytes_moved_.store(0, std::memory_order_relaxed);
      return Attempt();
    }
    if (!status.ok()) return FinishWithFile(std::move(status));
    // The CRT reports the whole object's length here, whatever part answered first.
    size_ = std::strtoull(response.Header("content-length").c_str(), nullptr, 10);
    if (response.bytes_received != size_) {
      return FinishWithFile(engine::Status::Error(
          "EIO", "expected " + std::to_string(size_) + " bytes, received " + std::to_string(response.bytes_received)));
    }
    FinishWithFile(engine::Status::Ok());
  });
}

void DownloadOperation::DiscardFile() {
  close(fd_);
  fd_ = -1;
  unlink(temp_path_.c_str());
}

void DownloadOperation::FinishWithFile(engine::Status status) {
  if (!status.ok()) {
    DiscardFile();
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
