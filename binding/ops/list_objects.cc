#include "ops/list_objects.h"

#include <cstdlib>
#include <map>

#include "ops/object_metadata.h"
#include "ops/uri_encode.h"
#include "ops/xml.h"

namespace s3fs {

S3Request ListObjectsRequest(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                             const std::string& continuation_token, int max_keys) {
  // SigV4 signs the query as written, so parameters go in sorted order.
  std::map<std::string, std::string> params{{"list-type", "2"}, {"prefix", prefix}};
  if (!delimiter.empty()) params["delimiter"] = delimiter;
  if (!continuation_token.empty()) params["continuation-token"] = continuation_token;
  if (max_keys > 0) params["max-keys"] = std::to_string(max_keys);
  S3Request request;
  request.bucket = bucket;
  request.collect_body = true;
  for (const auto& [name, value] : params) {
    if (!request.query.empty()) request.query += "&";
    request.query += name + "=" + UriEncodeQueryValue(value);
  }
  return request;
}

ListPage ParseListPage(const std::string& xml) {
  ListPage page;
  XmlForEach(xml, "Contents", [&](std::string_view inner) {
    ListedObject object;
    object.key = XmlFirstText(inner, "Key");
    object.size = std::strtoull(XmlFirstText(inner, "Size").c_str(), nullptr, 10);
    object.mtime_ms = ParseIsoDateMs(XmlFirstText(inner, "LastModified"));
    object.etag = XmlFirstText(inner, "ETag");
    page.objects.push_back(std::move(object));
  });
  XmlForEach(xml, "CommonPrefixes",
             [&](std::string_view inner) { page.common_prefixes.push_back(XmlFirstText(inner, "Prefix")); });
  page.truncated = XmlFirstText(xml, "IsTruncated") == "true";
  page.next_token = XmlFirstText(xml, "NextContinuationToken");
  return page;
}

}  // namespace s3fs
