"""Python TensorFlow on s3:// through the s3fs-native plugin, driven by test/tensorflow/python.test.ts.

  python tf_surface.py PLUGIN scenario BASE SCENARIO_JSON   # the shared conformance scenario
  python tf_surface.py PLUGIN workloads BASE                # TFRecord, summaries, SavedModel, TensorBoard
  python tf_surface.py PLUGIN tensorboard LOGDIR            # what TensorBoard reads from a log directory
  python tf_surface.py PLUGIN multipart BASE                # 12 MiB files written and read back
  python tf_surface.py PLUGIN write BASE NAME:SIZE...       # files of seeded random bytes, through GFile
  python tf_surface.py PLUGIN read BASE NAME...             # the SHA-256 of each file read whole through GFile

BASE is an s3:// URL; the S3 endpoint and credentials come from TensorFlow's environment variables.
Prints one JSON document: what TensorFlow saw, for the test to check.
"""
import gzip
import hashlib
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

gfile = tf.io.gfile


def run_step(step, at, base):
    op, path = step["op"], at(step["path"])
    if op == "writeFile":
        with gfile.GFile(path, "w") as f:
            f.write(step.get("data", ""))
        return None
    if op == "readFile":
        with gfile.GFile(path, "r") as f:
            return f.read()
    if op == "stat":
        st = gfile.stat(path)
        return {"isDirectory": True} if st.is_directory else {"isDirectory": False, "size": st.length}
    if op == "exists":
        return gfile.exists(path)
    if op == "readdir":
        return sorted(name.rstrip("/") for name in gfile.listdir(path))
    if op == "mkdir":
        gfile.mkdir(path)
        return None
    if op == "copyFile":
        gfile.copy(path, at(step["to"]))
        return None
    if op == "rename":
        gfile.rename(path, at(step["to"]))
        return None
    if op == "glob":
        return sorted(match[len(base) + 1:] for match in gfile.glob(path))
    if op == "rm":
        gfile.remove(path)
        return None
    if op == "rmRecursive":
        gfile.rmtree(path)
        return None
    raise ValueError(f"unknown op {op}")


def scenario(base, scenario_file):
    with open(scenario_file) as f:
        steps = json.load(f)
    outcomes = []
    for step in steps:
        try:
            outcomes.append({"result": run_step(step, lambda p: f"{base}/{p}", base)})
        except tf.errors.OpError as error:
            outcomes.append({"error": type(error).__name__, "message": error.message})
    return outcomes


def example(i):
    return tf.train.Example(features=tf.train.Features(feature={
        "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5])),
    })).SerializeToString()


def tfrecords(base):
    out = {}
    for name, options in (("plain", None), ("gzip", "GZIP")):
        path = f"{base}/records-{name}.tfrecord"
        with tf.io.TFRecordWriter(path, options=options) as writer:
            for i in range(100):
                writer.write(example(i))
        ids = []
        for record in tf.data.TFRecordDataset(path, compression_type=options or ""):
            parsed = tf.io.parse_single_example(record, {"id": tf.io.FixedLenFeature([], tf.int64)})
            ids.append(int(parsed["id"]))
        out[name] = ids
    with gfile.GFile(f"{base}/records-gzip.tfrecord", "rb") as f:
        out["gzipMagic"] = f.read(2).hex()
    return out


def summaries(base):
    logdir = f"{base}/logs"
    writer = tf.summary.create_file_writer(logdir, flush_millis=100)
    with writer.as_default():
        for step in range(20):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            if step % 5 == 4:
                writer.flush()
    writer.close()
    files = gfile.listdir(logdir)
    from tensorboard.backend.event_processing import event_accumulator
    accumulator = event_accumulator.EventAccumulator(logdir, size_guidance={event_accumulator.TENSORS: 0})
    accumulator.Reload()
    loss = [(e.step, float(tf.make_ndarray(e.tensor_proto))) for e in accumulator.Tensors("loss")]
    return {"files": files, "loss": loss}


def saved_model(base):
    class Doubler(tf.Module):
        def __init__(self):
            self.w = tf.Variable([[2.0], [3.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def __call__(self, x):
            return tf.matmul(x, self.w)

    path = f"{base}/saved_model"
    tf.saved_model.save(Doubler(), path)
    loaded = tf.saved_model.load(path)
    prediction = loaded(tf.constant([[1.0, 1.0]])).numpy().tolist()
    return {"prediction": prediction, "files": sorted(gfile.listdir(path))}


def gfile_extras(base):
    path = f"{base}/extras/seek.bin"
    data = bytes(range(256)) * 4096
    with gfile.GFile(path, "wb") as f:
        f.write(data[:500000])
        f.flush()
        visible_after_flush = gfile.stat(path).length
        f.write(data[500000:])
    with gfile.GFile(path, "rb") as f:
        f.seek(1000)
        middle = f.read(16)
        f.seek(0)
        whole = f.read()
    with gfile.GFile(f"{base}/extras/appended.txt", "w") as f:
        f.write("one,")
    with gfile.GFile(f"{base}/extras/appended.txt", "a") as f:
        f.write("two")
    with gfile.GFile(f"{base}/extras/appended.txt") as f:
        appended = f.read()
    gfile.makedirs(f"{base}/extras/deep/er")
    big_path = f"{base}/extras/big.bin"
    chunk = np.random.default_rng(7).integers(0, 256, 1 << 20, dtype=np.uint8).tobytes()
    big_sizes = []
    with gfile.GFile(big_path, "wb") as f:
        for i in range(1, 21):
            f.write(chunk)
            if i in (3, 6, 12):
                f.flush()
                big_sizes.append(gfile.stat(big_path).length)
    with gfile.GFile(big_path, "rb") as f:
        big_matches = f.read() == chunk * 20
    # A writer dropped without close, its multipart upload under way: aborted, nothing left behind.
    dropped_path = f"{base}/extras/dropped.bin"
    dropped = gfile.GFile(dropped_path, "wb")
    for _ in range(12):
        dropped.write(chunk)
    del dropped
    import gc
    gc.collect()
    dropped_exists = gfile.exists(dropped_path)
    return {
        "visibleAfterFlush": visible_after_flush,
        "middle": middle.hex(),
        "expectedMiddle": data[1000:1016].hex(),
        "wholeMatches": whole == data,
        "appended": appended,
        "deepIsDir": gfile.isdir(f"{base}/extras/deep/er"),
        "bigSizesAfterFlushes": big_sizes,
        "bigMatches": big_matches,
        "droppedExists": dropped_exists,
        "walk": [[os.path.relpath(d, base) if d != base else ".", sorted(s), sorted(f)] for d, s, f in gfile.walk(f"{base}/extras")],
    }


def tensorboard_view(logdir):
    from tensorboard.backend.event_processing import event_multiplexer
    multiplexer = event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    runs = {}
    for run in sorted(multiplexer.Runs()):
        accumulator = multiplexer.GetAccumulator(run)
        tags = accumulator.Tags()
        series = {tag: [[e.step, e.value] for e in accumulator.Scalars(tag)] for tag in tags["scalars"]}
        for tag in tags["tensors"]:
            series[tag] = [[e.step, float(tf.make_ndarray(e.tensor_proto))] for e in accumulator.Tensors(tag)]
        runs[run] = series
    return runs


def multipart_writes(base):
    """Three 12 MiB files written through GFile (multipart uploads), each read back."""
    chunk = np.random.default_rng(11).integers(0, 256, 1 << 20, dtype=np.uint8).tobytes()
    matches = []
    for i in range(3):
        path = f"{base}/multipart-{i}.bin"
        with gfile.GFile(path, "wb") as f:
            for _ in range(12):
                f.write(chunk)
        with gfile.GFile(path, "rb") as f:
            matches.append(f.read() == chunk * 12)
    return {"matches": matches}


def payload(size):
    return np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()


def failure(error):
    return {"error": type(error).__name__, "message": error.message}


def write_files(base, specs):
    """Each NAME:SIZE written in one GFile write of payload(SIZE): what TensorFlow said."""
    result = {}
    for spec in specs:
        name, size = spec.split(":")
        try:
            with gfile.GFile(f"{base}/{name}", "wb") as f:
                f.write(payload(int(size)))
            result[name] = {"ok": True}
        except tf.errors.OpError as error:
            result[name] = failure(error)
    return result


def read_files(base, names):
    result = {}
    for name in names:
        try:
            with gfile.GFile(f"{base}/{name}", "rb") as f:
                result[name] = {"sha256": hashlib.sha256(f.read()).hexdigest()}
        except tf.errors.OpError as error:
            result[name] = failure(error)
    return result


def rename(base, source, target):
    """gfile.rename of base/source to base/target: what TensorFlow said."""
    try:
        gfile.rename(f"{base}/{source}", f"{base}/{target}")
        return {"ok": True}
    except tf.errors.OpError as error:
        return failure(error)


def soak(base, seconds):
    """Writes and reads files for `seconds`, a multipart one every fifth round: what failed, if anything."""
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        size = 6 * 1024 * 1024 + rounds if rounds % 5 == 0 else 1000 + rounds
        data = payload(size)
        name = f"{base}/round-{rounds % 4}"
        try:
            with gfile.GFile(name, "wb") as f:
                f.write(data)
            with gfile.GFile(name, "rb") as f:
                if f.read() != data:
                    return {"rounds": rounds, "error": "mismatch"}
        except tf.errors.OpError as error:
            return {"rounds": rounds, **failure(error)}
        rounds += 1
    gfile.rmtree(base)
    return {"rounds": rounds}


def main():
    plugin, mode, base = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/")
    tf.experimental.register_filesystem_plugin(plugin)
    if mode == "scenario":
        result = scenario(base, sys.argv[4])
    elif mode == "tensorboard":
        result = tensorboard_view(base)
    elif mode == "multipart":
        result = multipart_writes(base)
    elif mode == "write":
        result = write_files(base, sys.argv[4:])
    elif mode == "read":
        result = read_files(base, sys.argv[4:])
    elif mode == "rename":
        result = rename(base, sys.argv[4], sys.argv[5])
    elif mode == "soak":
        result = soak(base, float(sys.argv[4]))
    else:
        result = {
            "tfrecords": tfrecords(base),
            "summaries": summaries(base),
            "savedModel": saved_model(base),
            "gfile": gfile_extras(base),
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
