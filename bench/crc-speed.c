// The speed of each upload checksum as the engine computes it (aws-checksums with its CPU dispatch,
// libcrypto for SHA-256), on one core: bash scripts/bench-crc.sh. Prints GiB/s, the median of 7
// passes over 256 MiB, for choosing the default algorithm and for the cost of the others.
#include <aws/checksums/crc.h>
#include <aws/common/common.h>
#include <openssl/sha.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SIZE (256u << 20)
#define PASSES 7

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static volatile uint64_t sink;

static void measure(const char* name, const uint8_t* data, uint64_t (*run)(const uint8_t*, size_t)) {
  double rates[PASSES];
  for (int i = 0; i < PASSES; i++) {
    double started = now();
    sink ^= run(data, SIZE);
    rates[i] = (SIZE / (double)(1u << 30)) / (now() - started);
  }
  qsort(rates, PASSES, sizeof(double), compare);
  printf("%-10s %6.2f GiB/s\n", name, rates[PASSES / 2]);
}

static uint64_t crc32(const uint8_t* data, size_t size) { return aws_checksums_crc32_ex(data, size, 0); }
static uint64_t crc32c(const uint8_t* data, size_t size) { return aws_checksums_crc32c_ex(data, size, 0); }
static uint64_t crc64nvme(const uint8_t* data, size_t size) { return aws_checksums_crc64nvme_ex(data, size, 0); }
static uint64_t sha256(const uint8_t* data, size_t size) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(data, size, digest);
  return digest[0];
}

int main(void) {
  aws_common_library_init(aws_default_allocator());
  uint8_t* data = malloc(SIZE);
  if (data == NULL) return 1;
  uint64_t state = 88172645463325252ull;
  for (size_t i = 0; i < SIZE; i += 8) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    for (int b = 0; b < 8; b++) data[i + b] = (uint8_t)(state >> (8 * b));
  }
  measure("crc64nvme", data, crc64nvme);
  measure("crc32c", data, crc32c);
  measure("crc32", data, crc32);
  measure("sha256", data, sha256);
  free(data);
  aws_common_library_clean_up();
  return (int)(sink & 0);
}
