#include <fnmatch.h>

#include <functional>
#include <set>

#include "tf_plugin/object_requests.h"
#include "tf_plugin/s3_filesystem.h"

namespace s3fs::tensorflow_plugin {

namespace {

bool HasGlobMeta(const std::string& segment) { return segment.find_first_of("*?[\\") != std::string::npos; }

std::string LiteralHead(const std::string& segment) { return segment.substr(0, segment.find_first_of("*?[\\")); }

bool Matches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

std::vector<std::string> Segments(const std::string& key) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    if (end > start) segments.push_back(key.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

// TensorFlow's glob (`*`, `?`, `[...]`, `\` escapes, within one path segment). Lists one level at a
// time and only under each segment's literal head, never the whole bucket.
engine::Status S3Filesystem::GetMatchingPaths(const std::string& pattern_url, std::vector<std::string>& matches) {
  ObjectPath pattern;
  engine::Status status = ParseS3Url(pattern_url, pattern);
  if (!status.ok()) return status;
  if (HasGlobMeta(pattern.bucket)) return engine::Status::Error("EINVAL", "a bucket name cannot be a pattern");
  std::vector<std::string> segments = Segments(pattern.key);
  std::set<std::string> found;

  std::function<engine::Status(const std::string&, size_t)> walk = [&](const std::string& dir, size_t index) {
    if (index == segments.size()) {
      FileInfo info;
      ObjectPath path{pattern.bucket, dir.empty() ? "" : dir.substr(0, dir.size() - 1)};
      engine::Status stat = Stat(path, info);
      if (stat.ok()) found.insert(UrlOf(path));
      return stat.code == "ENOENT" ? engine::Status::Ok() : stat;
    }
    const std::string& segment = segments[index];
    if (!HasGlobMeta(segment)) return walk(dir + segment + "/", index + 1);
    bool last = index + 1 == segments.size();
    std::vector<std::string> subdirectories;
    engine::Status listed = ListAll(engine(), pattern.bucket, dir + LiteralHead(segment), "/", [&](const ListPage& page) {
      for (const ListedObject& object : page.objects) {
        std::string name = object.key.substr(dir.size());
        if (last && !name.empty() && Matches(segment, name)) found.insert(UrlOf({pattern.bucket, object.key}));
      }
      for (const std::string& prefix : page.common_prefixes) {
        std::string name = prefix.substr(dir.size(), prefix.size() - dir.size() - 1);
        if (name.empty() || !Matches(segment, name)) continue;
        if (last) {
          found.insert(UrlOf({pattern.bucket, dir + name}));
        } else {
          subdirectories.push_back(prefix);
        }
      }
    });
    if (!listed.ok()) return listed;
    for (const std::string& subdirectory : subdirectories) {
      engine::Status deeper = walk(subdirectory, index + 1);
      if (!deeper.ok()) return deeper;
    }
    return engine::Status::Ok();
  };

  status = walk("", 0);
  if (status.ok()) matches.assign(found.begin(), found.end());
  return status;
}

}  // namespace s3fs::tensorflow_plugin
