#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <aws/auth/signing_config.h>
#include <aws/http/connection.h>

#include "engine/config.h"
#include "engine/status.h"

struct aws_allocator;
struct aws_client_bootstrap;
struct aws_credentials_provider;
struct aws_event_loop_group;
struct aws_host_resolver;
struct aws_http_connection_manager;
struct aws_retry_strategy;
struct aws_s3_client;
struct aws_tls_ctx;
struct aws_tls_connection_options;

namespace s3fs {
class Operation;
}

namespace s3fs::engine {

class CallerThreadLoop;

// Every CRT object one JS environment uses: event loops, resolver, bootstrap, credentials, TLS and
// the S3 client. Destroying it waits until no request is in flight and every CRT object has shut
// down, so a worker can be torn down mid-transfer and the process can exit cleanly.
class Engine {
 public:
  using FinishedCallback = std::function<void(Operation*)>;

  // With a caller-thread loop (plain HTTP only), requests that are mostly round trip run on the
  // creating thread (see CallerThreadLoop), which must then drive caller_thread_loop() until the
  // engine is destroyed.
  static std::unique_ptr<Engine> Create(Config config, FinishedCallback on_finished, Status& error,
                                        bool with_caller_thread_loop = false);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Config& config() const { return config_; }
  aws_allocator* allocator() const { return allocator_; }
  aws_s3_client* client() const { return client_; }
  bool has_credentials() const { return credentials_ != nullptr; }
  aws_retry_strategy* retry_strategy() const { return retry_strategy_; }
  const aws_signing_config_aws* signing_config() const { return &signing_config_; }

  // The kept-alive connection pool for one server, created on first use; null (with the CRT
  // error raised) when it cannot be created. Thread-safe. The caller thread's pool when asked for and
  // the engine has a caller-thread loop.
  aws_http_connection_manager* ConnectionPool(const std::string& host, uint16_t port, bool on_caller_thread);

  // The region a bucket's requests are signed for (and, on AWS, sent to): what S3 said when a
  // request was signed for another, else the configured region. Thread-safe.
  std::string RegionOf(const std::string& bucket);
  void LearnRegion(const std::string& bucket, const std::string& region);

  // Null without one; moved to a thread of its own when the engine is destroyed.
  CallerThreadLoop* caller_thread_loop() const { return caller_loop_; }

  // Bracket the life of every CRT request. BeginCall is false once shutdown has begun.
  bool BeginCall();
  void EndCall();

  // Called from any thread when an operation has its final status.
  void NotifyFinished(Operation* operation) { on_finished_(operation); }

  // Refuses new requests; true when every request in flight has ended within the timeout. After a
  // cancel the CRT can still take a while to wind a stalled transfer down.
  bool StopAndWait(std::chrono::milliseconds timeout);

  // Destroys the engine on a thread of its own once its requests have ended, so that a worker or
  // process being torn down does not wait for them. The caller's memory is no longer touched by
  // then (cancelled requests revoke it).
  static void DestroyWhenIdle(std::unique_ptr<Engine> engine);

 private:
  Engine(Config config, FinishedCallback on_finished);
  Status Init(bool with_caller_thread_loop);
  aws_client_bootstrap* NewClientBootstrap(aws_event_loop_group* group) const;
  void ReleaseConnectionPools();
  static void OnPoolShutdown(void* self);

  Config config_;
  FinishedCallback on_finished_;
  aws_allocator* allocator_;
  aws_event_loop_group* event_loop_group_ = nullptr;
  aws_host_resolver* resolver_ = nullptr;
  aws_client_bootstrap* bootstrap_ = nullptr;
  aws_event_loop_group* caller_group_ = nullptr;
  CallerThreadLoop* caller_loop_ = nullptr;
  aws_client_bootstrap* caller_bootstrap_ = nullptr;
  aws_credentials_provider* credentials_ = nullptr;
  aws_tls_ctx* tls_ctx_ = nullptr;
  std::unique_ptr<aws_tls_connection_options> tls_options_;
  aws_s3_client* client_ = nullptr;
  aws_retry_strategy* retry_strategy_ = nullptr;
  aws_signing_config_aws signing_config_{};
  aws_http_connection_monitoring_options stall_monitor_{};

  std::mutex pools_mutex_;
  std::condition_variable pools_shut_down_;
  std::map<std::string, aws_http_connection_manager*> pools_;
  size_t pools_alive_ = 0;
  struct ShutdownLatches;
  std::unique_ptr<ShutdownLatches> latches_;

  std::mutex regions_mutex_;
  // Under regions_mutex_: buckets found in another region than the configured one.
  std::map<std::string, std::string> bucket_regions_;

  std::mutex calls_mutex_;
  std::condition_variable calls_ended_;
  uint64_t calls_in_flight_ = 0;
  bool shutting_down_ = false;
};

}  // namespace s3fs::engine
