#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "fs/fs_operation.h"
#include "ops/checksum.h"
#include "ops/list_objects.h"
#include "tf_plugin/blocking_engine.h"

namespace s3fs::tensorflow_plugin {

// The S3 requests the plugin composes its filesystem from, each blocking its caller: listing,
// server-side copy, batched delete and the multipart upload calls.

// Every page of a listing under `prefix`; `visit` sees each page as it arrives.
engine::Status ListAll(BlockingEngine& engine, const std::string& bucket, const std::string& prefix,
                       const std::string& delimiter, const std::function<void(const ListPage&)>& visit);

// A PUT of the caller's bytes (memory must outlive the call), with their `checksum` for the server
// to verify; the new ETag, and whether the answer acknowledged the checksum.
engine::Status PutObject(BlockingEngine& engine, const ObjectPath& path, const uint8_t* data, size_t size,
                         ChecksumAlgorithm checksum, std::string* etag, bool* acknowledged = nullptr);

// Server-side copy of a whole object, pinned to `etag` (ESTALE when the source changed): one
// CopyObject up to 5 GiB, which has the server store a `checksum` of the copy, a multipart copy
// above, aborted if it fails.
engine::Status CopyObject(BlockingEngine& engine, const ObjectPath& source, const ObjectPath& target, uint64_t size,
                          const std::string& etag, ChecksumAlgorithm checksum);

// DeleteObjects in batches of 1000; the keys that could not be deleted, and the first error.
engine::Status DeleteKeys(BlockingEngine& engine, const std::string& bucket, const std::vector<std::string>& keys,
                          std::vector<std::string>* undeleted);

struct ObjectCopy {
  ObjectPath source;
  ObjectPath target;
  uint64_t size = 0;
  std::string etag;
};

// Many copies, `concurrency` at once; copied[i] tells whether copies[i] succeeded. The first error.
engine::Status CopyObjects(BlockingEngine& engine, const std::vector<ObjectCopy>& copies, size_t concurrency,
                           ChecksumAlgorithm checksum, std::vector<bool>& copied);

struct CompletedPart {
  int number = 0;
  std::string etag;
  // The part's checksum as sent, when the upload has one.
  std::string checksum;
};

// One multipart upload. The caller completes or aborts it; nothing here does so behind its back.
class MultipartUpload {
 public:
  // Its parts carry `checksum` (none for an upload of copied parts: servers refuse a copied part
  // into a checksummed upload), from which the server keeps a full-object CRC, or for SHA-256,
  // which does not combine, a checksum of the parts' checksums.
  // `acknowledged`: whether the answer acknowledged the checksum.
  static engine::Status Create(BlockingEngine& engine, const ObjectPath& path, ChecksumAlgorithm checksum,
                               MultipartUpload& upload, bool* acknowledged = nullptr);

  bool active() const { return !upload_id_.empty(); }
  // Starts uploading a part from memory that outlives the returned Pending, with its checksum,
  // computed here, on the caller's thread, as the part leaves (`checksum`: the value sent); its
  // ETag is the response's "etag" header.
  BlockingEngine::Pending StartPart(int number, const uint8_t* data, size_t size, std::string* checksum);
  static std::string PartEtag(const BlockingEngine::Pending& finished);
  // A part copied server-side from bytes [first, last] of `source`, pinned to `source_etag`.
  engine::Status CopyPart(int number, const ObjectPath& source, uint64_t first, uint64_t last,
                          const std::string& source_etag, std::string* etag);
  // The new object's ETag on success. The upload is over either way.
  engine::Status Complete(const std::vector<CompletedPart>& parts, std::string* etag);
  void Abort();

 private:
  std::string Query(int part_number) const;

  BlockingEngine* engine_ = nullptr;
  ObjectPath path_;
  ChecksumAlgorithm checksum_ = ChecksumAlgorithm::kNone;
  std::string upload_id_;
};

}  // namespace s3fs::tensorflow_plugin
