#pragma once

#include <napi.h>

namespace s3fs::napi {

// registerTensorFlowPlugin(path): registers the s3:// filesystem plugin at `path` with the
// TensorFlow library already loaded in this process (tfjs-node's libtensorflow). Registering it
// again is harmless; s3:// already taken by another plugin is an error.
Napi::Value RegisterTensorFlowPlugin(const Napi::CallbackInfo& info);

}  // namespace s3fs::napi
