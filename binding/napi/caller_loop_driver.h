#pragma once

#include <napi.h>

#include <functional>

#include "napi/libuv_abi.h"

namespace s3fs::engine {
class CallerThreadLoop;
}

namespace s3fs::napi {

// Turns an engine's caller-thread loop from the JS thread's libuv loop whenever its descriptor is
// ready. It does not keep the process alive: the pending operations' thread-safe function does.
class CallerLoopDriver {
 public:
  CallerLoopDriver() = default;
  CallerLoopDriver(const CallerLoopDriver&) = delete;
  CallerLoopDriver& operator=(const CallerLoopDriver&) = delete;
  ~CallerLoopDriver() { Stop(); }

  // False when libuv cannot watch the descriptor; the loop then needs another driver. after_turn runs
  // after each turn, with no CRT code on the stack.
  bool Start(Napi::Env env, engine::CallerThreadLoop& loop, std::function<void()> after_turn);
  // Stops watching; libuv frees the handle on its next turn.
  void Stop();

 private:
  static void OnReady(uv_poll_t* poll, int status, int events);
  uv_poll_t* poll_ = nullptr;
  engine::CallerThreadLoop* loop_ = nullptr;
  std::function<void()> after_turn_;
};

}  // namespace s3fs::napi
