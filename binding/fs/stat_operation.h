#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// TensorFlow's Stat: an object by HEAD, else a directory by listing one key under "path/".
class StatOperation : public FsOperation {
 public:
  StatOperation(engine::Engine& engine, ObjectPath path) : FsOperation(engine, std::move(path)) {}
  void Start() override;
  const FileInfo& info() const { return info_; }

 private:
  FileInfo info_;
};

}  // namespace s3fs
