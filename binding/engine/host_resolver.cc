#include "engine/host_resolver.h"

#include <arpa/inet.h>
#include <aws/common/string.h>

#include <mutex>

namespace s3fs::engine {

namespace {

aws_host_resolver_vtable g_vtable;
int (*g_default_record_failure)(aws_host_resolver*, const aws_host_address*) = nullptr;

bool IsIpLiteral(const aws_string* host) {
  if (host == nullptr) return false;
  unsigned char buffer[sizeof(in6_addr)];
  const char* text = reinterpret_cast<const char*>(aws_string_bytes(host));
  return inet_pton(AF_INET, text, buffer) == 1 || inet_pton(AF_INET6, text, buffer) == 1;
}

int RecordConnectionFailure(aws_host_resolver* resolver, const aws_host_address* address) {
  // An IP address has no other address to fall back on: setting it aside only delays the retry.
  if (IsIpLiteral(address->host)) return AWS_OP_SUCCESS;
  return g_default_record_failure(resolver, address);
}

}  // namespace

aws_host_resolver* NewHostResolver(aws_allocator* allocator, const aws_host_resolver_default_options& options) {
  aws_host_resolver* resolver = aws_host_resolver_new_default(allocator, &options);
  if (resolver == nullptr) return nullptr;
  static std::once_flag once;
  std::call_once(once, [resolver] {
    g_vtable = *resolver->vtable;
    g_default_record_failure = g_vtable.record_connection_failure;
    g_vtable.record_connection_failure = &RecordConnectionFailure;
  });
  resolver->vtable = &g_vtable;
  return resolver;
}

}  // namespace s3fs::engine
