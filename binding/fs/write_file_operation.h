#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// Uploads the caller's bytes as they are, or a local file read part by part (memory bounded by
// part size x parts in flight, not by the file): one PUT below the part size, a parallel multipart
// upload above it. The CRT aborts a failed or cancelled multipart upload, so nothing partial is left.
class WriteFileOperation : public FsOperation {
 public:
  WriteFileOperation(engine::Engine& engine, ObjectPath path, const uint8_t* data, size_t size)
      : FsOperation(engine, std::move(path)), data_(data), size_(size) {}
  WriteFileOperation(engine::Engine& engine, ObjectPath path, std::string local_file, size_t size)
      : FsOperation(engine, std::move(path)), data_(nullptr), size_(size), local_file_(std::move(local_file)) {}
  void Start() override;
  const std::string& etag() const { return etag_; }
  // The checksum the server's answer to a single PUT acknowledged (x-amz-checksum-*); empty when it
  // named none, or none was sent.
  const std::string& acknowledged_checksum() const { return acknowledged_checksum_; }
  // The object's headers (Content-Type, Cache-Control, x-amz-meta-*); application/octet-stream
  // when none names a type.
  void SetHeaders(HeaderList headers) { headers_ = std::move(headers); }
  // The checksum of every request's body, for the server to verify (each part's, in a multipart
  // upload).
  void SetChecksum(ChecksumAlgorithm algorithm) { checksum_ = algorithm; }
  // Uploads in parts of `part_size` under an upload the caller created and will abort on failure.
  void ContinueUpload(std::string upload_id, size_t part_size) {
    upload_id_ = std::move(upload_id);
    part_size_ = part_size;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  std::string local_file_;
  HeaderList headers_;
  ChecksumAlgorithm checksum_ = ChecksumAlgorithm::kNone;
  std::string upload_id_;
  size_t part_size_ = 0;
  std::string etag_;
  std::string acknowledged_checksum_;
};

}  // namespace s3fs
