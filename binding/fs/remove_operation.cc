#include "fs/remove_operation.h"

namespace s3fs {

void RemoveOperation::Start() {
  if (path_.key.empty() || path_.key.back() == '/') return FinishNotAFile();
  Head([this](const engine::Status& status, const ObjectMetadata&) {
    if (status.code == "ENOENT") return FinishNotAFile();
    if (!status.ok()) return Finish(status);
    S3Request request;
    request.method = "DELETE";
    request.bucket = path_.bucket;
    request.key = path_.key;
    Send(std::move(request), [this](S3Response& response) {
      if (!response.ok()) return Fail(response);
      Finish(engine::Status::Ok());
    });
  });
}

}  // namespace s3fs
