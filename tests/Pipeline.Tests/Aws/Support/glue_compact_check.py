"""Plays spotify_etl.run_compaction against moto in-process, with a stand-in Spark that records what it is asked to
read and run (there is no Spark here). The lake's silver/ also holds a superseded delta and the copy of a run that
never committed: the job must read only the files the worker passed. argv[1]: the folder of spotify_etl.py."""
import json, sys
sys.path.insert(0, sys.argv[1])
import boto3
from moto import mock_aws
import spotify_etl


class Frame:
    def __init__(self, spark, rows):
        self.spark, self.rows = spark, rows

    def createOrReplaceTempView(self, name):
        self.spark.views[name] = self

    def repartition(self, n):
        return self

    def coalesce(self, n):
        return self

    @property
    def write(self):
        return Writer(self)

    def count(self):
        return self.rows


class Writer:
    def __init__(self, frame):
        self.frame = frame

    def mode(self, mode):
        return self

    def parquet(self, uri):
        bucket, key = spotify_etl.split_s3(uri)
        key += "part-00000-spark.snappy.parquet"
        self.frame.spark.s3.put_object(Bucket=bucket, Key=key, Body=b"PAR1")
        self.frame.spark.written["s3://%s/%s" % (bucket, key)] = self.frame.rows


class Reader:
    def __init__(self, spark):
        self.spark = spark

    def option(self, name, value):
        return self

    def parquet(self, *uris):
        if len(uris) == 1 and uris[0] in self.spark.written:
            return Frame(self.spark, self.spark.written[uris[0]])
        self.spark.reads.append(list(uris))
        # Stand-in for the rows: two per file read, of which the compaction keeps one per file plus one.
        return Frame(self.spark, 2 * len(uris))


class Spark:
    def __init__(self, s3):
        self.s3, self.views, self.written, self.reads, self.sql_run = s3, {}, {}, [], []

    @property
    def read(self):
        return Reader(self)

    def sql(self, text):
        name = text.strip()
        self.sql_run.append(name)
        entity = name[len("compact_"):]
        return Frame(self, self.views["silver_" + entity].rows // 2 + 1)


passed = [
    {"key": "silver/artists/compact=4/part-base.parquet", "table": "silver_artists", "rows": 10, "bytes": 1, "to_batch": 3},
    {"key": "silver/artists/batch=5/part-a5.parquet", "table": "silver_artists", "rows": 2, "bytes": 1},
    {"key": "silver/tracks/batch=2/part-t2.parquet", "table": "silver_tracks", "rows": 4, "bytes": 1},
]
elsewhere = ["silver/artists/batch=2/part-superseded.parquet", "silver/artists/batch=6/part-uncommitted.parquet"]

with mock_aws():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lake")
    for key in [f["key"] for f in passed] + elsewhere:
        s3.put_object(Bucket="lake", Key="p/" + key, Body=b"PAR1")
    for entity in spotify_etl.ENTITIES:
        s3.put_object(Bucket="lake", Key="p/_pipeline/sql/h/compact_%s.sql" % entity, Body=("compact_" + entity).encode())
    s3.put_object(Bucket="lake", Key="p/_pipeline/jobs/7-a/committed.json", Body=json.dumps({"seq": 6, "files": passed}).encode())
    args = {"batch_seq": "7", "lake_bucket": "lake", "lake_prefix": "p/", "committed_state": "_pipeline/jobs/7-a/committed.json",
            "output_key": "_pipeline/jobs/7-a/output.json", "sql_prefix": "s3://lake/p/_pipeline/sql/h", "server_side_encryption": None,
            "kms_key_id": None, "mode": "compact"}
    spark = Spark(s3)
    spotify_etl.run_compaction(spark, s3, args)
    output = json.loads(s3.get_object(Bucket="lake", Key="p/_pipeline/jobs/7-a/output.json")["Body"].read())
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake", Prefix="p/")["Contents"]]
    print(json.dumps({
        "reads": spark.reads,
        "sql_run": spark.sql_run,
        "output": output,
        "published": [a["key"] for a in output["added"] if "p/" + a["key"] in keys],
        "publishing": json.loads(s3.get_object(Bucket="lake", Key="p/_pipeline/jobs/7-a/publishing.json")["Body"].read()),
        "staging_left": [k for k in keys if "/staging/" in k],
        "required_batch": spotify_etl.required_arguments(None),
        "required_compact": spotify_etl.required_arguments("compact"),
    }))
