"""Runs the Glue job's executor-side staging (spotify_etl.stage_file) with no Spark and no network: a stand-in
S3 client serves objects from a local folder (one subfolder per bucket) as streams and assembles multipart
uploads part by part on disk, so the process holds what the staging code holds and nothing more.

stdin: {"root": folder, "script_dir": folder of spotify_etl.py, "files": [raw keys in ordinal order]}
stdout: {"results": [stage_file results], "peak_rss_kib": peak resident set size of this process}
"""
import json
import os
import sys


class LocalS3:
    def __init__(self, root):
        self.root = root

    def _path(self, bucket, key):
        path = os.path.join(self.root, bucket, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def get_object(self, Bucket, Key):
        return {"Body": open(self._path(Bucket, Key), "rb")}

    def put_object(self, Bucket, Key, Body, **_):
        with open(self._path(Bucket, Key), "wb") as f:
            f.write(Body)

    def create_multipart_upload(self, Bucket, Key, **_):
        open(self._path(Bucket, Key) + ".upload", "wb").close()
        return {"UploadId": Key}

    def upload_part(self, Bucket, Key, UploadId, PartNumber, Body):
        with open(self._path(Bucket, Key) + ".upload", "ab") as f:
            f.write(Body)
        return {"ETag": '"%d"' % PartNumber}

    def complete_multipart_upload(self, Bucket, Key, UploadId, MultipartUpload):
        assert [p["PartNumber"] for p in MultipartUpload["Parts"]] == list(range(1, len(MultipartUpload["Parts"]) + 1))
        os.replace(self._path(Bucket, Key) + ".upload", self._path(Bucket, Key))

    def abort_multipart_upload(self, Bucket, Key, UploadId):
        os.remove(self._path(Bucket, Key) + ".upload")


def peak_rss_kib():
    # VmHWM is this process image's own high-water mark; getrusage's ru_maxrss also counts the parent's RSS that
    # the forked child had before exec (the .NET test host: over 100 MB).
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def main():
    request = json.load(sys.stdin)
    sys.path.insert(0, request["script_dir"])
    import spotify_etl
    job = {"seq": 1, "raw_bucket": "raw", "raw_prefix": "raw/", "lake_bucket": "lake", "lake_prefix": "",
           "job_folder": "_pipeline/jobs/1-test/", "encryption": {"ServerSideEncryption": "AES256"}}
    s3 = LocalS3(request["root"])
    results = list(spotify_etl.stage_partition(job, enumerate(request["files"], start=1), s3))
    print(json.dumps({"results": results, "peak_rss_kib": peak_rss_kib()}))


if __name__ == "__main__":
    main()
