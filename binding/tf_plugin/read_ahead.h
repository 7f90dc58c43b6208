#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tf_plugin/s3_filesystem.h"

namespace s3fs::tensorflow_plugin {

// Prefetching for a reader that goes front to back in small reads (GFile reads 512 KiB at a time,
// TFRecordDataset 256 KiB): from the second read of at least kMinRunRead bytes that follows the one
// before, the next chunks are fetched in parallel ahead of the reader, all pinned to the ETag seen when prefetching started.
// Memory: the read-ahead window (S3FS_READ_AHEAD) per sequential reader. What lies past the size
// seen then is read directly, so a file that grows while it is read (an event file TensorBoard
// follows) is still seen growing. S3FS_READ_AHEAD=0 turns it off.
class ReadAhead {
 public:
  ReadAhead(S3Filesystem& fs, ObjectPath path);
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // True when it answered the read (bytes_read, or the error in status); false when the read is
  // not part of a sequential run and is for the caller to make.
  bool Read(uint64_t offset, size_t n, char* buffer, size_t& bytes_read, engine::Status& status);

 private:
  struct Chunk {
    uint64_t offset = 0;
    std::vector<uint8_t> data;
    BlockingEngine::Pending pending;
    bool finished = false;
    engine::Status status;
    size_t length = 0;
  };

  void Drop();
  bool Start(uint64_t offset);
  void FetchNext();
  Chunk& Finished(Chunk& chunk);

  S3Filesystem& fs_;
  ObjectPath path_;
  size_t chunk_size_;
  size_t window_;

  std::mutex mutex_;
  // A seek in a GFile reads one byte before the target and then a buffer at it; only reads of a
  // buffer's size count towards a sequential run.
  static constexpr size_t kMinRunRead = 64 * 1024;

  uint64_t expected_offset_ = UINT64_MAX;
  int run_reads_ = 0;
  std::string etag_;
  uint64_t size_ = 0;
  uint64_t fetch_offset_ = 0;
  std::deque<std::unique_ptr<Chunk>> chunks_;
};

}  // namespace s3fs::tensorflow_plugin
