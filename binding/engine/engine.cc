#include "engine/engine.h"

#include <aws/auth/credentials.h>
#include <aws/cal/hash.h>
#include <aws/common/byte_buf.h>
#include <aws/common/encoding.h>
#include <aws/http/connection.h>
#include <aws/http/connection_manager.h>
#include <aws/http/proxy.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/retry_strategy.h>
#include <aws/io/socket.h>
#include <aws/io/tls_channel_handler.h>
#include <aws/s3/s3_client.h>

#include <thread>
#include <vector>

#include "engine/caller_thread_loop.h"
#include "engine/credentials.h"
#include "engine/crt_library.h"
#include "engine/host_resolver.h"
#include "engine/tls_context_cache.h"
#include "engine/large_buffers.h"
#include "engine/latch.h"

namespace s3fs::engine {

struct Engine::ShutdownLatches {
  Latch client;
  Latch event_loop_group;
  Latch caller_group;
};

Engine::Engine(Config config, FinishedCallback on_finished)
    : config_(std::move(config)),
      on_finished_(std::move(on_finished)),
      allocator_(PartBufferAllocator()),
      latches_(std::make_unique<ShutdownLatches>()) {
  InitCrtLibrary(config_.log_level);
}

std::unique_ptr<Engine> Engine::Create(Config config, FinishedCallback on_finished, Status& error,
                                       bool with_caller_thread_loop) {
  std::unique_ptr<Engine> engine(new Engine(std::move(config), std::move(on_finished)));
  error = engine->Init(with_caller_thread_loop);
  if (!error.ok()) return nullptr;
  return engine;
}

namespace {

// The base64 MD5 of a base64 SSE-C key, which S3 asks for beside it; empty when it cannot be had.
std::string KeyMd5(aws_allocator* allocator, const std::string& key) {
  aws_byte_cursor encoded = aws_byte_cursor_from_array(key.data(), key.size());
  size_t length = 0;
  if (aws_base64_compute_decoded_len(&encoded, &length) != AWS_OP_SUCCESS) return {};
  std::vector<uint8_t> raw(length);
  aws_byte_buf raw_buf = aws_byte_buf_from_empty_array(raw.data(), raw.size());
  uint8_t digest[AWS_MD5_LEN];
  aws_byte_buf digest_buf = aws_byte_buf_from_empty_array(digest, sizeof(digest));
  bool ok = aws_base64_decode(&encoded, &raw_buf) == AWS_OP_SUCCESS;
  aws_byte_cursor raw_cursor = aws_byte_cursor_from_buf(&raw_buf);
  ok = ok && aws_md5_compute(allocator, &raw_cursor, &digest_buf, 0) == AWS_OP_SUCCESS;
  aws_byte_buf_secure_zero(&raw_buf);
  if (!ok) return {};
  aws_byte_cursor digest_cursor = aws_byte_cursor_from_buf(&digest_buf);
  size_t encoded_length = 0;
  if (aws_base64_compute_encoded_len(digest_cursor.len, &encoded_length) != AWS_OP_SUCCESS) return {};
  std::string result(encoded_length, '\0');
  aws_byte_buf out = aws_byte_buf_from_empty_array(result.data(), result.size());
  if (aws_base64_encode(&digest_cursor, &out) != AWS_OP_SUCCESS) return {};
  result.resize(out.len);
  return result;
}

}  // namespace

Status Engine::Init(bool with_caller_thread_loop) {
  // The plugin leaves the SSE-C key's MD5 to the engine, which has the CRT's hashes at hand by now.
  if (!config_.sse_customer_key.empty() && config_.sse_customer_key_md5.empty()) {
    config_.sse_customer_key_md5 = KeyMd5(allocator_, config_.sse_customer_key);
    if (config_.sse_customer_key_md5.empty()) return Status::Error("EINVAL", "the SSE-C key is not base64");
  }

  aws_shutdown_callback_options elg_shutdown{&Latch::SignalCallback, &latches_->event_loop_group};
  aws_event_loop_group_options elg_options{};
  elg_options.loop_count = config_.event_loop_threads;
  elg_options.shutdown_options = &elg_shutdown;
  event_loop_group_ = aws_event_loop_group_new(allocator_, &elg_options);
  if (event_loop_group_ == nullptr) return StatusFromCrtError(aws_last_error());

  aws_host_resolver_default_options resolver_options{};
  resolver_options.max_entries = 16;
  resolver_options.el_group = event_loop_group_;
  resolver_ = NewHostResolver(allocator_, resolver_options);
  if (resolver_ == nullptr) return StatusFromCrtError(aws_last_error());

  bootstrap_ = NewClientBootstrap(event_loop_group_);
  if (bootstrap_ == nullptr) return StatusFromCrtError(aws_last_error());

  // TLS connections stay on the CRT's threads. s2n keeps random-generator state per thread that it
  // frees only on threads aws-c-io started; on a worker thread it leaked with every worker's exit.
  // Its public cleanup call is no way out: on the thread that initialised s2n it tears all of s2n
  // down. And a handshake's public-key work is better kept off the JS thread anyway.
  if (with_caller_thread_loop && !config_.use_https) {
    aws_shutdown_callback_options caller_shutdown{&Latch::SignalCallback, &latches_->caller_group};
    caller_group_ = CallerThreadLoop::NewGroup(allocator_, &caller_shutdown, &caller_loop_);
    if (caller_group_ == nullptr) return StatusFromCrtError(aws_last_error());
    caller_bootstrap_ = NewClientBootstrap(caller_group_);
    if (caller_bootstrap_ == nullptr) return StatusFromCrtError(aws_last_error());
  }

  credentials_ = NewCredentialsProvider(allocator_, config_, bootstrap_);

  if (config_.use_https) {
    Status status;
    tls_ctx_ = AcquireClientTlsContext(config_.verify_ssl, config_.ca_file, status);
    if (tls_ctx_ == nullptr) return status;
    tls_options_ = std::make_unique<aws_tls_connection_options>();
    aws_tls_connection_options_init_from_ctx(tls_options_.get(), tls_ctx_);
  }

  aws_s3_init_default_signing_config(
      &signing_config_, aws_byte_cursor_from_array(config_.region.data(), config_.region.size()), credentials_);

  aws_standard_retry_options retry_options{};
  retry_options.backoff_retry_options.el_group = event_loop_group_;
  retry_options.backoff_retry_options.max_retries = config_.max_retries;
  retry_strategy_ = aws_retry_strategy_new_standard(allocator_, &retry_options);
  if (retry_strategy_ == nullptr) return StatusFromCrtError(aws_last_error());

  // Proxies come from the configuration, not from HTTP_PROXY: the CRT would ignore NO_PROXY and
  // send loopback traffic to a proxy.
  proxy_env_var_settings no_env_proxy{};
  no_env_proxy.env_var_type = AWS_HPEV_DISABLE;

  // The CRT has no read timeout; its throughput monitor is one: a connection that moves no byte
  // for the interval fails the request (after the retries) instead of hanging forever.
  stall_monitor_.minimum_throughput_bytes_per_second = 1;
  stall_monitor_.allowable_throughput_failure_interval_seconds = (config_.request_timeout_ms + 999) / 1000;

  // With no credential source every operation is refused before it is sent (ECREDENTIALS), and the
  // S3 client, which requires a signing configuration with credentials, is never needed.
  if (credentials_ == nullptr) return Status::Ok();

  aws_s3_client_config client_config{};
  client_config.region = signing_config_.region;
  client_config.client_bootstrap = bootstrap_;
  client_config.tls_mode = config_.use_https ? AWS_MR_TLS_ENABLED : AWS_MR_TLS_DISABLED;
  client_config.tls_connection_options = tls_options_.get();
  client_config.signing_config = &signing_config_;
  client_config.part_size = config_.part_size;
  client_config.throughput_target_gbps = config_.throughput_target_gbps;
  client_config.max_active_connections_override = config_.max_connections;
  client_config.retry_strategy = retry_strategy_;
  client_config.connect_timeout_ms = config_.connect_timeout_ms;
  client_config.proxy_ev_settings = &no_env_proxy;
  if (config_.request_timeout_ms > 0) client_config.monitoring_options = &stall_monitor_;
  client_config.shutdown_callback = &Latch::SignalCallback;
  client_config.shutdown_callback_user_data = &latches_->client;
  client_ = aws_s3_client_new(allocator_, &client_config);
  if (client_ == nullptr) return StatusFromCrtError(aws_last_error());
  return Status::Ok();
}

bool Engine::BeginCall() {
  std::lock_guard<std::mutex> lock(calls_mutex_);
  if (shutting_down_) return false;
  ++calls_in_flight_;
  return true;
}

void Engine::EndCall() {
  std::lock_guard<std::mutex> lock(calls_mutex_);
  if (--calls_in_flight_ == 0) calls_ended_.notify_all();
}

std::string Engine::RegionOf(const std::string& bucket) {
  std::lock_guard<std::mutex> lock(regions_mutex_);
  auto found = bucket_regions_.find(bucket);
  return found != bucket_regions_.end() ? found->second : config_.region;
}

void Engine::LearnRegion(const std::string& bucket, const std::string& region) {
  std::lock_guard<std::mutex> lock(regions_mutex_);
  bucket_regions_[bucket] = region;
}

bool Engine::StopAndWait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(calls_mutex_);
  shutting_down_ = true;
  return calls_ended_.wait_for(lock, timeout, [this] { return calls_in_flight_ == 0; });
}

void Engine::DestroyWhenIdle(std::unique_ptr<Engine> engine) {
  std::thread([engine = std::move(engine)]() mutable { engine.reset(); }).detach();
}

aws_client_bootstrap* Engine::NewClientBootstrap(aws_event_loop_group* group) const {
  aws_client_bootstrap_options options{};
  options.event_loop_group = group;
  options.host_resolver = resolver_;
  return aws_client_bootstrap_new(allocator_, &options);
}

aws_http_connection_manager* Engine::ConnectionPool(const std::string& host, uint16_t port, bool on_caller_thread) {
  on_caller_thread = on_caller_thread && caller_bootstrap_ != nullptr;
  const std::string key = (on_caller_thread ? "caller thread " : "") + host + ":" + std::to_string(port);
  std::lock_guard<std::mutex> lock(pools_mutex_);
  auto found = pools_.find(key);
  if (found != pools_.end()) return found->second;

  aws_socket_options socket_options{};
  socket_options.type = AWS_SOCKET_STREAM;
  socket_options.domain = AWS_SOCKET_IPV4;
  socket_options.connect_timeout_ms = config_.connect_timeout_ms;
  socket_options.keepalive = true;

  aws_tls_connection_options tls_options{};
  if (tls_options_) {
    if (aws_tls_connection_options_copy(&tls_options, tls_options_.get()) != AWS_OP_SUCCESS) return nullptr;
    aws_byte_cursor server_name = aws_byte_cursor_from_array(host.data(), host.size());
    aws_tls_connection_options_set_server_name(&tls_options, allocator_, &server_name);
  }
  proxy_env_var_settings no_env_proxy{};
  no_env_proxy.env_var_type = AWS_HPEV_DISABLE;

  aws_http_connection_manager_options options{};
  options.bootstrap = on_caller_thread ? caller_bootstrap_ : bootstrap_;
  options.initial_window_size = SIZE_MAX;
  options.socket_options = &socket_options;
  options.tls_connection_options = tls_options_ ? &tls_options : nullptr;
  options.monitoring_options = config_.request_timeout_ms > 0 ? &stall_monitor_ : nullptr;
  options.host = aws_byte_cursor_from_array(host.data(), host.size());
  options.port = port;
  options.proxy_ev_settings = &no_env_proxy;
  options.max_connections = config_.pool_connections;
  options.shutdown_complete_user_data = this;
  options.shutdown_complete_callback = &Engine::OnPoolShutdown;
  options.max_connection_idle_in_milliseconds = 60'000;
  aws_http_connection_manager* pool = aws_http_connection_manager_new(allocator_, &options);
  if (tls_options_) aws_tls_connection_options_clean_up(&tls_options);
  if (pool == nullptr) return nullptr;
  pools_.emplace(key, pool);
  ++pools_alive_;
  return pool;
}

void Engine::OnPoolShutdown(void* user_data) {
  auto* self = static_cast<Engine*>(user_data);
  std::lock_guard<std::mutex> lock(self->pools_mutex_);
  if (--self->pools_alive_ == 0) self->pools_shut_down_.notify_all();
}

void Engine::ReleaseConnectionPools() {
  std::unique_lock<std::mutex> lock(pools_mutex_);
  std::map<std::string, aws_http_connection_manager*> pools;
  pools.swap(pools_);
  lock.unlock();
  for (auto& [key, pool] : pools) aws_http_connection_manager_release(pool);
  lock.lock();
  pools_shut_down_.wait(lock, [this] { return pools_alive_ == 0; });
}

Engine::~Engine() {
  // Its connections wind down on its own thread from here on, whatever the creating thread does.
  if (caller_loop_ != nullptr) caller_loop_->MoveToOwnThread();
  {
    std::unique_lock<std::mutex> lock(calls_mutex_);
    shutting_down_ = true;
    calls_ended_.wait(lock, [this] { return calls_in_flight_ == 0; });
  }
  ReleaseConnectionPools();
  if (client_ != nullptr) {
    aws_s3_client_release(client_);
    latches_->client.Wait();
  }
  aws_retry_strategy_release(retry_strategy_);
  aws_credentials_provider_release(credentials_);
  if (tls_options_) aws_tls_connection_options_clean_up(tls_options_.get());
  if (tls_ctx_ != nullptr) aws_tls_ctx_release(tls_ctx_);
  aws_client_bootstrap_release(bootstrap_);
  aws_client_bootstrap_release(caller_bootstrap_);
  aws_host_resolver_release(resolver_);
  if (caller_group_ != nullptr) {
    aws_event_loop_group_release(caller_group_);
    latches_->caller_group.Wait();
  }
  if (event_loop_group_ != nullptr) {
    aws_event_loop_group_release(event_loop_group_);
    latches_->event_loop_group.Wait();
  }
}

}  // namespace s3fs::engine
