#pragma once

#include <string>

#include "engine/status.h"
#include "tensorflow/c/tf_status.h"

namespace s3fs::tensorflow_plugin {

// TensorFlow's status setter lives in the TensorFlow library that loaded the plugin, found at run
// time: the plugin links against no TensorFlow library, so it loads into Python's TensorFlow and
// into the libtensorflow tfjs-node carries alike. False when no loaded library exports it.
bool FindTensorFlowStatusApi();

void SetOk(TF_Status* status);
void SetError(TF_Status* status, TF_Code code, const std::string& message);
// Our status as TensorFlow's: the code mapped as TensorFlow's own S3 filesystem maps it, and a
// message that names the URL and keeps the S3 error code and HTTP status.
void SetError(TF_Status* status, const engine::Status& error, const std::string& url);

}  // namespace s3fs::tensorflow_plugin
