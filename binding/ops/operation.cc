#include "ops/operation.h"

#include <aws/s3/s3.h>

#include "engine/engine.h"

namespace s3fs {

engine::Status StatusOf(const S3Response& response) {
  if (response.crt_error == 0 || response.crt_error == AWS_ERROR_S3_INVALID_RESPONSE_STATUS) {
    if (response.http_status >= 200 && response.http_status < 300) return engine::Status::Ok();
    return engine::StatusFromHttp(response.http_status, response.error_body);
  }
  return engine::StatusFromCrtError(response.crt_error);
}

void Operation::Cancel(engine::Status reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!cancel_reason_) cancel_reason_ = std::move(reason);
  if (current_ != nullptr) current_->Cancel();
}

void Operation::Send(S3Request request, Continuation then) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (cancel_reason_) {
    engine::Status reason = *cancel_reason_;
    lock.unlock();
    Finish(std::move(reason));
    return;
  }
  if (!engine_.has_credentials()) {
    lock.unlock();
    Finish(engine::Status::Error("ECREDENTIALS", "no AWS credentials could be found"));
    return;
  }
  auto after = [this, then = std::move(then)](S3Response& response) {
    std::optional<engine::Status> reason;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      current_ = nullptr;
      reason = cancel_reason_;
    }
    // A request that succeeded before the cancel reached it stands: its effect is real.
    if (reason && !response.ok()) {
      Finish(std::move(*reason));
    } else {
      then(response);
    }
  };
  S3Response refusal;
  current_ = S3Call::Start(engine_, std::move(request), std::move(after), refusal);
  if (current_ == nullptr) {
    lock.unlock();
    Finish(StatusOf(refusal));
  }
}

void Operation::Fail(const S3Response& response) { Finish(StatusOf(response)); }

void Operation::Finish(engine::Status status) {
  status_ = std::move(status);
  engine_.NotifyFinished(this);
}

}  // namespace s3fs
