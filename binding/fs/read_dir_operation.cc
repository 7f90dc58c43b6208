#include "fs/read_dir_operation.h"

#include "ops/list_objects.h"

namespace s3fs {

void ReadDirOperation::Start() {
  prefix_ = DirectoryPrefix(path_.key);
  ListPageFrom("");
}

void ReadDirOperation::ListPageFrom(const std::string& token) {
  Send(ListObjectsRequest(path_.bucket, prefix_, "/", token, 0), [this](S3Response& response) {
    if (!response.ok()) return Fail(response);
    ListPage page = ParseListPage(response.body);
    for (const ListedObject& object : page.objects) {
      saw_anything_ = true;
      std::string name = object.key.substr(prefix_.size());
      if (!name.empty()) entries_.emplace(std::move(name), DirEntry{false, object.size, object.mtime_ms});
    }
    for (const std::string& common_prefix : page.common_prefixes) {
      saw_anything_ = true;
      std::string name = common_prefix.substr(prefix_.size());
      if (!name.empty() && name.back() == '/') name.pop_back();
      if (!name.empty()) entries_[name] = DirEntry{true, 0, 0};
    }
    if (page.truncated && !page.next_token.empty()) return ListPageFrom(page.next_token);
    if (saw_anything_ || path_.key.empty()) return Finish(engine::Status::Ok());
    FinishEmpty();
  });
}

void ReadDirOperation::FinishEmpty() {
  if (path_.key.back() == '/') return Finish(engine::Status::Error("ENOENT", "no such file or directory"));
  Head([this](const engine::Status& status, const ObjectMetadata&) {
    if (status.ok()) return Finish(engine::Status::Error("ENOTDIR", "not a directory"));
    if (status.code == "ENOENT") return Finish(engine::Status::Error("ENOENT", "no such file or directory"));
    Finish(status);
  });
}

}  // namespace s3fs
