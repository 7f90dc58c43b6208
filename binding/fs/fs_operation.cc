#include "fs/fs_operation.h"

#include "ops/list_objects.h"

namespace s3fs {

std::string DirectoryPrefix(const std::string& key) {
  if (key.empty() || key.back() == '/') return key;
  return key + "/";
}

void FsOperation::Head(std::function<void(const engine::Status&, const ObjectMetadata&)> then) {
  S3Request request;
  request.method = "HEAD";
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  Send(std::move(request), [this, then = std::move(then)](S3Response& response) {
    if (response.ok()) return then(engine::Status::Ok(), MetadataFromHeaders(response));
    engine::Status status = StatusOf(response);
    if (response.http_status == 404 || response.http_status < 400) return then(status, ObjectMetadata{});
    // A HEAD error has no body, so no S3 error code: which of AccessDenied, SignatureDoesNotMatch,
    // InvalidAccessKeyId, ... it was is worth one more request on this failure path.
    S3Request probe;
    probe.bucket = path_.bucket;
    probe.key = path_.key;
    probe.headers.emplace_back("Range", "bytes=0-0");
    probe.collect_body = true;
    Send(std::move(probe), [then, status](S3Response& probe_response) {
      engine::Status detailed = StatusOf(probe_response);
      then(detailed.ok() || detailed.s3_code.empty() ? status : detailed, ObjectMetadata{});
    });
  });
}

void FsOperation::ProbeDirectory(std::function<void(bool)> then) {
  if (path_.key.empty()) {
    S3Request request;
    request.method = "HEAD";
    request.bucket = path_.bucket;
    Send(std::move(request), [this, then = std::move(then)](S3Response& response) {
      if (response.ok()) return then(true);
      engine::Status status = StatusOf(response);
      if (status.code == "ENOENT") {
        status.s3_code = "NoSuchBucket";
        status.message = "no such bucket";
        return Finish(std::move(status));
      }
      Finish(std::move(status));
    });
    return;
  }
  Send(ListObjectsRequest(path_.bucket, DirectoryPrefix(path_.key), "", "", 1),
       [this, then = std::move(then)](S3Response& response) {
         if (!response.ok()) return Fail(response);
         ListPage page = ParseListPage(response.body);
         then(!page.objects.empty() || !page.common_prefixes.empty());
       });
}

void FsOperation::StatPath(std::function<void(const FileInfo&)> found, std::function<void()> not_found) {
  auto as_directory = [this, found, not_found] {
    ProbeDirectory([found, not_found](bool is_directory) {
      if (!is_directory) return not_found();
      FileInfo info;
      info.is_directory = true;
      found(info);
    });
  };
  if (path_.key.empty() || path_.key.back() == '/') return as_directory();
  Head([this, found, as_directory](const engine::Status& status, const ObjectMetadata& metadata) {
    if (status.ok()) {
      FileInfo info;
      info.size = metadata.size;
      info.mtime_ms = metadata.mtime_ms;
      info.etag = metadata.etag;
      info.content_type = metadata.content_type;
      info.cache_control = metadata.cache_control;
      info.user_metadata = metadata.user_metadata;
      info.checksum = metadata.checksum;
      return found(info);
    }
    if (status.code == "ENOENT") return as_directory();
    Finish(status);
  });
}

void FsOperation::FinishNotAFile() {
  ProbeDirectory([this](bool is_directory) {
    if (is_directory) return Finish(engine::Status::Error("EISDIR", "is a directory"));
    Finish(engine::Status::Error("ENOENT", "no such file or directory"));
  });
}

}  // namespace s3fs
