#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "tf_plugin/object_requests.h"
#include "tf_plugin/s3_filesystem.h"

namespace s3fs::tensorflow_plugin {

// TensorFlow's WritableFile (and appendable file) on S3, streaming: appended bytes go out as
// multipart parts once a part's worth is buffered, a few parts in flight, so memory is part size x
// (parts in flight + 1) whatever the file's size.
//
// Flush and Sync make what was written so far visible as the object. TensorFlow's own S3 file
// uploads the whole file again on every flush, which makes a long TensorBoard run's traffic grow
// with the square of its length. Here a flushed object of at least 5 MiB (S3's smallest part)
// becomes the first part of the next upload by server-side copy (pinned to its ETag), so a flush
// sends only the new bytes; below 5 MiB the object is sent whole, which bounds the repeat.
//
// Each part's checksum (S3FS_CHECKSUM) is computed as the part leaves, from the bytes TensorFlow
// wrote, and the server verifies it and keeps the object's full-object checksum; an upload that
// starts with the committed object copied server-side carries none (servers refuse a copied part
// into a checksummed upload).
//
// Nothing partial is left behind: a failed upload is aborted, and a file dropped without Close
// aborts the upload in progress (the object keeps what the last flush made visible).
class WritableFile {
 public:
  static engine::Status Open(S3Filesystem& fs, const ObjectPath& path, bool append,
                             std::unique_ptr<WritableFile>& file);
  ~WritableFile();
  WritableFile(const WritableFile&) = delete;
  WritableFile& operator=(const WritableFile&) = delete;

  engine::Status Append(const char* data, size_t n);
  uint64_t Tell() const { return size_; }
  engine::Status Flush();
  engine::Status Close();
  const ObjectPath& path() const { return path_; }

 private:
  struct PartInFlight {
    int number;
    std::vector<uint8_t> data;
    std::string checksum;
    BlockingEngine::Pending pending;
  };

  WritableFile(S3Filesystem& fs, ObjectPath path) : fs_(fs), path_(std::move(path)) {}
  engine::Status Commit();
  engine::Status StartUpload();
  engine::Status SendPart(std::vector<uint8_t> data);
  engine::Status FinishOldestPart();
  engine::Status FinishAllParts();
  // Remembers the first failure, aborts the upload, and answers every later call with it.
  engine::Status Fail(engine::Status status);

  S3Filesystem& fs_;
  ObjectPath path_;
  uint64_t size_ = 0;
  // What the object holds now: as of the last commit (or, appending, as found at open).
  bool committed_ = false;
  uint64_t committed_size_ = 0;
  std::string committed_etag_;
  // The committed bytes themselves while they are fewer than a part may be.
  std::vector<uint8_t> small_committed_;
  bool dirty_ = false;
  std::vector<uint8_t> buffer_;
  MultipartUpload upload_;
  std::vector<CompletedPart> parts_;
  std::deque<std::unique_ptr<PartInFlight>> in_flight_;
  engine::Status failure_;
};

}  // namespace s3fs::tensorflow_plugin
