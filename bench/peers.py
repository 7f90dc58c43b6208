"""One measurement of one peer client on one workload, in a process of its own (npm run bench -- --peers).

Usage: peers.py CLIENT WORKLOAD JOB_JSON. Prints {"seconds", "amount", "cpuSeconds", "peakRssMiB"}.
Clients, each called the way its users call it:
  pyarrow           pyarrow.fs.S3FileSystem (aws-sdk-cpp): open_input_file().read(), read_at from
                    threads on one file, open_output_stream, get_file_info, copy_files;
  s3torchconnector  s3torchconnectorclient.MountpointS3Client (the CRT client under s3torchconnector);
  boto3             boto3 with s3transfer (10 threads) for whole objects, a thread pool otherwise.
"""
import concurrent.futures
import io
import json
import os
import random
import resource
import sys
import time

client_name, workload, job = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
bucket = job["bucket"]
host_port = job["endpoint"].split("://", 1)[1]
os.environ.update(AWS_ACCESS_KEY_ID=job["accessKeyId"], AWS_SECRET_ACCESS_KEY=job["secretAccessKey"],
                  AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")


def offsets(count):
    rng = random.Random(count)
    return [rng.randrange(0, job["largeSize"] - 4096) for _ in range(count)]


def in_threads(count, threads, task):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(task, range(count)):
            pass


def random_reads(read_at):
    """The rand1 or rand32 workload: 4 KiB reads at seeded offsets, read_at(offset) each, 1 or 32 at once."""
    count = job["randomCount"][workload]
    spots = offsets(count)
    threads = 1 if workload == "rand1" else 32
    return lambda: in_threads(count, threads, lambda i: read_at(spots[i])) or count


def pyarrow_workload():
    from pyarrow import fs as pafs
    s3 = pafs.S3FileSystem(access_key=job["accessKeyId"], secret_key=job["secretAccessKey"], region="us-east-1",
                           endpoint_override=host_port, scheme="http")
    large = f"{bucket}/large.bin"
    if workload == "get":
        return lambda: len(s3.open_input_file(large).read())
    if workload == "put":
        data = os.urandom(job["largeSize"])

        def put():
            with s3.open_output_stream(f"{bucket}/{job['runPrefix']}/put.bin") as out:
                out.write(data)
            return len(data)
        return put
    if workload in ("rand1", "rand32"):
        f = s3.open_input_file(large)
        return random_reads(lambda offset: f.read_at(4096, offset))
    if workload == "stat":
        return lambda: [s3.get_file_info(large) for _ in range(job["statCount"])] and job["statCount"]
    if workload == "list":
        return lambda: len(s3.get_file_info(pafs.FileSelector(f"{bucket}/list", recursive=True)))
    if workload == "download":
        target = os.path.join(job["downloadDir"], "pyarrow")
        os.makedirs(target, exist_ok=True)

        def download():
            pafs.copy_files(f"{bucket}/dl", target, source_filesystem=s3, destination_filesystem=pafs.LocalFileSystem())
            return job["downloadCount"] * job["downloadSize"]
        return download
    raise SystemExit(f"pyarrow: no workload {workload}")


def s3torch_workload():
    from s3torchconnectorclient._mountpoint_s3_client import MountpointS3Client
    client = MountpointS3Client("us-east-1", endpoint=job["endpoint"], force_path_style=True)

    def read(key, start=None, end=None):
        return b"".join(client.get_object(bucket, key, start=start, end=end))
    if workload == "get":
        return lambda: len(read("large.bin"))
    if workload == "put":
        data = os.urandom(job["largeSize"])

        def put():
            stream = client.put_object(bucket, f"{job['runPrefix']}/put.bin")
            stream.write(data)
            stream.close()
            return len(data)
        return put
    if workload in ("rand1", "rand32"):
        return random_reads(lambda offset: read("large.bin", offset, offset + 4096))
    if workload == "stat":
        return lambda: [client.head_object(bucket, "large.bin") for _ in range(job["statCount"])] and job["statCount"]
    if workload == "list":
        return lambda: sum(len(page.object_info) for page in client.list_objects(bucket, "list/"))
    if workload == "download":
        target = os.path.join(job["downloadDir"], "s3torchconnector")
        os.makedirs(target, exist_ok=True)

        def fetch(i):
            with open(os.path.join(target, f"{i}.bin"), "wb") as out:
                for chunk in client.get_object(bucket, f"dl/{i}.bin"):
                    out.write(chunk)

        def download():
            in_threads(job["downloadCount"], 16, fetch)
            return job["downloadCount"] * job["downloadSize"]
        return download
    raise SystemExit(f"s3torchconnector: no workload {workload}")


def boto3_workload():
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=job["endpoint"], region_name="us-east-1",
                      config=Config(max_pool_connections=32, s3={"addressing_style": "path"}))
    transfer = TransferConfig(max_concurrency=10, multipart_chunksize=8 * 1024 * 1024)
    if workload == "get":
        def get():
            out = io.BytesIO()
            s3.download_fileobj(bucket, "large.bin", out, Config=transfer)
            return len(out.getbuffer())
        return get
    if workload == "put":
        data = os.urandom(job["largeSize"])

        def put():
            s3.upload_fileobj(io.BytesIO(data), bucket, f"{job['runPrefix']}/put.bin", Config=transfer)
            return len(data)
        return put
    if workload in ("rand1", "rand32"):
        return random_reads(lambda offset: s3.get_object(Bucket=bucket, Key="large.bin", Range=f"bytes={offset}-{offset + 4095}")["Body"].read())
    if workload == "stat":
        return lambda: [s3.head_object(Bucket=bucket, Key="large.bin") for _ in range(job["statCount"])] and job["statCount"]
    if workload == "list":
        pages = s3.get_paginator("list_objects_v2")
        return lambda: sum(len(page.get("Contents", [])) for page in pages.paginate(Bucket=bucket, Prefix="list/"))
    if workload == "download":
        target = os.path.join(job["downloadDir"], "boto3")
        os.makedirs(target, exist_ok=True)

        def download():
            in_threads(job["downloadCount"], 10,
                       lambda i: s3.download_file(bucket, f"dl/{i}.bin", os.path.join(target, f"{i}.bin"), Config=transfer))
            return job["downloadCount"] * job["downloadSize"]
        return download
    raise SystemExit(f"boto3: no workload {workload}")


def peak_rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0


work = {"pyarrow": pyarrow_workload, "s3torchconnector": s3torch_workload, "boto3": boto3_workload}[client_name]()
# Peak RSS of the measured work alone, as the Node side measures it.
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
amount = work()
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(json.dumps({"seconds": seconds, "amount": amount, "cpuSeconds": cpu, "peakRssMiB": peak_rss_mib()}))
