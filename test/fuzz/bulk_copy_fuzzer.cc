// The copy past the cache, against memcpy: every length and both alignments give the same bytes,
// and not one byte outside the destination changes, with its pages made ready first.
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "ops/bulk_copy.h"

namespace {

constexpr size_t kGuard = 64;
constexpr uint8_t kGuardByte = 0xA5;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t dest_shift = data[0] % 64;
  const size_t src_shift = data[1] % 64;
  const uint8_t* payload = data + 2;
  const size_t length = size - 2;

  std::vector<uint8_t> source(src_shift + length);
  if (length > 0) std::memcpy(source.data() + src_shift, payload, length);
  std::vector<uint8_t> dest(kGuard + dest_shift + length + kGuard, kGuardByte);
  uint8_t* at = dest.data() + kGuard + dest_shift;

  s3fs::PopulateForWrite(at, at + length);
  s3fs::CopyPastCache(at, source.data() + src_shift, length);

  FUZZ_CHECK(length == 0 || std::memcmp(at, payload, length) == 0);
  for (size_t i = 0; i < kGuard + dest_shift; i++) FUZZ_CHECK(dest[i] == kGuardByte);
  for (size_t i = kGuard + dest_shift + length; i < dest.size(); i++) FUZZ_CHECK(dest[i] == kGuardByte);
  return 0;
}
