#pragma once

#include <condition_variable>
#include <mutex>

namespace s3fs::engine {

// A one-shot signal for waiting out the CRT's asynchronous shutdown callbacks.
class Latch {
 public:
  void Signal() {
    std::lock_guard<std::mutex> lock(mutex_);
    signalled_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return signalled_; });
  }
  static void SignalCallback(void* latch) { static_cast<Latch*>(latch)->Signal(); }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool signalled_ = false;
};

}  // namespace s3fs::engine
