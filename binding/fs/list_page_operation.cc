#include "fs/list_page_operation.h"

namespace s3fs {

void ListPageOperation::Start() {
  Send(ListObjectsRequest(path_.bucket, path_.key, delimiter_, token_, max_keys_), [this](S3Response& response) {
    if (!response.ok()) return Fail(response);
    page_ = ParseListPage(response.body);
    Finish(engine::Status::Ok());
  });
}

}  // namespace s3fs
