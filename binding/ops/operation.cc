#include "ops/operation.h"

#include <aws/http/http.h>
#include <aws/s3/s3.h>

#include "engine/engine.h"

namespace s3fs {

namespace {

// A failure that never reached S3 (nothing listening, no such host, a TLS or protocol mismatch)
// names where the request went: the URL alone does not say which endpoint was configured.
engine::Status WithAuthority(engine::Status status, const S3Response& response) {
  static const char* kNetworkCodes[] = {"ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "ENETUNREACH", "EPROTO"};
  if (response.authority.empty()) return status;
  for (const char* code : kNetworkCodes) {
    if (status.code == code) {
      status.message += ", talking to " + response.authority;
      break;
    }
  }
  return status;
}

}  // namespace

engine::Status StatusOf(const S3Response& response) {
  if (response.crt_error == 0 || response.crt_error == AWS_ERROR_S3_INVALID_RESPONSE_STATUS) {
    if (response.http_status >= 200 && response.http_status < 300) return engine::Status::Ok();
    // A request that ended with no status line understood: the server does not speak the HTTP the
    // endpoint was configured for (plain http to a TLS port, for one).
    if (response.http_status == 0) return WithAuthority(engine::StatusFromCrtError(AWS_ERROR_HTTP_PROTOCOL_ERROR), response);
    // A refusal is S3's when it says so as S3 does: a request id (x-amz-request-id, or AWS's other
    // spelling x-amzn-requestid, which moto sends), or an S3 <Error> document naming its Code, or
    // the XML type of that document, which an answer to a HEAD keeps without the document (s3rver
    // sends no request id). Any other comes from a server that does not speak S3 as configured
    // (plain http to a TLS port, or not an S3 server at all), and must not read as a missing key.
    // lib/js/errors.ts decides alike.
    const bool says_s3 = !response.Header("x-amz-request-id").empty() || !response.Header("x-amzn-requestid").empty() ||
                         (response.error_body.find("<Error>") != std::string::npos &&
                          response.error_body.find("<Code>") != std::string::npos) ||
                         response.Header("content-type").find("xml") != std::string::npos;
    if (response.http_status >= 400 && response.http_status < 500 && !says_s3) {
      engine::Status status;
      status.code = "EPROTO";
      status.http_status = response.http_status;
      status.message = "the endpoint at " + response.authority + " did not answer as S3 (HTTP " +
                       std::to_string(response.http_status) +
                       " without a request id or an S3 error; are S3_ENDPOINT and its scheme, or S3_USE_HTTPS, right?)";
      return status;
    }
    return engine::StatusFromHttp(response.http_status, response.error_body);
  }
  return WithAuthority(engine::StatusFromCrtError(response.crt_error), response);
}

void Operation::Cancel(engine::Status reason) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancel_reason_) return;
    cancel_reason_ = reason;
    for (S3Call* call : in_flight_) call->Cancel();
  }
  Finish(std::move(reason));
}

namespace {

// The bucket's region, when S3 refused the request for having been signed for (or sent to) another:
// 301 PermanentRedirect from AWS's other regional endpoints, 400 AuthorizationHeaderMalformed from a
// regional endpoint or a server with a region, both naming it in x-amz-bucket-region.
std::string RegionRedirect(const S3Response& response) {
  if (response.http_status != 301 && response.http_status != 307 && response.http_status != 400) return {};
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amz-bucket-region") return value != response.region ? value : std::string();
  }
  return {};
}

}  // namespace

void Operation::Send(S3Request request, Continuation then) { SendTry(std::move(request), std::move(then), false); }

void Operation::SendTry(S3Request request, Continuation then, bool redirected) {
  // A copy for the one try a region redirect may need; the CRT takes the request itself.
  std::shared_ptr<S3Request> again = redirected ? nullptr : std::make_shared<S3Request>(request);
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
  // The request in flight owns a reference: a cancelled operation may be released by JS before
  // the CRT is done with the request.
  auto call = std::make_shared<S3Call*>(nullptr);
  auto after = [self = shared_from_this(), then = std::move(then), call, again](S3Response& response) mutable {
    std::optional<engine::Status> reason;
    {
      std::lock_guard<std::mutex> guard(self->mutex_);
      self->in_flight_.erase(*call);
      reason = self->cancel_reason_;
    }
    // A cancelled operation has finished already, with the reason.
    if (reason) return;
    const std::string region = again ? RegionRedirect(response) : std::string();
    if (!region.empty()) {
      self->engine_.LearnRegion(again->bucket, region);
      self->SendTry(std::move(*again), std::move(then), true);
      return;
    }
    then(response);
  };
  S3Response refusal;
  // The lock is held until the call is registered, so its continuation (which takes the lock)
  // cannot run before it.
  *call = S3Call::Start(engine_, std::move(request), std::move(after), refusal);
  if (*call == nullptr) {
    lock.unlock();
    Finish(StatusOf(refusal));
    return;
  }
  in_flight_.insert(*call);
}

void Operation::Fail(const S3Response& response) { Finish(StatusOf(response)); }

void Operation::Finish(engine::Status status) {
  if (finished_.exchange(true)) return;
  status_ = std::move(status);
  engine_.NotifyFinished(this);
}

}  // namespace s3fs
