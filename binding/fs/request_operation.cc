#include "fs/request_operation.h"

namespace s3fs {

void RequestOperation::Start() {
  request_.collect_body = true;
  Send(std::move(request_), [this](S3Response& response) {
    if (!response.ok()) return Fail(response);
    response_ = std::move(response);
    Finish(engine::Status::Ok());
  });
}

}  // namespace s3fs
