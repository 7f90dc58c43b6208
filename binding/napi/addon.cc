#include "napi/addon.h"

#include "napi/engine_wrap.h"
#include "napi/tensorflow_registration.h"

namespace s3fs::napi {

Addon::Addon(Napi::Env env, Napi::Object exports) {
  DefineAddon(exports, {InstanceValue("Engine", EngineWrap::DefineClass(env), napi_enumerable),
                        InstanceValue("registerTensorFlowPlugin", Napi::Function::New(env, RegisterTensorFlowPlugin),
                                      napi_enumerable)});
}

}  // namespace s3fs::napi

using S3fsAddon = s3fs::napi::Addon;
NODE_API_ADDON(S3fsAddon)
