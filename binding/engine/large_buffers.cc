#include "engine/large_buffers.h"

#include <aws/common/allocator.h>

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace s3fs::engine {

namespace {

constexpr size_t kHugePage = 2 * 1024 * 1024;
constexpr size_t kLargeThreshold = 1024 * 1024;
constexpr size_t kCacheBytes = 128 * 1024 * 1024;
// Every block starts with its size, so that release knows how it was obtained.
constexpr size_t kHeader = 64;

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

void* MapHuge(size_t size, bool populate = false) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
  if (p == MAP_FAILED) return nullptr;
  return p;
}

class BlockCache {
 public:
  void* Take(size_t mapped) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = idle_.find(mapped);
    if (found == idle_.end() || found->second.empty()) return nullptr;
    void* block = found->second.back();
    found->second.pop_back();
    idle_bytes_ -= mapped;
    return block;
  }
  bool Keep(void* block, size_t mapped) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_bytes_ + mapped > kCacheBytes) return false;
    idle_[mapped].push_back(block);
    idle_bytes_ += mapped;
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<size_t, std::vector<void*>> idle_;
  size_t idle_bytes_ = 0;
};

BlockCache& Cache() {
  // Never destroyed: CRT threads may release blocks while the process exits.
  static BlockCache* cache = new BlockCache();
  return *cache;
}

void* Acquire(aws_allocator*, size_t size) {
  const size_t total = size + kHeader;
  uint8_t* block;
  if (total < kLargeThreshold) {
    block = static_cast<uint8_t*>(std::malloc(total));
    if (block == nullptr) return nullptr;
  } else {
    const size_t mapped = RoundUp(total, kHugePage);
    block = static_cast<uint8_t*>(Cache().Take(mapped));
    if (block == nullptr) block = static_cast<uint8_t*>(MapHuge(mapped));
    if (block == nullptr) return nullptr;
  }
  std::memcpy(block, &total, sizeof(total));
  return block + kHeader;
}

void Release(aws_allocator*, void* ptr) {
  if (ptr == nullptr) return;
  uint8_t* block = static_cast<uint8_t*>(ptr) - kHeader;
  size_t total;
  std::memcpy(&total, block, sizeof(total));
  if (total < kLargeThreshold) return std::free(block);
  const size_t mapped = RoundUp(total, kHugePage);
  if (!Cache().Keep(block, mapped)) munmap(block, mapped);
}

void* Reallocate(aws_allocator* allocator, void* ptr, size_t old_size, size_t new_size) {
  void* grown = Acquire(allocator, new_size);
  if (grown == nullptr) return nullptr;
  if (ptr != nullptr) {
    std::memcpy(grown, ptr, old_size < new_size ? old_size : new_size);
    Release(allocator, ptr);
  }
  return grown;
}

void* ZeroedAcquire(aws_allocator* allocator, size_t count, size_t size) {
  void* p = Acquire(allocator, count * size);
  if (p != nullptr) std::memset(p, 0, count * size);
  return p;
}

aws_allocator g_part_buffer_allocator = {&Acquire, &Release, &Reallocate, &ZeroedAcquire, nullptr};

}  // namespace

uint8_t* AllocateLargeBuffer(size_t size) {
  if (size < kLargeThreshold) return static_cast<uint8_t*>(std::malloc(size));
  return static_cast<uint8_t*>(MapHuge(RoundUp(size, kHugePage), getenv("S3FS_POPULATE") != nullptr));
}

void FreeLargeBuffer(uint8_t* data, size_t size) {
  if (data == nullptr) return;
  if (size < kLargeThreshold) return std::free(data);
  munmap(data, RoundUp(size, kHugePage));
}

aws_allocator* PartBufferAllocator() { return &g_part_buffer_allocator; }

}  // namespace s3fs::engine
