#pragma once

#include <map>

#include "fs/fs_operation.h"

namespace s3fs {

// One name under a directory; a file's size and time come from the listing.
struct DirEntry {
  bool is_directory = false;
  uint64_t size = 0;
  double mtime_ms = 0;
};

// TensorFlow's GetChildren: every page of a delimited listing, names relative to the directory,
// directories without their trailing '/'. A missing path is ENOENT, an object ENOTDIR.
class ReadDirOperation : public FsOperation {
 public:
  ReadDirOperation(engine::Engine& engine, ObjectPath path) : FsOperation(engine, std::move(path)) {}
  void Start() override;
  // Sorted by name, each name once (a directory wins over an object of its name).
  const std::map<std::string, DirEntry>& entries() const { return entries_; }

 private:
  void ListPageFrom(const std::string& token);
  void FinishEmpty();

  std::string prefix_;
  bool saw_anything_ = false;
  std::map<std::string, DirEntry> entries_;
};

}  // namespace s3fs
