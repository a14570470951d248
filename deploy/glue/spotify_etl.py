"""SpotifyWorker's Glue 5 job: one batch of raw Spotify CSV files -> silver, quarantine and gold Parquet files.

The worker (GlueJobTransform) starts one run per batch and passes the batch as arguments:

  --batch_seq, --batch_fingerprint   the batch's commit sequence number and content hash
  --raw_bucket, --raw_prefix         where the raw files are; keys are <raw_prefix><entity>/...
  --raw_keys                         JSON list of the batch's raw keys in ordinal order (later wins), or
  --raw_keys_manifest                a lake key of {"raw_keys": [...]} when the list is long
  --lake_bucket, --lake_prefix       the lake (--lake_prefix is absent when the lake is the bucket root)
  --committed_state                  lake key of {"seq": n, "files": [{key, table, rows, bytes, release_year}]}
  --output_key                       lake key where this job writes its result document
  --server_side_encryption           AES256 or aws:kms for every object written (default AES256), and
  --kms_key_id                       the KMS key for aws:kms (absent: the bucket's default key)
  --sql_prefix                       s3:// folder holding src/Pipeline/Transform/Sql/*.sql (the worker uploads
                                     the very files DuckDB runs, so both backends run the same SQL text)

It stages each raw file with the same structural checks as the C# RawFileStager (UTF-8, header columns,
field count, quoting), runs the shared SQL in the order of Transform/Sql/README.md, and writes every file
under a new unique name (Spark writes to a staging folder, each file is then copied to its final key).
Nothing it writes is visible until the worker commits the result: files no commit names are garbage.
The structural staging functions import nothing from Glue or Spark, so they can be tested with plain python3.
"""

import csv
import gzip
import io
import json
import re
import sys
import time
import uuid
import zlib

ENTITIES = ["artists", "albums", "tracks"]

REQUIRED_COLUMNS = {
    "artists": ["id", "name", "artist_popularity", "followers",
                "genre_0", "genre_1", "genre_2", "genre_3", "genre_4", "genre_5", "genre_6"],
    "albums": ["track_id", "track_name", "track_number", "duration_ms", "album_type", "total_tracks",
               "album_name", "release_date", "label", "album_popularity", "album_id", "artist_id"],
    "tracks": ["id", "track_popularity", "explicit"],
}

# The order DuckDbTransform runs the shared SQL in (Transform/Sql/README.md): validate each entity, then gold.
SQL_STEPS = [
    "validate_artists",
    "validate_albums",
    "validate_tracks",
    "gold_affected_tracks",
    "gold_delta",
    "gold_affected_partitions",
    "gold_rewrite",
]

LINEAGE_COLUMNS = ["_file_ord", "_line", "_row"]

# The gold table's columns (as in LakeTable.Gold), for an empty gold_current before the first commit.
GOLD_SCHEMA = (
    "track_id STRING, track_name STRING, track_number INT, duration_ms INT, track_popularity INT, explicit BOOLEAN, "
    "album_id STRING, album_name STRING, album_type STRING, label STRING, total_tracks INT, album_popularity INT, "
    "release_date DATE, release_date_precision STRING, artist_id STRING, artist_name STRING, artist_popularity INT, "
    "followers BIGINT, genres ARRAY<STRING>, release_year INT"
)

# Kaggle fields can be long (artist lists); the C# reader has no field limit either.
csv.field_size_limit(1 << 30)
GOLD_PREFIX = "gold/spotify_tracks/"


class FileRefused(Exception):
    """The whole file cannot be read as its entity; reason is "code: detail" as in C#'s RejectCode."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def entity_of(raw_prefix, key):
    """The entity of a raw input key, or None: RawKeys.Classify in the worker, the one rule for both.

    A .csv/.csv.gz under <prefix><entity>/ belongs to that folder's entity. Anywhere else under the prefix the file
    name decides: exactly one entity word (artist/artists, album/albums, track/tracks, any case) among its words split
    on - _ . and spaces (the Kaggle names: spotify-albums_data_2023.csv). None, or two, is not an input."""
    if not key.startswith(raw_prefix):
        return None
    lowered = key.lower()
    gzipped = lowered.endswith(".csv.gz")
    if not gzipped and not lowered.endswith(".csv"):
        return None
    rest = key[len(raw_prefix):]
    if "/" in rest and rest.index("/") > 0 and rest.split("/", 1)[0].lower() in ENTITIES:
        return rest.split("/", 1)[0].lower()
    name = rest.rsplit("/", 1)[-1]
    stem = name[:-len(".csv.gz")] if gzipped else name[:-len(".csv")]
    words = set(w for w in re.split(r"[-_. ]+", stem.lower()) if w)
    named = [e for e in ENTITIES if e in words or e[:-1] in words]
    return named[0] if len(named) == 1 else None


def _decode(data, gzipped):
    """Bytes of a raw file -> text; gzip is checked whole (truncation is an error), UTF-8 strictly."""
    if gzipped and len(data) > 0:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise FileRefused("bad_gzip: corrupt or truncated gzip: %s" % e)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        raise FileRefused(
            "invalid_utf8: byte 0x%02X on line %d, byte %d of the line, is not valid UTF-8 "
            "(the file must be UTF-8; Latin-1 or UTF-16 exports are not supported)"
            % (data[e.start], line, e.start - line_start + 1))


class _Lines:
    """Physical lines of the text, remembering which were consumed since the last record (for line numbers and raw text)."""

    def __init__(self, text):
        self._lines = io.StringIO(text, newline="")
        self.consumed = 0
        self.pending = []

    def __iter__(self):
        return self

    def __next__(self):
        line = self._lines.readline()
        if line == "":
            raise StopIteration
        self.consumed += 1
        self.pending.append(line)
        return line

    def take(self):
        taken, self.pending = self.pending, []
        return taken


def read_records(data, gzipped):
    """Yields (line, fields or None, raw_text, problem) per record; blank lines are skipped, as in C#."""
    lines = _Lines(_decode(data, gzipped))
    reader = csv.reader(lines, strict=True)
    while True:
        start = lines.consumed + 1
        try:
            fields = next(reader)
            problem = None
        except StopIteration:
            return
        except csv.Error as e:
            fields = None
            problem = ("bad_quoting: a quoted field opened on line %d or after is never closed" % start
                       if "unexpected end of data" in str(e) or "EOF" in str(e)
                       else "bad_quoting: a quoted field is followed by text before the next comma")
        raw = "".join(lines.take()).rstrip("\n").rstrip("\r")
        if fields is not None and len(fields) == 0:
            continue
        yield start, fields, raw, problem


def stage_records(data, gzipped, entity):
    """The structural half of RawFileStager.Stage: returns (rows_read, staged, rejects).

    staged: (line, row, [required values]); rejects: (line, row, reason, raw_text). Raises FileRefused.
    """
    required = REQUIRED_COLUMNS[entity]
    header = None
    rows_read = 0
    staged, rejects = [], []
    for line, fields, raw, problem in read_records(data, gzipped):
        if header is None:
            if fields is None:
                raise FileRefused("missing_columns: header on line %d cannot be read as CSV" % line)
            names = {}
            duplicates = []
            for i, name in enumerate(f.strip() for f in fields):
                if name.lower() in names:
                    duplicates.append(name)
                else:
                    names[name.lower()] = i
            missing = [c for c in required if c not in names]
            if missing:
                found = ", ".join(f.strip() for f in fields[:20])
                found = found if len(found) <= 300 else found[:300] + "..."
                raise FileRefused("missing_columns: header on line %d lacks required %s column(s) %s; found: %s"
                                  % (line, entity, ", ".join(missing), found))
            ambiguous = [d for d in duplicates if d.lower() in required]
            if ambiguous:
                raise FileRefused("duplicate_columns: header on line %d names %s more than once, so it is unclear which column to read"
                                  % (line, ", ".join(ambiguous)))
            header = (len(fields), [names[c] for c in required])
            continue
        rows_read += 1
        count, indexes = header
        if problem is None and len(fields) != count:
            problem = "field_count: expected %d fields as in the header, found %d" % (count, len(fields))
        if problem is not None:
            rejects.append((line, rows_read, problem, raw))
            continue
        staged.append((line, rows_read, [fields[i] for i in indexes]))
    return rows_read, staged, rejects


def normalized_csv(ordinal, entity, staged):
    """The staged rows as the normalized CSV the SQL reads: lineage columns, then the required columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINEAGE_COLUMNS + REQUIRED_COLUMNS[entity])
    for line, row, values in staged:
        writer.writerow([ordinal, line, row] + values)
    return out.getvalue().encode("utf-8")


def split_s3(uri):
    bucket, _, key = uri[len("s3://"):].partition("/")
    return bucket, key


def resolve_arguments(argv):
    """getResolvedOptions for the required arguments; the optional ones are read directly (Glue drops empty values)."""
    from awsglue.utils import getResolvedOptions
    required = ["JOB_NAME", "batch_seq", "batch_fingerprint", "raw_bucket", "raw_prefix", "lake_bucket",
                "committed_state", "output_key", "sql_prefix"]
    args = getResolvedOptions(argv, required)
    for optional in ["raw_keys", "raw_keys_manifest", "lake_prefix", "server_side_encryption", "kms_key_id"]:
        flag = "--" + optional
        args[optional] = argv[argv.index(flag) + 1] if flag in argv and argv.index(flag) + 1 < len(argv) else None
    return args


def main():
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from pyspark.context import SparkContext
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    args = resolve_arguments(sys.argv)
    sc = SparkContext.getOrCreate()
    glue = GlueContext(sc)
    spark = glue.spark_session
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    s3 = boto3.client("s3")

    seq = int(args["batch_seq"])
    raw_bucket, raw_prefix = args["raw_bucket"], args["raw_prefix"]
    lake_bucket, lake_prefix = args["lake_bucket"], args["lake_prefix"] or ""
    lake_uri = "s3://%s/%s" % (lake_bucket, lake_prefix)
    job_folder = args["output_key"].rsplit("/", 1)[0] + "/"
    staging_uri = lake_uri + job_folder + "staging/"
    steps = {}

    def lake_get(key):
        return s3.get_object(Bucket=lake_bucket, Key=lake_prefix + key)["Body"].read()

    # Every write carries the worker's encryption setting, as the worker's own writes do.
    encryption = {"ServerSideEncryption": args["server_side_encryption"] or "AES256"}
    if args["kms_key_id"]:
        encryption["SSEKMSKeyId"] = args["kms_key_id"]

    def lake_put(key, body):
        s3.put_object(Bucket=lake_bucket, Key=lake_prefix + key, Body=body, **encryption)

    def copy_to_lake(source_key, key):
        """Copies a staged Spark output file to its final unique key; returns its size."""
        s3.copy_object(Bucket=lake_bucket, Key=lake_prefix + key, CopySource={"Bucket": lake_bucket, "Key": source_key}, **encryption)
        return s3.head_object(Bucket=lake_bucket, Key=lake_prefix + key)["ContentLength"]

    def staged_parquet(folder_uri):
        bucket, prefix = split_s3(folder_uri)
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", []) if o["Key"].endswith(".parquet")]
        return keys

    def sql(name):
        bucket, key = split_s3(args["sql_prefix"].rstrip("/") + "/" + name + ".sql")
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")

    # The batch: raw keys in ordinal order, and the committed state before it.
    if args["raw_keys"]:
        keys = json.loads(args["raw_keys"])
    else:
        keys = json.loads(lake_get(args["raw_keys_manifest"]))["raw_keys"]
    committed = json.loads(lake_get(args["committed_state"]))
    committed_files = committed["files"]

    # Stage every raw file (structural checks), as RawFileStager does.
    clock = time.time()
    results = {}
    quarantine = []
    inputs = {e: [] for e in ENTITIES}
    batch_files = []
    for ordinal, key in enumerate(keys, start=1):
        entity = entity_of(raw_prefix, key)
        batch_files.append((ordinal, key, seq))
        data = s3.get_object(Bucket=raw_bucket, Key=key)["Body"].read()
        try:
            rows_read, staged, rejects = stage_records(data, key.lower().endswith(".gz"), entity)
        except FileRefused as e:
            results[key] = {"key": key, "rows_read": 0, "rows_rejected": 0, "outcome": "quarantined", "reason": e.reason}
            quarantine.append((entity, key, None, e.reason, None, seq))
            continue
        results[key] = {"key": key, "rows_read": rows_read, "rows_rejected": len(rejects), "outcome": "processed", "reason": None}
        quarantine += [(entity, key, line, reason, raw, seq) for line, _, reason, raw in rejects]
        staged_key = "%sstage/%s/%d.csv" % (job_folder, entity, ordinal)
        lake_put(staged_key, normalized_csv(ordinal, entity, staged))
        inputs[entity].append((ordinal, key, lake_uri + staged_key))
    steps["stage"] = time.time() - clock

    clock = time.time()
    spark.createDataFrame(batch_files, "_file_ord INT, _source_key STRING, _batch BIGINT").createOrReplaceTempView("batch_files")
    added = []
    for entity in ENTITIES:
        columns = LINEAGE_COLUMNS + REQUIRED_COLUMNS[entity]
        schema = T.StructType([T.StructField(c, T.IntegerType() if c == "_file_ord" else T.LongType() if c in ("_line", "_row") else T.StringType())
                               for c in columns])
        paths = [uri for _, _, uri in inputs[entity]]
        raw_df = (spark.read.csv(paths, schema=schema, header=True, multiLine=True, quote='"', escape='"', mode="FAILFAST")
                  if paths else spark.createDataFrame([], schema))
        raw_df.createOrReplaceTempView("raw_" + entity)
        checked = spark.sql(sql("validate_" + entity)).cache()
        checked.createOrReplaceTempView("checked_" + entity)
        batch = checked.where(F.col("_reject_reason").isNull()).drop("_reject_reason")
        batch.createOrReplaceTempView("batch_" + entity)
        rows = batch.count()
        if rows > 0:
            folder = staging_uri + "silver_" + entity + "/"
            batch.coalesce(1).write.mode("overwrite").parquet(folder)
            key = "silver/%s/batch=%d/part-%s.parquet" % (entity, seq, uuid.uuid4().hex)
            size = copy_to_lake(staged_parquet(folder)[0], key)
            added.append({"key": key, "table": "silver_" + entity, "rows": rows, "bytes": size})
        silver = [lake_uri + f["key"] for f in committed_files if f["table"] == "silver_" + entity]
        view = batch if not silver else spark.read.option("mergeSchema", "true").parquet(*silver).unionByName(batch, allowMissingColumns=True)
        view.createOrReplaceTempView("silver_" + entity)

        # Rows the SQL rejected: their raw text is read again from the raw file, as C# does.
        sql_rejects = checked.where(F.col("_reject_reason").isNotNull()).select("_file_ord", "_row", "_reject_reason").collect()
        by_file = {}
        for r in sql_rejects:
            by_file.setdefault(r["_file_ord"], {})[r["_row"]] = r["_reject_reason"]
        for ordinal, reasons in by_file.items():
            key = keys[ordinal - 1]
            records = {}
            row = 0
            data = s3.get_object(Bucket=raw_bucket, Key=key)["Body"].read()
            for line, fields, raw, _ in list(read_records(data, key.lower().endswith(".gz")))[1:]:
                row += 1
                if row in reasons:
                    records[row] = (line, raw)
            for row, reason in sorted(reasons.items()):
                quarantine.append((entity, key, records[row][0], reason, records[row][1], seq))
            results[key]["rows_rejected"] += len(reasons)
    steps["validate"] = time.time() - clock

    # Gold: the affected tracks, their rows from the latest state, and the complete new content of each affected partition.
    clock = time.time()
    # gold_current comes first: gold_affected_tracks treats every track as affected while no gold is committed.
    gold = [f for f in committed_files if f["table"] == "spotify_tracks"]
    if gold:
        (spark.read.option("basePath", lake_uri + GOLD_PREFIX).option("mergeSchema", "true")
         .parquet(*[lake_uri + f["key"] for f in gold]).createOrReplaceTempView("gold_current"))
    else:
        spark.createDataFrame([], GOLD_SCHEMA).createOrReplaceTempView("gold_current")
    spark.sql(sql("gold_affected_tracks")).cache().createOrReplaceTempView("affected_tracks")
    spark.sql(sql("gold_delta")).cache().createOrReplaceTempView("gold_delta")
    spark.sql(sql("gold_affected_partitions")).cache().createOrReplaceTempView("affected_partitions")
    partitions = sorted(r["release_year"] for r in spark.table("affected_partitions").collect())
    superseded = []
    gold_rows_written = 0
    if partitions:
        rewrite = spark.sql(sql("gold_rewrite"))
        counts = {r["release_year"]: r["count"] for r in rewrite.groupBy("release_year").count().collect()}
        folder = staging_uri + "gold/"
        rewrite.repartition("release_year").write.mode("overwrite").partitionBy("release_year").parquet(folder)
        for staged_key in staged_parquet(folder):
            year = int(staged_key.split("release_year=")[1].split("/")[0])
            key = "%srelease_year=%d/part-%s.parquet" % (GOLD_PREFIX, year, uuid.uuid4().hex)
            size = copy_to_lake(staged_key, key)
            added.append({"key": key, "table": "spotify_tracks", "rows": counts[year], "bytes": size, "release_year": year})
        written = sum(f["rows"] for f in added if f["table"] == "spotify_tracks")
        if written != sum(counts.values()):
            raise RuntimeError("gold staging of batch %d holds %d rows, expected %d" % (seq, written, sum(counts.values())))
        superseded = [f["key"] for f in gold if f.get("release_year") in partitions]
        gold_rows_written = spark.table("gold_delta").count()
    steps["gold"] = time.time() - clock

    clock = time.time()
    schema = "entity STRING, source_key STRING, line BIGINT, reason STRING, raw_line STRING, batch BIGINT"
    for entity in ENTITIES:
        rows = sorted((q for q in quarantine if q[0] == entity), key=lambda q: (q[1], q[2] or 0))
        if not rows:
            continue
        folder = staging_uri + "quarantine_" + entity + "/"
        spark.createDataFrame(rows, schema).coalesce(1).write.mode("overwrite").parquet(folder)
        key = "quarantine/%s/batch=%d/part-%s.parquet" % (entity, seq, uuid.uuid4().hex)
        size = copy_to_lake(staged_parquet(folder)[0], key)
        added.append({"key": key, "table": "quarantine", "rows": len(rows), "bytes": size})
    steps["quarantine"] = time.time() - clock

    result = {
        "batch_seq": seq,
        "files": [results[k] for k in keys],
        "added": added,
        "superseded": superseded,
        "gold_rows_written": gold_rows_written,
        "partitions_rewritten": partitions,
        "step_seconds": steps,
    }
    lake_put(args["output_key"], json.dumps(result, indent=2).encode("utf-8"))

    # The staged copies of the raw files and Spark's staging output are as large as the batch: remove them now
    # (the final files were copied out). The small documents stay until the worker has committed this batch.
    for folder in ("stage/", "staging/"):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=lake_bucket, Prefix=lake_prefix + job_folder + folder):
            keys_to_delete = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys_to_delete:
                s3.delete_objects(Bucket=lake_bucket, Delete={"Objects": keys_to_delete, "Quiet": True})
    job.commit()


if __name__ == "__main__":
    main()
