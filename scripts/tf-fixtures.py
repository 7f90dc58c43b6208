#!/usr/bin/env python3
"""Fixtures written by real TensorFlow, and a check of our files read back by it.

  python scripts/tf-fixtures.py write test/fixtures/tf         # regenerates the committed fixtures
  python scripts/tf-fixtures.py saved-model test/fixtures/tf   # regenerates saved_model/, see below
  python scripts/tf-fixtures.py verify DIR                     # reads files written by s3fs-native

Needs tensorflow-cpu (pip); the tfjs layers model also needs tensorflowjs and tf_keras. The SavedModel
is written by TensorFlow 2.9.1, the version tfjs-node 4.22.0 runs: use the python that
`scripts/tf-python.sh 2.9.1` prints. The fixtures are deterministic (no randomness, fixed wall
times) so regenerating them gives the same values; test/integration/tf-interop.test.ts checks every
one.
"""
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def example(i):
    feature = {
        "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 2])),
        "values": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5, i * 1.5, -float(i)])),
        "tokens": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(i)))),
        "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[f"example-{i}".encode()])),
        "big": tf.train.Feature(int64_list=tf.train.Int64List(value=[2**40 + i])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature))


def write_tfrecords(out):
    with tf.io.TFRecordWriter(os.path.join(out, "examples.tfrecord")) as w:
        for i in range(5):
            w.write(example(i).SerializeToString())
    options = tf.io.TFRecordOptions(compression_type="GZIP")
    with tf.io.TFRecordWriter(os.path.join(out, "examples.tfrecord.gz"), options) as w:
        for i in range(5):
            w.write(example(i).SerializeToString())


def write_events(out):
    logdir = os.path.join(out, "events")
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for step in range(5):
            # The TF1 protos TensorBoard still reads: simple_value and HistogramProto.
            legacy = tf.compat.v1.Summary(
                value=[
                    tf.compat.v1.Summary.Value(tag="legacy/loss", simple_value=1.0 / (step + 1)),
                    tf.compat.v1.Summary.Value(
                        tag="legacy/weights",
                        histo=tf.compat.v1.HistogramProto(
                            min=0.0, max=float(step + 1), num=4, sum=float(step + 1) * 2, sum_squares=1.0,
                            bucket_limit=[0.5, 1.0, float(step + 1)], bucket=[1.0, 1.0, 2.0],
                        ),
                    ),
                ]
            )
            tf.summary.experimental.write_raw_pb(legacy.SerializeToString(), step=step)
            # TF2's own tensor-based summaries.
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            tf.summary.histogram("weights", np.arange(step + 1, dtype=np.float32), step=step)
            tf.summary.text("note", f"step {step}", step=step)
    writer.close()


def import_tfjs_converter():
    # tensorflowjs imports JAX and TF Decision Forests when the package loads, for converters not
    # used here; empty stand-ins let its Keras converter (the real one) run without installing both.
    import types

    for name in ("jax", "jax.experimental", "tensorflow_decision_forests"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["jax.experimental"].jax2tf = types.ModuleType("jax2tf")
    import tensorflowjs

    return tensorflowjs


def write_layers_model(out):
    try:
        import tf_keras as keras

        tfjs = import_tfjs_converter()
    except ImportError as missing:
        print(f"layers model skipped: {missing}")
        return
    model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])
    weights = [np.arange(w.size, dtype=np.float32).reshape(w.shape) / 10 for w in model.get_weights()]
    model.set_weights(weights)
    target = os.path.join(out, "layers-model")
    tfjs.converters.save_keras_model(model, target)
    x = np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32)
    with open(os.path.join(target, "expected.json"), "w") as f:
        json.dump({"input": x.tolist(), "output": model.predict(x, verbose=0).tolist()}, f)


def write_saved_model(out):
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,), name="x"), tf.keras.layers.Dense(2, name="y")])
    model.set_weights([np.arange(w.size, dtype=np.float32).reshape(w.shape) / 10 for w in model.get_weights()])
    target = os.path.join(out, "saved_model")
    shutil.rmtree(target, ignore_errors=True)
    tf.saved_model.save(model, target)
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    with open(os.path.join(target, "expected.json"), "w") as f:
        json.dump({"input": x.tolist(), "output": model(x).numpy().tolist()}, f)


def verify(directory):
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.endswith((".tfrecord", ".tfrecord.gz")):
            compression = "GZIP" if name.endswith(".gz") else ""
            records = list(tf.data.TFRecordDataset(path, compression_type=compression))
            first = tf.train.Example.FromString(records[0].numpy()) if records else None
            keys = sorted(first.features.feature.keys()) if first else []
            print(f"{name}: {len(records)} records read by TensorFlow, CRCs valid; first Example features: {keys}")
        elif os.path.isdir(path):
            count = 0
            tags = set()
            for event_file in sorted(os.listdir(path)):
                for event in tf.compat.v1.train.summary_iterator(os.path.join(path, event_file)):
                    count += 1
                    tags.update(v.tag for v in event.summary.value)
            print(f"{name}/: {count} events read by TensorFlow from {len(os.listdir(path))} files; tags {sorted(tags)}")


def main():
    command, directory = sys.argv[1], sys.argv[2]
    if command == "write":
        os.makedirs(directory, exist_ok=True)
        write_tfrecords(directory)
        write_events(directory)
        write_layers_model(directory)
    elif command == "saved-model":
        os.makedirs(directory, exist_ok=True)
        write_saved_model(directory)
    elif command == "verify":
        verify(directory)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
