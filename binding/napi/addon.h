#pragma once

#include <napi.h>

namespace s3fs::napi {

// Context-aware: every environment (the main thread, each worker) gets its own Engine class and,
// through it, its own CRT objects.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
  ~Addon();

  // Initialising the CRT costs ~90 ms of the JS thread (measured: the first construction of a
  // filesystem). Once an environment has made an engine it keeps the CRT initialised until the
  // environment ends, so a filesystem made after the last one closed does not pay that again.
  static void KeepCrtLibrary(Napi::Env env, int log_level);

 private:
  bool keeps_crt_library_ = false;
};

}  // namespace s3fs::napi
