#pragma once

#include <aws/io/host_resolver.h>

namespace s3fs::engine {

// The CRT's default host resolver, except that a failed connection to a host given as an IP
// address (a local S3 server: 127.0.0.1:9000) is not held against that address. The default
// resolver sets a failed host's only address aside until its next resolution cycle, a second
// later, so every retry of a refused connection waited a full second (5 s to report ECONNREFUSED).
aws_host_resolver* NewHostResolver(aws_allocator* allocator, const aws_host_resolver_default_options& options);

}  // namespace s3fs::engine
