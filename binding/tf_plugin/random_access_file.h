#pragma once

#include <memory>

#include "tf_plugin/read_ahead.h"
#include "tf_plugin/s3_filesystem.h"
#include "tf_plugin/whole_read_check.h"

namespace s3fs::tensorflow_plugin {

// TensorFlow's RandomAccessFile: thread-safe reads at any offset. A small read is one ranged GET, or
// is served by the read-ahead when it continues the read before; a large one is split into parts
// fetched in parallel, all pinned to one ETag, so that a read never mixes two versions of an object
// that is replaced meanwhile (it is then read again). A file that grows (an event file being
// written) is seen growing. Reading the whole object front to back checks it against its stored
// checksum (WholeReadCheck): the read that reaches the end fails with EBADMSG when it differs.
class RandomAccessFile {
 public:
  static engine::Status Open(S3Filesystem& fs, const ObjectPath& path, std::unique_ptr<RandomAccessFile>& file);

  // Fewer than n bytes only at the end of the object.
  engine::Status Read(uint64_t offset, size_t n, char* buffer, size_t& bytes_read) const;
  const ObjectPath& path() const { return path_; }

 private:
  RandomAccessFile(S3Filesystem& fs, ObjectPath path, const FileInfo& opened)
      : fs_(fs), path_(path), etag_(opened.etag), read_ahead_(fs, std::move(path)), whole_read_check_(opened) {}
  engine::Status ReadBytes(uint64_t offset, size_t n, char* buffer, size_t& bytes_read) const;
  engine::Status ReadInParts(uint64_t offset, size_t n, char* buffer, size_t& bytes_read) const;
  // The failure a read that completed a whole-object read differing from the stored checksum reports.
  engine::Status Mismatch(const std::string& message) const;

  S3Filesystem& fs_;
  ObjectPath path_;
  std::string etag_;
  mutable ReadAhead read_ahead_;
  mutable WholeReadCheck whole_read_check_;
};

// TensorFlow's ReadOnlyMemoryRegion: the whole object in memory, read in parallel parts.
class MemoryRegion {
 public:
  static engine::Status Open(S3Filesystem& fs, const ObjectPath& path, std::unique_ptr<MemoryRegion>& region);
  ~MemoryRegion();
  MemoryRegion(const MemoryRegion&) = delete;
  MemoryRegion& operator=(const MemoryRegion&) = delete;

  const void* data() const { return data_; }
  uint64_t length() const { return size_; }

 private:
  MemoryRegion(uint8_t* data, uint64_t size) : data_(data), size_(size) {}
  uint8_t* data_;
  uint64_t size_;
};

}  // namespace s3fs::tensorflow_plugin
