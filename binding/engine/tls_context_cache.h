#pragma once

#include <string>

#include "engine/status.h"

struct aws_tls_ctx;

namespace s3fs::engine {

// A client TLS context for this trust configuration (peer verification, and the CA file or the
// system's trust store), shared by every engine of the process: building one parses the whole
// trust store, ~100 ms of the constructing thread for the system's, which each filesystem made
// after the previous one closed used to pay. A CA file is read again when it has changed.
// Returns a reference the caller releases (aws_tls_ctx_release), or null with `error` set.
aws_tls_ctx* AcquireClientTlsContext(bool verify_peer, const std::string& ca_file, Status& error);

}  // namespace s3fs::engine
