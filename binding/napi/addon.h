#pragma once

#include <napi.h>

namespace s3fs::napi {

// Context-aware: every environment (the main thread, each worker) gets its own Engine class and,
// through it, its own CRT objects.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
};

}  // namespace s3fs::napi
