#include <napi.h>

#include "napi/engine_wrap.h"

namespace s3fs::napi {

// Context-aware: every environment (the main thread, each worker) gets its own Engine class and,
// through it, its own CRT objects.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {InstanceValue("Engine", EngineWrap::DefineClass(env), napi_enumerable)});
  }
};

}  // namespace s3fs::napi

using S3fsAddon = s3fs::napi::Addon;
NODE_API_ADDON(S3fsAddon)
