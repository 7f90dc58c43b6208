#include "fs/stat_operation.h"

namespace s3fs {

void StatOperation::Start() {
  StatPath(
      [this](const FileInfo& info) {
        info_ = info;
        Finish(engine::Status::Ok());
      },
      [this] { Finish(engine::Status::Error("ENOENT", "no such file or directory")); });
}

}  // namespace s3fs
