#pragma once

namespace s3fs::engine {

// The CRT's library state is process-wide while engines are per environment and come and go. The
// first engine initialises it and nothing cleans it up: the process's end reclaims it. Cleaning up
// when the last engine went made the next one pay the initialisation again (~100 ms of the JS
// thread), and a clean-up run on another thread than the initialisation (a worker's) left s2n's
// state behind, a leak per round that LeakSanitizer found.
void InitCrtLibrary(int log_level);

}  // namespace s3fs::engine
