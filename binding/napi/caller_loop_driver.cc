#include "napi/caller_loop_driver.h"

#include <cstdlib>

#include "engine/caller_thread_loop.h"

namespace s3fs::napi {

namespace {

uv_handle_t* AsHandle(uv_poll_t* poll) { return reinterpret_cast<uv_handle_t*>(poll); }

}  // namespace

bool CallerLoopDriver::Start(Napi::Env env, engine::CallerThreadLoop& loop, std::function<void()> after_turn) {
  uv_loop_t* uv_loop = nullptr;
  if (napi_get_uv_event_loop(env, &uv_loop) != napi_ok) return false;
  auto* poll = static_cast<uv_poll_t*>(std::calloc(1, uv_handle_size(libuv::kPollHandle)));
  if (poll == nullptr) return false;
  if (uv_poll_init(uv_loop, poll, loop.ready_fd()) != 0) {
    std::free(poll);
    return false;
  }
  loop_ = &loop;
  after_turn_ = std::move(after_turn);
  uv_handle_set_data(AsHandle(poll), this);
  uv_unref(AsHandle(poll));
  poll_ = poll;
  if (uv_poll_start(poll, libuv::kReadable, &CallerLoopDriver::OnReady) != 0) {
    Stop();
    return false;
  }
  return true;
}

void CallerLoopDriver::Stop() {
  if (poll_ == nullptr) return;
  uv_poll_stop(poll_);
  uv_close(AsHandle(poll_), [](uv_handle_t* handle) { std::free(handle); });
  poll_ = nullptr;
}

void CallerLoopDriver::OnReady(uv_poll_t* poll, int, int) {
  auto* self = static_cast<CallerLoopDriver*>(uv_handle_get_data(AsHandle(poll)));
  self->loop_->RunReady();
  self->after_turn_();
}

}  // namespace s3fs::napi
