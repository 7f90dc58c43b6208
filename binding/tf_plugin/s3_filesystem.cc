#include "tf_plugin/s3_filesystem.h"

#include "fs/read_dir_operation.h"
#include "fs/remove_operation.h"
#include "engine/s3_address.h"
#include "fs/stat_operation.h"
#include "tf_plugin/object_requests.h"

namespace s3fs::tensorflow_plugin {

namespace {

constexpr size_t kCopiesInFlight = 16;
constexpr char kScheme[] = "s3://";

engine::Status Error(const char* code, std::string message) { return engine::Status::Error(code, std::move(message)); }

std::string BaseName(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

// The server as the warning about refused checksums names it (lib/checksum-support.ts's endpointOf).
std::string EndpointOf(const engine::Config& config) {
  if (config.endpoint_host.empty()) return engine::AwsS3Host(config.region, config.use_dualstack, config.use_fips) + ":443";
  const uint16_t port = config.endpoint_port != 0 ? config.endpoint_port : (config.use_https ? 443 : 80);
  return config.endpoint_host + ":" + std::to_string(port);
}

}  // namespace

engine::Status ParseS3Url(const std::string& url, ObjectPath& path) {
  if (url.compare(0, sizeof(kScheme) - 1, kScheme) != 0) return Error("EINVAL", "not an s3:// URL");
  std::string rest = url.substr(sizeof(kScheme) - 1);
  size_t slash = rest.find('/');
  path.bucket = rest.substr(0, slash);
  path.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (path.bucket.empty()) return Error("EINVAL", "the URL names no bucket");
  return engine::Status::Ok();
}

std::string CleanS3Url(const std::string& url) {
  ObjectPath path;
  if (!ParseS3Url(url, path).ok()) return url;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.key.size()) {
    size_t end = path.key.find('/', start);
    if (end == std::string::npos) end = path.key.size();
    std::string part = path.key.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    start = end + 1;
  }
  std::string cleaned = kScheme + path.bucket;
  for (const std::string& part : parts) cleaned += "/" + part;
  return cleaned;
}

std::string UrlOf(const ObjectPath& path) {
  return kScheme + path.bucket + (path.key.empty() ? "" : "/" + path.key);
}

S3Filesystem::S3Filesystem(std::unique_ptr<BlockingEngine> engine, ChecksumAlgorithm upload_checksum)
    : engine_(std::move(engine)), upload_checksum_(upload_checksum, EndpointOf(engine_->config())) {}

engine::Status S3Filesystem::Stat(const ObjectPath& path, FileInfo& info) {
  auto operation = std::make_shared<StatOperation>(engine_->engine(), path);
  engine::Status status = engine_->Run(operation);
  if (status.ok()) info = operation->info();
  return status;
}

engine::Status S3Filesystem::IsDirectory(const ObjectPath& path, bool& is_directory) {
  if (path.key.empty()) {
    FileInfo info;
    engine::Status status = Stat(path, info);
    is_directory = status.ok();
    return status.code == "ENOENT" ? engine::Status::Ok() : status;
  }
  S3Response response;
  engine::Status status = engine_->Request(ListObjectsRequest(path.bucket, DirectoryPrefix(path.key), "", "", 1), &response);
  if (!status.ok()) return status;
  ListPage page = ParseListPage(response.body);
  is_directory = !page.objects.empty() || !page.common_prefixes.empty();
  return status;
}

engine::Status S3Filesystem::GetChildren(const ObjectPath& path, std::vector<std::string>& names) {
  auto operation = std::make_shared<ReadDirOperation>(engine_->engine(), path);
  engine::Status status = engine_->Run(operation);
  if (!status.ok()) return status;
  for (const auto& [name, entry] : operation->entries()) names.push_back(name);
  return status;
}

engine::Status S3Filesystem::CreateDir(const ObjectPath& path, bool exist_ok) {
  FileInfo info;
  engine::Status status = Stat(path, info);
  if (status.ok()) {
    if (info.is_directory) return exist_ok ? status : Error("EEXIST", "the directory exists");
    return exist_ok ? Error("ENOTDIR", "a file of that name exists") : Error("EEXIST", "a file of that name exists");
  }
  if (status.code != "ENOENT" || path.key.empty()) return status;
  ObjectPath marker{path.bucket, DirectoryPrefix(path.key)};
  // A marker has no bytes to protect.
  return PutObject(*engine_, marker, nullptr, 0, ChecksumAlgorithm::kNone, nullptr);
}

engine::Status S3Filesystem::DeleteFile(const ObjectPath& path) {
  return engine_->Run(std::make_shared<RemoveOperation>(engine_->engine(), path));
}

engine::Status S3Filesystem::DeleteDir(const ObjectPath& path) {
  if (path.key.empty()) return Error("EPERM", "a bucket is not deleted through the filesystem");
  std::string prefix = DirectoryPrefix(path.key);
  S3Response response;
  engine::Status status = engine_->Request(ListObjectsRequest(path.bucket, prefix, "", "", 2), &response);
  if (!status.ok()) return status;
  ListPage page = ParseListPage(response.body);
  bool has_marker = false;
  for (const ListedObject& object : page.objects) {
    if (object.key != prefix) return Error("ENOTEMPTY", "the directory is not empty");
    has_marker = true;
  }
  if (has_marker) return DeleteKeys(*engine_, path.bucket, {prefix}, nullptr);
  FileInfo info;
  status = Stat(path, info);
  if (status.ok()) return Error("ENOTDIR", "not a directory");
  return status;
}

engine::Status S3Filesystem::DeleteRecursively(const ObjectPath& path, uint64_t& undeleted_files,
                                               uint64_t& undeleted_dirs) {
  undeleted_files = 0;
  undeleted_dirs = 1;
  if (path.key.empty()) return Error("EPERM", "refusing to delete everything in a bucket");
  FileInfo info;
  engine::Status status = Stat(path, info);
  if (!status.ok()) return status;
  if (!info.is_directory) {
    undeleted_dirs = 0;
    status = DeleteFile(path);
    if (!status.ok()) undeleted_files = 1;
    return status;
  }
  std::vector<std::string> keys;
  status = ListAll(*engine_, path.bucket, DirectoryPrefix(path.key), "", [&](const ListPage& page) {
    for (const ListedObject& object : page.objects) keys.push_back(object.key);
  });
  if (!status.ok()) return status;
  std::vector<std::string> undeleted;
  status = DeleteKeys(*engine_, path.bucket, keys, &undeleted);
  undeleted_files = undeleted.size();
  undeleted_dirs = undeleted.empty() ? 0 : 1;
  return status;
}

engine::Status S3Filesystem::Rename(const ObjectPath& source, const ObjectPath& target) {
  FileInfo info;
  engine::Status status = Stat(source, info);
  if (!status.ok()) return status;
  if (source.bucket == target.bucket && source.key == target.key) return status;
  if (info.is_directory) return RenameDirectory(source, target);
  bool target_is_directory = false;
  status = IsDirectory(target, target_is_directory);
  if (!status.ok()) return status;
  if (target_is_directory) return Error("EISDIR", "the target " + UrlOf(target) + " is a directory");
  status = upload_checksum_.Send([&](ChecksumAlgorithm checksum, bool&) {
    return CopyObject(*engine_, source, target, info.size, info.etag, checksum);
  });
  if (!status.ok()) return status;
  return DeleteKeys(*engine_, source.bucket, {source.key}, nullptr);
}

engine::Status S3Filesystem::RenameDirectory(const ObjectPath& source, const ObjectPath& target) {
  if (source.key.empty()) return Error("EPERM", "a bucket root cannot be renamed");
  std::string from = DirectoryPrefix(source.key);
  std::string to = DirectoryPrefix(target.key);
  if (source.bucket == target.bucket && to.compare(0, from.size(), from) == 0) {
    return Error("EINVAL", "cannot move a directory into itself (" + UrlOf(target) + ")");
  }
  FileInfo target_info;
  engine::Status status = Stat(target, target_info);
  if (status.ok() && !target_info.is_directory) return Error("ENOTDIR", "the target " + UrlOf(target) + " is a file");
  std::vector<ObjectCopy> copies;
  status = ListAll(*engine_, source.bucket, from, "", [&](const ListPage& page) {
    for (const ListedObject& object : page.objects) {
      copies.push_back({{source.bucket, object.key}, {target.bucket, to + object.key.substr(from.size())}, object.size,
                        object.etag});
    }
  });
  if (!status.ok()) return status;
  std::vector<bool> copied;
  engine::Status copy_status = upload_checksum_.Send([&](ChecksumAlgorithm checksum, bool&) {
    return CopyObjects(*engine_, copies, kCopiesInFlight, checksum, copied);
  });
  // Never left split (lib/copy.ts does the same): a key that could not be copied rolls the rename
  // back, removing the copies made; once every key is copied it is finished, a failed delete tried
  // once more.
  if (!copy_status.ok()) {
    std::vector<std::string> made;
    for (size_t i = 0; i < copies.size(); i++) {
      if (copied[i]) made.push_back(copies[i].target.key);
    }
    std::vector<std::string> left;
    DeleteKeys(*engine_, target.bucket, made, &left);
    copy_status.message = "nothing moved (a key could not be copied; " +
                          (left.empty() ? std::string("the copies made were removed")
                                        : std::to_string(left.size()) + " of the copies made could not be removed") +
                          "): " + copy_status.message;
    return copy_status;
  }
  std::vector<std::string> sources;
  for (const ObjectCopy& copy : copies) sources.push_back(copy.source.key);
  std::vector<std::string> undeleted;
  status = DeleteKeys(*engine_, source.bucket, sources, &undeleted);
  if (!status.ok() && !undeleted.empty()) {
    std::vector<std::string> retried = std::move(undeleted);
    undeleted.clear();
    status = DeleteKeys(*engine_, source.bucket, retried, &undeleted);
  }
  if (status.ok()) return status;
  status.message = "every key was copied to " + UrlOf(target) + ", but " + std::to_string(undeleted.size()) + " of " +
                   std::to_string(copies.size()) + " could not be removed from the source: " + status.message;
  return status;
}

engine::Status S3Filesystem::Copy(const ObjectPath& source, const ObjectPath& target) {
  FileInfo info;
  engine::Status status = Stat(source, info);
  if (!status.ok()) return status;
  if (info.is_directory) return Error("EISDIR", "the source is a directory");
  ObjectPath destination = target;
  bool target_is_directory = false;
  status = IsDirectory(target, target_is_directory);
  if (!status.ok()) return status;
  if (target_is_directory) destination.key = DirectoryPrefix(target.key) + BaseName(source.key);
  return upload_checksum_.Send([&](ChecksumAlgorithm checksum, bool&) {
    return CopyObject(*engine_, source, destination, info.size, info.etag, checksum);
  });
}

}  // namespace s3fs::tensorflow_plugin
