#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ops/object_metadata.h"
#include "ops/operation.h"

namespace s3fs {

struct ObjectPath {
  std::string bucket;
  std::string key;  // empty for the bucket root
};

// What stat reports. S3 has no directories: a directory is a "dir/" marker or any key under
// "dir/", and the bucket root is always one, as in TensorFlow's S3 filesystem.
struct FileInfo {
  bool is_directory = false;
  uint64_t size = 0;
  double mtime_ms = 0;
  std::string etag;
  std::string content_type;
  std::string cache_control;
  HeaderList user_metadata;
  std::optional<StoredChecksum> checksum;
};

// "" for the root, otherwise the key with exactly one trailing '/'.
std::string DirectoryPrefix(const std::string& key);

// Filesystem steps shared by the operations: HEAD, the directory probe, stat.
class FsOperation : public Operation {
 protected:
  FsOperation(engine::Engine& engine, ObjectPath path) : Operation(engine), path_(std::move(path)) {}

  // then(status, metadata): status is ENOENT for a missing object; other errors too are passed on.
  void Head(std::function<void(const engine::Status&, const ObjectMetadata&)> then);
  // then(true) when the path is a directory (for the root: when the bucket exists).
  void ProbeDirectory(std::function<void(bool)> then);
  void StatPath(std::function<void(const FileInfo&)> found, std::function<void()> not_found);
  // For a path that is not an object: EISDIR when it is a directory, else ENOENT.
  void FinishNotAFile();

  ObjectPath path_;
};

}  // namespace s3fs
