"""Plays spotify_etl.publish against moto in-process: the order of the copies, the managed copy, the encryption,
publishing.json, and the delete of every copy when one copy fails. argv[1]: the folder of spotify_etl.py."""
import json, sys
sys.path.insert(0, sys.argv[1])
import boto3
from moto import mock_aws
import spotify_etl

class Recording:
    """Wraps the client, recording S3 calls; copying a key named in fail_on raises."""
    def __init__(self, inner, fail_on=()):
        self.inner, self.calls, self.fail_on = inner, [], fail_on
    def __getattr__(self, name):
        method = getattr(self.inner, name)
        def call(*a, **kw):
            self.calls.append((name, kw.get("Key") or (a[2] if len(a) > 2 else None)))
            if name == "copy" and a[2] in self.fail_on:
                raise RuntimeError("copy failed")
            return method(*a, **kw)
        return call

with mock_aws():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lake")
    staged = []
    for table, key in [("spotify_tracks", "gold/spotify_tracks/release_year=1200/part-g.parquet"), ("silver_albums", "silver/albums/batch=1/part-s.parquet"), ("quarantine", "quarantine/albums/batch=1/part-q.parquet")]:
        s3.put_object(Bucket="lake", Key="p/_pipeline/jobs/1-a/staging/" + key, Body=b"x" * 10)
        staged.append(("_pipeline/jobs/1-a/staging/" + key, {"key": key, "table": table, "rows": 1}))
    ok = Recording(s3)
    lake = spotify_etl.Lake(ok, "lake", "p/", {"ServerSideEncryption": "AES256"})
    added = spotify_etl.publish(lake, "_pipeline/jobs/1-a/", staged)
    copies = [k for name, k in ok.calls if name == "copy"]
    failing = Recording(s3, fail_on=("p/gold/spotify_tracks/release_year=1200/part-g2.parquet",))
    staged2 = [(src, dict(f, key=f["key"].replace(".parquet", "2.parquet"))) for src, f in staged]
    try:
        spotify_etl.publish(spotify_etl.Lake(failing, "lake", "p/", {"ServerSideEncryption": "AES256"}), "_pipeline/jobs/1-b/", staged2)
        raised = False
    except RuntimeError:
        raised = True
    left = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="lake", Prefix="p/")["Contents"] if "2.parquet" in o["Key"] and "staging" not in o["Key"])
    print(json.dumps({
        "copies": copies,
        "copy_object_calls": [k for name, k in ok.calls if name == "copy_object"],
        "bytes": [a["bytes"] for a in added],
        "encrypted": s3.head_object(Bucket="lake", Key="p/" + added[0]["key"])["ServerSideEncryption"],
        "publishing": json.loads(s3.get_object(Bucket="lake", Key="p/_pipeline/jobs/1-b/publishing.json")["Body"].read()),
        "raised": raised,
        "left_after_failure": left,
    }))
