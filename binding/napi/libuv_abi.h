#pragma once

#include <cstddef>

// The few libuv calls the addon makes on the JS thread's loop, declared here because the
// node-api-headers package it builds against (also for cross-compiled prebuilds) ships no uv.h. Node
// exports libuv to addons, and libuv keeps these signatures and values stable across 1.x; handles are
// allocated with uv_handle_size and reached through accessors, so no struct layout is assumed.
extern "C" {
struct uv_loop_s;
struct uv_handle_s;
struct uv_poll_s;
using uv_loop_t = uv_loop_s;
using uv_handle_t = uv_handle_s;
using uv_poll_t = uv_poll_s;
using uv_poll_cb = void (*)(uv_poll_t* handle, int status, int events);
using uv_close_cb = void (*)(uv_handle_t* handle);

size_t uv_handle_size(int type);
void* uv_handle_get_data(const uv_handle_t* handle);
void uv_handle_set_data(uv_handle_t* handle, void* data);
void uv_unref(uv_handle_t* handle);
void uv_close(uv_handle_t* handle, uv_close_cb close_cb);
int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd);
int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb);
int uv_poll_stop(uv_poll_t* handle);
}

namespace s3fs::napi::libuv {
constexpr int kPollHandle = 8;  // UV_POLL in uv_handle_type
constexpr int kReadable = 1;    // UV_READABLE in uv_poll_event
}  // namespace s3fs::napi::libuv
