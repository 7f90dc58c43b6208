#pragma once

namespace s3fs::engine {

// The CRT's library init and clean-up are process-wide while engines are per environment (main
// thread and each worker). Only the first Acquire initialises and only the last Release cleans up.
void AcquireCrtLibrary(int log_level);
void ReleaseCrtLibrary();

}  // namespace s3fs::engine
