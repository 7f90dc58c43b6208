#pragma once

#include "fs/fs_operation.h"
#include "ops/list_objects.h"

namespace s3fs {

// One page of ListObjectsV2, parsed natively: the building block of glob, recursive rm and rename.
class ListPageOperation : public FsOperation {
 public:
  ListPageOperation(engine::Engine& engine, ObjectPath path, std::string delimiter, std::string token, int max_keys)
      : FsOperation(engine, std::move(path)), delimiter_(std::move(delimiter)), token_(std::move(token)), max_keys_(max_keys) {}
  void Start() override;
  const ListPage& page() const { return page_; }

 private:
  std::string delimiter_;
  std::string token_;
  int max_keys_;
  ListPage page_;
};

}  // namespace s3fs
