#include "tf_plugin/object_requests.h"

#include <aws/cal/hash.h>
#include <aws/common/byte_buf.h>
#include <aws/common/encoding.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <vector>

#include "fs/request_operation.h"
#include "ops/object_metadata.h"
#include "ops/uri_encode.h"
#include "ops/xml.h"

namespace s3fs::tensorflow_plugin {

namespace {

constexpr uint64_t kMaxCopyObject = 5ull * 1024 * 1024 * 1024;
constexpr uint64_t kCopyPartSize = 512ull * 1024 * 1024;
constexpr size_t kDeleteBatch = 1000;

std::string CopySource(const ObjectPath& source) { return "/" + source.bucket + "/" + UriEncodePath(source.key); }

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// CopyObject, UploadPartCopy and CompleteMultipartUpload can fail after their 200 status line has
// been sent: the error then arrives as the body.
engine::Status ErrorInBody(const S3Response& response) {
  if (response.body.find("<Error>") == std::string::npos) return engine::Status::Ok();
  return engine::StatusFromHttp(500, response.body);
}

std::string ContentMd5(const std::string& body) {
  aws_allocator* allocator = aws_default_allocator();
  uint8_t digest[AWS_MD5_LEN];
  aws_byte_buf digest_buf = aws_byte_buf_from_empty_array(digest, sizeof(digest));
  aws_byte_cursor input = aws_byte_cursor_from_array(body.data(), body.size());
  aws_md5_compute(allocator, &input, &digest_buf, 0);
  char encoded[32] = {};
  aws_byte_buf encoded_buf = aws_byte_buf_from_empty_array(encoded, sizeof(encoded));
  aws_byte_cursor digest_cursor = aws_byte_cursor_from_buf(&digest_buf);
  aws_base64_encode(&digest_cursor, &encoded_buf);
  return std::string(encoded, encoded_buf.len);
}

S3Request CopyObjectRequest(const ObjectPath& source, const ObjectPath& target, const std::string& etag,
                            ChecksumAlgorithm checksum) {
  S3Request request;
  request.method = "PUT";
  request.bucket = target.bucket;
  request.key = target.key;
  request.headers.emplace_back("x-amz-copy-source", CopySource(source));
  if (!etag.empty()) request.headers.emplace_back("x-amz-copy-source-if-match", etag);
  if (checksum != ChecksumAlgorithm::kNone) {
    request.headers.emplace_back("x-amz-checksum-algorithm", std::string(ChecksumWireName(checksum)));
  }
  return request;
}

}  // namespace

engine::Status ListAll(BlockingEngine& engine, const std::string& bucket, const std::string& prefix,
                       const std::string& delimiter, const std::function<void(const ListPage&)>& visit) {
  std::string token;
  while (true) {
    S3Response response;
    engine::Status status = engine.Request(ListObjectsRequest(bucket, prefix, delimiter, token, 0), &response);
    if (!status.ok()) return status;
    ListPage page = ParseListPage(response.body);
    visit(page);
    if (!page.truncated || page.next_token.empty()) return engine::Status::Ok();
    token = page.next_token;
  }
}

engine::Status PutObject(BlockingEngine& engine, const ObjectPath& path, const uint8_t* data, size_t size,
                         ChecksumAlgorithm checksum, std::string* etag, bool* acknowledged) {
  S3Request request;
  request.method = "PUT";
  request.bucket = path.bucket;
  request.key = path.key;
  request.upload_checksum = checksum;
  request.body = data;
  request.body_size = size;
  request.has_body = true;
  S3Response response;
  engine::Status status = engine.Request(std::move(request), &response);
  if (status.ok() && etag != nullptr) *etag = response.Header("etag");
  if (status.ok() && acknowledged != nullptr && checksum != ChecksumAlgorithm::kNone) {
    *acknowledged = !response.Header(ChecksumHeaderName(checksum)).empty();
  }
  return status;
}

engine::Status CopyObject(BlockingEngine& engine, const ObjectPath& source, const ObjectPath& target, uint64_t size,
                          const std::string& etag, ChecksumAlgorithm checksum) {
  if (size <= kMaxCopyObject) {
    S3Response response;
    engine::Status status = engine.Request(CopyObjectRequest(source, target, etag, checksum), &response);
    return status.ok() ? ErrorInBody(response) : status;
  }
  MultipartUpload upload;
  engine::Status status = MultipartUpload::Create(engine, target, ChecksumAlgorithm::kNone, upload);
  if (!status.ok()) return status;
  std::vector<CompletedPart> parts;
  for (uint64_t first = 0; first < size && status.ok(); first += kCopyPartSize) {
    CompletedPart part{static_cast<int>(parts.size()) + 1, "", ""};
    status = upload.CopyPart(part.number, source, first, std::min(size, first + kCopyPartSize) - 1, etag, &part.etag);
    parts.push_back(std::move(part));
  }
  if (!status.ok()) {
    upload.Abort();
    return status;
  }
  return upload.Complete(parts, nullptr);
}

engine::Status CopyObjects(BlockingEngine& engine, const std::vector<ObjectCopy>& copies, size_t concurrency,
                           ChecksumAlgorithm checksum, std::vector<bool>& copied) {
  copied.assign(copies.size(), false);
  engine::Status first_error;
  std::deque<std::pair<size_t, BlockingEngine::Pending>> in_flight;
  auto finish_oldest = [&] {
    auto [index, pending] = std::move(in_flight.front());
    in_flight.pop_front();
    engine::Status status = pending.Wait();
    if (status.ok()) status = ErrorInBody(static_cast<RequestOperation&>(pending.operation()).response());
    copied[index] = status.ok();
    if (!status.ok() && first_error.ok()) first_error = status;
  };
  for (size_t i = 0; i < copies.size(); i++) {
    const ObjectCopy& copy = copies[i];
    // A directory marker has no data to copy, and some servers cannot copy one (SeaweedFS keeps it
    // as a directory and answers NoSuchKey): it is written anew (lib/copy.ts does the same).
    if (copy.size == 0 && !copy.source.key.empty() && copy.source.key.back() == '/') {
      engine::Status status = PutObject(engine, copy.target, nullptr, 0, ChecksumAlgorithm::kNone, nullptr);
      copied[i] = status.ok();
      if (!status.ok() && first_error.ok()) first_error = status;
      continue;
    }
    if (copy.size > kMaxCopyObject) {
      engine::Status status = CopyObject(engine, copy.source, copy.target, copy.size, copy.etag, checksum);
      copied[i] = status.ok();
      if (!status.ok() && first_error.ok()) first_error = status;
      continue;
    }
    if (in_flight.size() >= concurrency) finish_oldest();
    auto operation = std::make_shared<RequestOperation>(engine.engine(), CopyObjectRequest(copy.source, copy.target, copy.etag, checksum));
    in_flight.emplace_back(i, engine.Start(std::move(operation)));
  }
  while (!in_flight.empty()) finish_oldest();
  return first_error;
}

namespace {

// Single DELETEs in flight at once, when the server has no DeleteObjects.
constexpr size_t kSingleDeletes = 16;

// A refusal of the batch call itself (GCS's XML API answers NotImplemented), not of the keys in it.
bool RefusesBatchDelete(const engine::Status& status) {
  return status.s3_code == "NotImplemented" || status.http_status == 501 || status.http_status == 405;
}

// keys[start, end) one DELETE each, kSingleDeletes at a time (lib/delete-keys.ts does the same).
engine::Status DeleteOneByOne(BlockingEngine& engine, const std::string& bucket, const std::vector<std::string>& keys,
                              size_t start, size_t end, std::vector<std::string>* undeleted) {
  engine::Status first_error;
  std::deque<std::pair<size_t, BlockingEngine::Pending>> in_flight;
  auto finish_oldest = [&] {
    auto [index, pending] = std::move(in_flight.front());
    in_flight.pop_front();
    engine::Status status = pending.Wait();
    if (status.ok()) return;
    if (first_error.ok()) first_error = status;
    if (undeleted != nullptr) undeleted->push_back(keys[index]);
  };
  for (size_t i = start; i < end; i++) {
    if (in_flight.size() >= kSingleDeletes) finish_oldest();
    S3Request request;
    request.method = "DELETE";
    request.bucket = bucket;
    request.key = keys[i];
    in_flight.emplace_back(i, engine.Start(std::make_shared<RequestOperation>(engine.engine(), std::move(request))));
  }
  while (!in_flight.empty()) finish_oldest();
  return first_error;
}

}  // namespace

engine::Status DeleteKeys(BlockingEngine& engine, const std::string& bucket, const std::vector<std::string>& keys,
                          std::vector<std::string>* undeleted) {
  engine::Status first_error;
  for (size_t start = 0; start < keys.size(); start += kDeleteBatch) {
    size_t end = std::min(keys.size(), start + kDeleteBatch);
    if (engine.batch_delete_refused()) {
      engine::Status status = DeleteOneByOne(engine, bucket, keys, start, end, undeleted);
      if (first_error.ok()) first_error = status;
      continue;
    }
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (size_t i = start; i < end; i++) body += "<Object><Key>" + XmlEscape(keys[i]) + "</Key></Object>";
    body += "</Delete>";
    S3Request request;
    request.method = "POST";
    request.bucket = bucket;
    request.query = "delete=";
    request.headers.emplace_back("Content-MD5", ContentMd5(body));
    request.headers.emplace_back("Content-Type", "application/xml");
    request.body = reinterpret_cast<const uint8_t*>(body.data());
    request.body_size = body.size();
    request.has_body = true;
    S3Response response;
    engine::Status status = engine.Request(std::move(request), &response);
    if (RefusesBatchDelete(status)) {
      engine.RefuseBatchDelete();
      status = DeleteOneByOne(engine, bucket, keys, start, end, undeleted);
      if (first_error.ok()) first_error = status;
      continue;
    }
    if (!status.ok()) {
      if (first_error.ok()) first_error = status;
      if (undeleted != nullptr) undeleted->insert(undeleted->end(), keys.begin() + start, keys.begin() + end);
      continue;
    }
    XmlForEach(response.body, "Error", [&](std::string_view error) {
      if (first_error.ok()) {
        first_error = engine::StatusFromHttp(500, "<Error>" + std::string(error) + "</Error>");
        first_error.http_status = 0;
      }
      if (undeleted != nullptr) undeleted->push_back(XmlFirstText(error, "Key"));
    });
  }
  return first_error;
}

namespace {

// A CreateMultipartUpload retried after its answer was lost still created an upload that nobody
// would complete or abort. The uploads of this key that the server initiated just before ours, one
// per lost try, are those: they are aborted (lib/multipart.ts does the same for the Node backends).
void AbortLostCreations(BlockingEngine& engine, const ObjectPath& path, const std::string& ours, int lost_tries,
                        double elapsed_ms) {
  // S3 dates an upload's Initiated to the second: a lost creation can look up to this much older.
  constexpr double kInitiatedResolutionMs = 1000;
  S3Request request;
  request.method = "GET";
  request.bucket = path.bucket;
  request.query = "prefix=" + UriEncodeQueryValue(path.key) + "&uploads=";
  S3Response response;
  if (!engine.Request(std::move(request), &response).ok()) return;
  struct Listed {
    std::string upload_id;
    double initiated_ms;
  };
  std::vector<Listed> others;
  double our_initiated_ms = -1;
  XmlForEach(response.body, "Upload", [&](std::string_view upload) {
    if (XmlFirstText(upload, "Key") != path.key) return;
    Listed listed{XmlFirstText(upload, "UploadId"), ParseIsoDateMs(XmlFirstText(upload, "Initiated"))};
    if (listed.upload_id == ours) our_initiated_ms = listed.initiated_ms;
    else others.push_back(std::move(listed));
  });
  if (our_initiated_ms < 0) return;
  const double earliest = our_initiated_ms - elapsed_ms - kInitiatedResolutionMs;
  others.erase(std::remove_if(others.begin(), others.end(),
                              [&](const Listed& other) {
                                return other.initiated_ms > our_initiated_ms || other.initiated_ms < earliest;
                              }),
               others.end());
  std::sort(others.begin(), others.end(), [](const Listed& a, const Listed& b) { return a.initiated_ms > b.initiated_ms; });
  for (size_t i = 0; i < others.size() && i < static_cast<size_t>(lost_tries); i++) {
    S3Request abort;
    abort.method = "DELETE";
    abort.bucket = path.bucket;
    abort.key = path.key;
    abort.query = "uploadId=" + UriEncodeQueryValue(others[i].upload_id);
    engine.Request(std::move(abort));
  }
}

}  // namespace

engine::Status MultipartUpload::Create(BlockingEngine& engine, const ObjectPath& path, ChecksumAlgorithm checksum,
                                       MultipartUpload& upload, bool* acknowledged) {
  const auto started = std::chrono::steady_clock::now();
  S3Request request;
  request.method = "POST";
  request.bucket = path.bucket;
  request.key = path.key;
  request.query = "uploads=";
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  if (checksum != ChecksumAlgorithm::kNone) {
    request.headers.emplace_back("x-amz-checksum-algorithm", std::string(ChecksumWireName(checksum)));
    request.headers.emplace_back("x-amz-checksum-type", checksum == ChecksumAlgorithm::kSha256 ? "COMPOSITE" : "FULL_OBJECT");
  }
  S3Response response;
  engine::Status status = engine.Request(std::move(request), &response);
  if (!status.ok()) return status;
  std::string upload_id = XmlFirstText(response.body, "UploadId");
  if (upload_id.empty()) return engine::Status::Error("EPROTO", "CreateMultipartUpload answered without an UploadId");
  if (acknowledged != nullptr && checksum != ChecksumAlgorithm::kNone) {
    *acknowledged = !response.Header("x-amz-checksum-algorithm").empty();
  }
  if (response.attempts > 1) {
    const double elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    AbortLostCreations(engine, path, upload_id, response.attempts - 1, elapsed_ms);
  }
  upload.engine_ = &engine;
  upload.path_ = path;
  upload.checksum_ = checksum;
  upload.upload_id_ = std::move(upload_id);
  return engine::Status::Ok();
}

std::string MultipartUpload::Query(int part_number) const {
  std::string query;
  if (part_number > 0) query = "partNumber=" + std::to_string(part_number) + "&";
  return query + "uploadId=" + UriEncodeQueryValue(upload_id_);
}

BlockingEngine::Pending MultipartUpload::StartPart(int number, const uint8_t* data, size_t size, std::string* checksum) {
  S3Request request;
  request.method = "PUT";
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.query = Query(number);
  checksum->clear();
  if (checksum_ != ChecksumAlgorithm::kNone) {
    RunningChecksum running(checksum_);
    running.Update(data, size);
    *checksum = running.Finish();
    request.headers.emplace_back(std::string(ChecksumHeaderName(checksum_)), *checksum);
  }
  request.body = data;
  request.body_size = size;
  request.has_body = true;
  return engine_->Start(std::make_shared<RequestOperation>(engine_->engine(), std::move(request)));
}

std::string MultipartUpload::PartEtag(const BlockingEngine::Pending& finished) {
  return static_cast<RequestOperation&>(finished.operation()).response().Header("etag");
}

engine::Status MultipartUpload::CopyPart(int number, const ObjectPath& source, uint64_t first, uint64_t last,
                                         const std::string& source_etag, std::string* etag) {
  S3Request request;
  request.method = "PUT";
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.query = Query(number);
  request.headers.emplace_back("x-amz-copy-source", CopySource(source));
  request.headers.emplace_back("x-amz-copy-source-range", "bytes=" + std::to_string(first) + "-" + std::to_string(last));
  if (!source_etag.empty()) request.headers.emplace_back("x-amz-copy-source-if-match", source_etag);
  S3Response response;
  engine::Status status = engine_->Request(std::move(request), &response);
  if (!status.ok()) return status;
  status = ErrorInBody(response);
  if (status.ok()) *etag = XmlFirstText(response.body, "ETag");
  return status;
}

engine::Status MultipartUpload::Complete(const std::vector<CompletedPart>& parts, std::string* etag) {
  std::string body = "<CompleteMultipartUpload>";
  for (const CompletedPart& part : parts) {
    body += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>" + XmlEscape(part.etag) + "</ETag>";
    if (checksum_ != ChecksumAlgorithm::kNone && !part.checksum.empty()) {
      const std::string element = "Checksum" + std::string(ChecksumWireName(checksum_));
      body += "<" + element + ">" + XmlEscape(part.checksum) + "</" + element + ">";
    }
    body += "</Part>";
  }
  body += "</CompleteMultipartUpload>";
  S3Request request;
  request.method = "POST";
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.query = Query(0);
  request.headers.emplace_back("Content-Type", "application/xml");
  request.body = reinterpret_cast<const uint8_t*>(body.data());
  request.body_size = body.size();
  request.has_body = true;
  S3Response response;
  engine::Status status = engine_->Request(std::move(request), &response);
  if (status.ok()) status = ErrorInBody(response);
  if (!status.ok()) {
    Abort();
    return status;
  }
  if (etag != nullptr) *etag = XmlFirstText(response.body, "ETag");
  upload_id_.clear();
  return status;
}

void MultipartUpload::Abort() {
  if (upload_id_.empty()) return;
  S3Request request;
  request.method = "DELETE";
  request.bucket = path_.bucket;
  request.key = path_.key;
  request.query = Query(0);
  engine_->Request(std::move(request));
  upload_id_.clear();
}

}  // namespace s3fs::tensorflow_plugin
