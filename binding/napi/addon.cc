#include "napi/addon.h"

#include "engine/crt_library.h"
#include "napi/engine_wrap.h"
#include "napi/tensorflow_registration.h"

namespace s3fs::napi {

Addon::Addon(Napi::Env env, Napi::Object exports) {
  DefineAddon(exports, {InstanceValue("Engine", EngineWrap::DefineClass(env), napi_enumerable),
                        InstanceValue("registerTensorFlowPlugin", Napi::Function::New(env, RegisterTensorFlowPlugin),
                                      napi_enumerable)});
}

Addon::~Addon() {
  if (keeps_crt_library_) engine::ReleaseCrtLibrary();
}

void Addon::KeepCrtLibrary(Napi::Env env, int log_level) {
  Addon* addon = env.GetInstanceData<Addon>();
  if (addon == nullptr || addon->keeps_crt_library_) return;
  engine::AcquireCrtLibrary(log_level);
  addon->keeps_crt_library_ = true;
}

}  // namespace s3fs::napi

using S3fsAddon = s3fs::napi::Addon;
NODE_API_ADDON(S3fsAddon)
