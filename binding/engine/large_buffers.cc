#include "engine/large_buffers.h"

#include <aws/common/allocator.h>

#include <sys/mman.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace s3fs::engine {

namespace {

// Blocks are sized in 2 MiB steps so that the reuse cache finds matching sizes.
constexpr size_t kBlockStep = 2 * 1024 * 1024;
constexpr size_t kLargeThreshold = 1024 * 1024;
constexpr size_t kCacheBytes = 128 * 1024 * 1024;
// Every block starts with its size, so that release knows how it was obtained.
constexpr size_t kHeader = 64;

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

void* Map(size_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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
    const size_t mapped = RoundUp(total, kBlockStep);
    block = static_cast<uint8_t*>(Cache().Take(mapped));
    if (block == nullptr) block = static_cast<uint8_t*>(Map(mapped));
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
  const size_t mapped = RoundUp(total, kBlockStep);
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

// Unmapping a large block returns its pages to the kernel, one 4 KiB page at a time: 5-16 ms for
// 64 MiB here, by the machine's load. A thread of its own does that for the blocks whose owner
// cannot wait (a Buffer's finalizer runs on the JS thread, in the middle of a garbage collection).
class BackgroundUnmapper {
 public:
  void Unmap(void* block, size_t mapped) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.emplace_back(block, mapped);
      if (!started_) {
        started_ = true;
        std::thread([this] { Run(); }).detach();
      }
    }
    wake_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return !pending_.empty(); });
      std::vector<std::pair<void*, size_t>> blocks;
      blocks.swap(pending_);
      lock.unlock();
      for (const auto& [block, mapped] : blocks) munmap(block, mapped);
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<void*, size_t>> pending_;
  bool started_ = false;
};

BackgroundUnmapper& Unmapper() {
  // Never destroyed, and its thread never ends: finalizers may run while the process exits.
  static BackgroundUnmapper* unmapper = new BackgroundUnmapper();
  return *unmapper;
}

}  // namespace

uint8_t* AllocateLargeBuffer(size_t size) {
  if (size < kLargeThreshold) return static_cast<uint8_t*>(std::malloc(size));
  return static_cast<uint8_t*>(Map(RoundUp(size, kBlockStep)));
}

void FreeLargeBuffer(uint8_t* data, size_t size) {
  if (data == nullptr) return;
  if (size < kLargeThreshold) return std::free(data);
  munmap(data, RoundUp(size, kBlockStep));
}

void FreeLargeBufferElsewhere(uint8_t* data, size_t size) {
  if (data == nullptr) return;
  if (size < kLargeThreshold) return std::free(data);
  Unmapper().Unmap(data, RoundUp(size, kBlockStep));
}

aws_allocator* PartBufferAllocator() { return &g_part_buffer_allocator; }

}  // namespace s3fs::engine
