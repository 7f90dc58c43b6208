#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct aws_hash;

namespace s3fs {

// The checksums S3 verifies on upload and stores with an object (x-amz-checksum-*). The CRCs
// combine: the CRC of A then B follows from the CRCs of A and B and B's length, so parts checked on
// several threads give the whole object's. SHA-256 does not combine.
enum class ChecksumAlgorithm { kNone, kCrc32, kCrc32c, kCrc64Nvme, kSha256 };

// "crc32", "crc32c", "crc64nvme", "sha256" or "off"; nothing for any other name.
std::optional<ChecksumAlgorithm> ChecksumAlgorithmNamed(std::string_view name);
// The inverse: the name JavaScript knows the algorithm by.
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
// "CRC64NVME": the name in x-amz-checksum-algorithm and in CompleteMultipartUpload's XML.
std::string_view ChecksumWireName(ChecksumAlgorithm algorithm);
// "x-amz-checksum-crc64nvme": the header that carries a value.
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);

// Whether a stored value (base64, a composite's ending in "-<parts>") has the width of the algorithm
// it is named for: some servers (moto) answer a copy or a multipart upload with a CRC32 under
// CRC64NVME's name, which is no checksum to verify a read against.
bool IsWellFormedChecksum(ChecksumAlgorithm algorithm, std::string_view value);

// A checksum the server keeps with an object: of the whole object, or (composite) of its parts'
// checksums, which ends in "-<parts>".
struct StoredChecksum {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kNone;
  std::string value;
  bool full_object = true;
};

// A checksum of bytes given in order.
class RunningChecksum {
 public:
  explicit RunningChecksum(ChecksumAlgorithm algorithm);
  ~RunningChecksum();
  RunningChecksum(RunningChecksum&& other) noexcept;
  RunningChecksum& operator=(RunningChecksum&& other) noexcept;
  RunningChecksum(const RunningChecksum&) = delete;
  RunningChecksum& operator=(const RunningChecksum&) = delete;

  ChecksumAlgorithm algorithm() const { return algorithm_; }
  uint64_t length() const { return length_; }
  void Update(const uint8_t* data, size_t size);
  // Appends what `next` saw after what this one saw (CRCs only).
  void Append(const RunningChecksum& next);
  // The value as S3 writes it: base64 of the big-endian CRC or of the digest. A SHA-256 ends here:
  // nothing may be added after.
  std::string Finish();

 private:
  ChecksumAlgorithm algorithm_;
  uint64_t crc_ = 0;
  uint64_t length_ = 0;
  aws_hash* sha256_ = nullptr;
};

}  // namespace s3fs
