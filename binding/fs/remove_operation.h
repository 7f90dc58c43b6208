#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// Deletes one object. S3's DELETE succeeds for a missing key; like a filesystem, this reports
// ENOENT (or EISDIR for a directory) instead of pretending.
class RemoveOperation : public FsOperation {
 public:
  RemoveOperation(engine::Engine& engine, ObjectPath path) : FsOperation(engine, std::move(path)) {}
  void Start() override;
};

}  // namespace s3fs
