#include "ops/checksum.h"

#include <aws/cal/hash.h>
#include <aws/checksums/crc.h>
#include <aws/common/byte_buf.h>
#include <aws/common/encoding.h>

#include <array>
#include <utility>

namespace s3fs {

namespace {

struct CrcShape {
  int width;
  // The polynomial, bit-reversed (these CRCs are reflected).
  uint64_t reflected_polynomial;
};

CrcShape ShapeOf(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return {32, 0xEDB88320u};
    case ChecksumAlgorithm::kCrc32c:
      return {32, 0x82F63B78u};
    default:
      return {64, 0x9A6C9329AC4BC9B5ull};
  }
}

// a * b modulo the polynomial, both polynomials with x^0 in the top bit of the CRC's width.
uint64_t MultiplyModulo(const CrcShape& shape, uint64_t a, uint64_t b) {
  uint64_t mask = uint64_t{1} << (shape.width - 1);
  uint64_t product = 0;
  while (mask != 0) {
    if (a & mask) {
      product ^= b;
      if ((a & (mask - 1)) == 0) break;
    }
    mask >>= 1;
    b = (b & 1) ? (b >> 1) ^ shape.reflected_polynomial : b >> 1;
  }
  return product;
}

// x^(8 * bytes) modulo the polynomial, by squaring: x^(2^k) for k = 3, 4, ...
uint64_t PowerOfXForBytes(const CrcShape& shape, uint64_t bytes) {
  uint64_t result = uint64_t{1} << (shape.width - 1);  // x^0
  uint64_t square = uint64_t{1} << (shape.width - 2);  // x^1
  for (int k = 0; k < 3; ++k) square = MultiplyModulo(shape, square, square);  // x^8
  while (bytes != 0) {
    if (bytes & 1) result = MultiplyModulo(shape, square, result);
    bytes >>= 1;
    square = MultiplyModulo(shape, square, square);
  }
  return result;
}

// What each algorithm is called: by JavaScript, in S3's XML and x-amz-checksum-algorithm, and as the
// header carrying a value.
struct AlgorithmNames {
  ChecksumAlgorithm algorithm;
  std::string_view name;
  std::string_view wire;
  std::string_view header;
  size_t digest_bytes;
};

constexpr AlgorithmNames kAlgorithmNames[] = {
    {ChecksumAlgorithm::kCrc32, "crc32", "CRC32", "x-amz-checksum-crc32", 4},
    {ChecksumAlgorithm::kCrc32c, "crc32c", "CRC32C", "x-amz-checksum-crc32c", 4},
    {ChecksumAlgorithm::kCrc64Nvme, "crc64nvme", "CRC64NVME", "x-amz-checksum-crc64nvme", 8},
    {ChecksumAlgorithm::kSha256, "sha256", "SHA256", "x-amz-checksum-sha256", 32},
};

const AlgorithmNames* NamesOf(ChecksumAlgorithm algorithm) {
  for (const AlgorithmNames& names : kAlgorithmNames) {
    if (names.algorithm == algorithm) return &names;
  }
  return nullptr;
}

uint64_t ComputeCrc(ChecksumAlgorithm algorithm, const uint8_t* data, size_t size, uint64_t previous) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return aws_checksums_crc32_ex(data, size, static_cast<uint32_t>(previous));
    case ChecksumAlgorithm::kCrc32c:
      return aws_checksums_crc32c_ex(data, size, static_cast<uint32_t>(previous));
    case ChecksumAlgorithm::kCrc64Nvme:
      return aws_checksums_crc64nvme_ex(data, size, previous);
    default:
      return 0;
  }
}

// CRC(A then B) from CRC(A), CRC(B) and B's length: zlib's crc32_combine method (multiplying by
// x^(8 * length) modulo the polynomial), for any of the three CRCs.
uint64_t CombineCrc(ChecksumAlgorithm algorithm, uint64_t crc_first, uint64_t crc_second, uint64_t second_length) {
  const CrcShape shape = ShapeOf(algorithm);
  return MultiplyModulo(shape, PowerOfXForBytes(shape, second_length), crc_first) ^ crc_second;
}

}  // namespace

std::optional<ChecksumAlgorithm> ChecksumAlgorithmNamed(std::string_view name) {
  if (name == "off") return ChecksumAlgorithm::kNone;
  for (const AlgorithmNames& names : kAlgorithmNames) {
    if (names.name == name) return names.algorithm;
  }
  return std::nullopt;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  const AlgorithmNames* names = NamesOf(algorithm);
  return names != nullptr ? names->name : "off";
}

std::string_view ChecksumWireName(ChecksumAlgorithm algorithm) {
  const AlgorithmNames* names = NamesOf(algorithm);
  return names != nullptr ? names->wire : "";
}

std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  const AlgorithmNames* names = NamesOf(algorithm);
  return names != nullptr ? names->header : "";
}

bool IsWellFormedChecksum(ChecksumAlgorithm algorithm, std::string_view value) {
  const AlgorithmNames* names = NamesOf(algorithm);
  if (names == nullptr) return false;
  const size_t parts_suffix = value.rfind('-');
  const std::string_view digest = parts_suffix == std::string_view::npos ? value : value.substr(0, parts_suffix);
  aws_byte_cursor encoded = aws_byte_cursor_from_array(digest.data(), digest.size());
  size_t decoded_size = 0;
  if (digest.empty() || aws_base64_compute_decoded_len(&encoded, &decoded_size) != AWS_OP_SUCCESS || decoded_size != names->digest_bytes) return false;
  std::array<uint8_t, 32> raw{};
  aws_byte_buf decoded = aws_byte_buf_from_empty_array(raw.data(), raw.size());
  return aws_base64_decode(&encoded, &decoded) == AWS_OP_SUCCESS;
}

RunningChecksum::RunningChecksum(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  if (algorithm_ == ChecksumAlgorithm::kSha256) sha256_ = aws_sha256_new(aws_default_allocator());
}

RunningChecksum::~RunningChecksum() {
  if (sha256_ != nullptr) aws_hash_destroy(sha256_);
}

RunningChecksum::RunningChecksum(RunningChecksum&& other) noexcept
    : algorithm_(other.algorithm_), crc_(other.crc_), length_(other.length_), sha256_(std::exchange(other.sha256_, nullptr)) {}

RunningChecksum& RunningChecksum::operator=(RunningChecksum&& other) noexcept {
  if (this != &other) {
    if (sha256_ != nullptr) aws_hash_destroy(sha256_);
    algorithm_ = other.algorithm_;
    crc_ = other.crc_;
    length_ = other.length_;
    sha256_ = std::exchange(other.sha256_, nullptr);
  }
  return *this;
}

void RunningChecksum::Update(const uint8_t* data, size_t size) {
  if (size == 0) return;
  length_ += size;
  if (sha256_ != nullptr) {
    aws_byte_cursor cursor = aws_byte_cursor_from_array(data, size);
    aws_hash_update(sha256_, &cursor);
    return;
  }
  crc_ = ComputeCrc(algorithm_, data, size, crc_);
}

void RunningChecksum::Append(const RunningChecksum& next) {
  crc_ = CombineCrc(algorithm_, crc_, next.crc_, next.length_);
  length_ += next.length_;
}

std::string RunningChecksum::Finish() {
  std::array<uint8_t, 32> raw{};
  size_t raw_size = 0;
  if (sha256_ != nullptr) {
    aws_byte_buf digest = aws_byte_buf_from_empty_array(raw.data(), raw.size());
    if (aws_hash_finalize(sha256_, &digest, 0) != AWS_OP_SUCCESS) return "";
    raw_size = digest.len;
  } else {
    raw_size = ShapeOf(algorithm_).width / 8;
    for (size_t i = 0; i < raw_size; ++i) raw[i] = static_cast<uint8_t>(crc_ >> (8 * (raw_size - 1 - i)));
  }
  aws_byte_cursor input = aws_byte_cursor_from_array(raw.data(), raw_size);
  std::array<uint8_t, 64> encoded{};
  aws_byte_buf output = aws_byte_buf_from_empty_array(encoded.data(), encoded.size());
  if (aws_base64_encode(&input, &output) != AWS_OP_SUCCESS) return "";
  return std::string(reinterpret_cast<const char*>(output.buffer), output.len);
}

}  // namespace s3fs
