#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "engine/status.h"
#include "ops/checksum.h"

namespace s3fs::tensorflow_plugin {

// The checksum the plugin's uploads carry (S3FS_CHECKSUM), until the server refuses checksum
// headers: several S3-compatible services answer a request that carries one with 501, or 400 and a
// message about the checksum. Then, once, a warning on stderr, the request is sent again without,
// and no upload of this process carries one again; a write never fails for it. lib/checksum-support.ts
// does the same for Node.
class UploadChecksum {
 public:
  UploadChecksum(ChecksumAlgorithm configured, std::string endpoint)
      : configured_(configured), endpoint_(std::move(endpoint)) {}

  ChecksumAlgorithm algorithm() const { return refused_.load() ? ChecksumAlgorithm::kNone : configured_; }
  // Runs `send` with the checksum of the moment; again, with none, when the server refused it.
  engine::Status Send(const std::function<engine::Status(ChecksumAlgorithm)>& send);

 private:
  bool Refused(const engine::Status& status);

  const ChecksumAlgorithm configured_;
  const std::string endpoint_;
  std::atomic<bool> refused_{false};
};

}  // namespace s3fs::tensorflow_plugin
