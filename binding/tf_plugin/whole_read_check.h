#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "engine/status.h"
#include "fs/fs_operation.h"
#include "ops/checksum.h"

namespace s3fs::tensorflow_plugin {

// The check of a whole object read through a RandomAccessFile in TensorFlow's way, front to back in
// reads of a buffer's size (GFile.read(), TFRecordDataset, a SavedModel's files): the reads that
// follow one another from offset 0 are checksummed as they are answered, no second pass, and the
// one that reaches the object's end, as it was when the file was opened, is checked against the
// object's stored full-object checksum. Reads out of that order are not checked (S3 keeps no
// checksum of a range; the README says so).
class WholeReadCheck {
 public:
  enum class Verdict { kUnchecked, kMatches, kDiffers };

  // `opened`: the object as the file was opened (its size and stored checksum).
  explicit WholeReadCheck(const FileInfo& opened);

  // After a read answered `n` bytes at `offset`: whether that completed a checked whole-object
  // read, and if so whether it matched; `message` then says both values.
  Verdict Observe(uint64_t offset, const char* data, size_t n, std::string& message);

 private:
  std::mutex mutex_;
  const std::optional<StoredChecksum> stored_;
  const uint64_t size_;
  // The checksum of [0, running_->length()), while reads go front to back from 0.
  std::optional<RunningChecksum> running_;
};

}  // namespace s3fs::tensorflow_plugin
