"""One TensorFlow benchmark measurement in a fresh process, for bench/tensorflow.ts.

  python tf_bench.py CLIENT WORKLOAD BASE [PLUGIN]

CLIENT is s3fs-native (the plugin at PLUGIN, registered with tf.experimental.register_filesystem_plugin)
or tensorflow-io (TensorFlow's own S3 filesystem on aws-sdk-cpp, registered by importing tensorflow_io).
BASE is the s3:// prefix the prepared data is under; the endpoint and credentials come from TensorFlow's
environment variables. Prints {"seconds", "amount", "cpuSeconds", "peakRssMiB"} as JSON.
"""
import json
import os
import random
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

MiB = 1 << 20


def read_whole(base):
    with tf.io.gfile.GFile(f"{base}/large.bin", "rb") as f:
        return len(f.read())


def random_reads(base, count=500):
    path = f"{base}/large.bin"
    size = tf.io.gfile.stat(path).length
    rng = random.Random(1)
    with tf.io.gfile.GFile(path, "rb") as f:
        for _ in range(count):
            f.seek(rng.randrange(0, size - 4096))
            if len(f.read(4096)) != 4096:
                raise RuntimeError("short read")
    return count


def tfrecord_dataset(base):
    files = sorted(tf.io.gfile.glob(f"{base}/records/part-*.tfrecord"))
    if len(files) != 64:
        raise RuntimeError(f"expected 64 TFRecord files, found {len(files)}")
    # Summed inside TensorFlow's runtime: no Python per record, so the reading is what is measured.
    dataset = tf.data.TFRecordDataset(files, num_parallel_reads=8).map(lambda r: tf.strings.length(r, unit="BYTE"))
    return int(dataset.reduce(tf.constant(0, tf.int32), lambda total, n: total + n))


def glob_keys(base):
    matches = tf.io.gfile.glob(f"{base}/list/*")
    if len(matches) != 10000:
        raise RuntimeError(f"expected 10000 matches, found {len(matches)}")
    return 1


def write_large(base):
    chunk = np.random.default_rng(3).integers(0, 256, 8 * MiB, dtype=np.uint8).tobytes()
    with tf.io.gfile.GFile(f"{base}/written-{os.getpid()}.bin", "wb") as f:
        for _ in range(128):
            f.write(chunk)
    return 128 * len(chunk)


def summary_run(base, histograms):
    logdir = f"{base}/logs-{os.getpid()}"
    writer = tf.summary.create_file_writer(logdir, max_queue=1000, flush_millis=10**9)
    values = tf.random.stateless_normal([4096], seed=[1, 2])
    with writer.as_default():
        for step in range(2000):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            if histograms:
                tf.summary.histogram("weights", values + step * 0.001, step=step, buckets=1000)
            if step % 10 == 9:
                writer.flush()
    writer.close()
    return 2000


WORKLOADS = {
    "read-1g": read_whole,
    "random-4k": random_reads,
    "tfrecord-64": tfrecord_dataset,
    "glob-10k": glob_keys,
    "write-1g": write_large,
    "summary-scalars": lambda base: summary_run(base, False),
    "summary-histograms": lambda base: summary_run(base, True),
}


def main():
    client, workload, base = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/")
    if client == "s3fs-native":
        tf.experimental.register_filesystem_plugin(sys.argv[4])
    else:
        import tensorflow_io  # noqa: F401  (registers its s3 filesystem)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    amount = WORKLOADS[workload](base)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"seconds": seconds, "amount": amount, "cpuSeconds": cpu, "peakRssMiB": after.ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
