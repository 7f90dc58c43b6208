#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/status.h"
#include "fs/fs_operation.h"
#include "tf_plugin/blocking_engine.h"
#include "tf_plugin/upload_checksum.h"

namespace s3fs::tensorflow_plugin {

// "s3://bucket/key" as TensorFlow hands it over (after TranslateName); EINVAL for anything else.
engine::Status ParseS3Url(const std::string& url, ObjectPath& path);
// TensorFlow's TranslateName for s3: the URL with its key cleaned as io::CleanPath cleans a path
// ("a//b/./c/../d/" is "a/b/d"), scheme and bucket kept, since every operation needs the bucket.
std::string CleanS3Url(const std::string& url);
std::string UrlOf(const ObjectPath& path);

// TensorFlow's FileSystem operations over S3, with the semantics of its s3_file_system.cc:
// directories are key prefixes (and "dir/" markers), a bucket root is a directory. Each call
// blocks its (TensorFlow) thread until the S3 requests it makes have finished.
class S3Filesystem {
 public:
  S3Filesystem(std::unique_ptr<BlockingEngine> engine, ChecksumAlgorithm upload_checksum);

  BlockingEngine& engine() { return *engine_; }
  UploadChecksum& upload_checksum() { return upload_checksum_; }

  engine::Status Stat(const ObjectPath& path, FileInfo& info);
  // Names relative to the directory, directories without their trailing '/'.
  engine::Status GetChildren(const ObjectPath& path, std::vector<std::string>& names);
  // EEXIST when the path exists (unless `exist_ok` and it is a directory).
  engine::Status CreateDir(const ObjectPath& path, bool exist_ok);
  engine::Status DeleteFile(const ObjectPath& path);
  engine::Status DeleteDir(const ObjectPath& path);
  engine::Status DeleteRecursively(const ObjectPath& path, uint64_t& undeleted_files, uint64_t& undeleted_dirs);
  // Files and directories (every key under the prefix); a directory is copied, then its sources
  // deleted, so a failure part-way leaves every key at the source or the target, never neither.
  engine::Status Rename(const ObjectPath& source, const ObjectPath& target);
  engine::Status Copy(const ObjectPath& source, const ObjectPath& target);
  // Full URLs of the files and directories matching a TensorFlow glob, sorted.
  engine::Status GetMatchingPaths(const std::string& pattern_url, std::vector<std::string>& matches);

 private:
  engine::Status IsDirectory(const ObjectPath& path, bool& is_directory);
  engine::Status RenameDirectory(const ObjectPath& source, const ObjectPath& target);

  std::unique_ptr<BlockingEngine> engine_;
  UploadChecksum upload_checksum_;
};

}  // namespace s3fs::tensorflow_plugin
