"""SpotifyWorker's Glue 5 job: one batch of raw Spotify CSV files -> silver, quarantine and gold Parquet files, or
one compaction of the live silver files into one base per entity.

The worker (GlueJobTransform) starts one run per batch (or compaction) and passes the work as arguments:

  --mode                             absent for a batch; "compact" for a compaction (then the raw arguments are absent)
  --batch_seq, --batch_fingerprint   the commit sequence number and a hash of the work (batch or compaction)
  --raw_bucket, --raw_prefix         where the raw files are; keys are <raw_prefix><entity>/... or Kaggle names (entity_of)
  --raw_keys                         JSON list of the batch's raw keys in ordinal order (later wins), or
  --raw_keys_manifest                a lake key of {"raw_keys": [...]} when the list is long
  --lake_bucket, --lake_prefix       the lake (--lake_prefix is absent when the lake is the bucket root)
  --committed_state                  lake key of {"seq": n, "files": [{key, table, rows, bytes, release_year, to_batch}]}:
                                     the worker's committed live files; the job reads these and never lists a
                                     data prefix (a listing would also see superseded and uncommitted files).
                                     For a compaction: exactly the silver files to compact.
  --output_key                       lake key where this job writes its result document
  --server_side_encryption           AES256 or aws:kms for every object written (default AES256), and
  --kms_key_id                       the KMS key for aws:kms (absent: the bucket's default key)
  --sql_prefix                       s3:// folder holding src/Pipeline/Transform/Sql/*.sql (the worker uploads
                                     the very files DuckDB runs, so both backends run the same SQL text)

Roles:
- executors stage the raw files, one Spark task per file (stage_partition): S3 stream -> gunzip (truncation is an
  error) -> UTF-8 -> CSV records -> the normalized CSV as a multipart upload, and the structural rejects as a file
  per raw file, with the same checks and the same bytes as the C# RawFileStager; only per-file counts return.
  Rows the SQL rejects are read again the same streaming way on the executors (read_back_partition).
- the driver (run_batch) coordinates: runs the shared SQL in the order of Transform/Sql/README.md, has Spark
  write silver, gold and quarantine to the job's staging folder, then publishes: it records the final keys in
  publishing.json, copies every file to its new unique key (gold last, with the managed multipart copy), deletes
  every copy when one fails, and writes output.json. Nothing is visible to the pipeline until the worker commits
  the result; Athena sees the gold copies from the publish on (see README, "Readers on Athena").
- in a compaction the driver (run_compaction) runs compact_<entity> over the silver files it was given, has Spark
  write one base per entity to staging, and publishes and reports the same way; it supersedes exactly the files
  it read.
The executor-side functions import nothing from Glue or Spark (boto3 only when a task makes its client), so they
are tested with plain python3 and a stand-in S3 client.
"""

import json
import operator
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
    "delta_albums",
    "delta_tracks",
    "gold_album_tracks",
    "gold_delta",
    "gold_affected_partitions",
    "gold_rewrite",
]

# A compaction runs these, one per entity, each over that entity's live silver files only.
COMPACT_STEPS = ["compact_" + e for e in ENTITIES]

COMPACT_MODE = "compact"

LINEAGE_COLUMNS = ["_file_ord", "_line", "_row"]

QUARANTINE_SCHEMA = "entity STRING, source_key STRING, line BIGINT, reason STRING, raw_line STRING, batch BIGINT"
GOLD_PREFIX = "gold/spotify_tracks/"

# Spark 3.5 refuses to write dates before 1582-10-15 by default (datetimeRebaseModeInWrite=EXCEPTION); the
# lake's dates are proleptic Gregorian, as DuckDB writes them, so nothing is rebased either way.
SPARK_SETTINGS = {
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInRead": "CORRECTED",
}

READ_CHUNK = 1 << 20      # bytes read from S3 (and inflated from gzip) at a time
PART_SIZE = 8 << 20       # multipart upload part size (S3's minimum is 5 MiB)


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


# ---- executor side: streaming a raw file into the normalized CSV (the port of Transform/Csv/RawFileStager.cs) ----

def body_chunks(body, size=READ_CHUNK):
    """The chunks of a file-like body (an S3 StreamingBody) until it ends."""
    while True:
        chunk = body.read(size)
        if not chunk:
            return
        yield chunk


def gunzip_chunks(chunks):
    """Inflates gzip (one or more members) chunk by chunk and refuses a truncated or corrupt stream, like
    VerifiedGzipStream: a short read must not drop the tail of a drop silently. An empty object is an empty file."""
    inflater = zlib.decompressobj(31)
    members, at_member_start, saw_data = 0, True, False
    for data in chunks:
        saw_data = saw_data or len(data) > 0
        while data:
            if inflater.eof:
                inflater, at_member_start = zlib.decompressobj(31), True
            try:
                out = inflater.decompress(data, READ_CHUNK)
            except zlib.error as e:
                raise FileRefused("bad_gzip: " + (
                    "corrupt gzip: %s" % e if not at_member_start
                    else "not gzip: the file does not start with a gzip header (%s); a plain CSV must not be named .gz" % e if members == 0
                    else "trailing garbage: the bytes after gzip member %d are not another gzip member (%s)" % (members, e)))
            at_member_start = False
            if inflater.eof:
                members += 1
                data = inflater.unused_data
            else:
                data = inflater.unconsumed_tail
            if out:
                yield out
    if saw_data and not inflater.eof:
        raise FileRefused("bad_gzip: truncated gzip: the stream ends inside a compressed member")


def _trim_cr(buf, start, end):
    return end - 1 if end > start and buf[end - 1] == 13 else end


def _parse_record(buf, p, eof):
    """CsvRecordReader.TryParseRecord over bytes: (fields, quoted, content_end, next, bad_quoting, unterminated),
    or None when the record runs past the buffer and more input is needed. Fields are raw bytes ("" still doubled)."""
    n = len(buf)
    fields, quoted = [], []
    bad = False
    while True:
        if p >= n:
            if not eof:
                return None
            fields.append(b"")
            quoted.append(False)
            return fields, quoted, p, p, bad, False
        if buf[p] == 34:
            q = p + 1
            while True:
                quote = buf.find(b'"', q)
                if quote < 0:
                    if not eof:
                        return None
                    fields.append(buf[p + 1:n])
                    quoted.append(True)
                    return fields, quoted, n, n, bad, True
                if quote + 1 >= n and not eof:
                    return None
                if quote + 1 < n and buf[quote + 1] == 34:
                    q = quote + 2
                    continue
                after = quote + 1
                if after >= n:
                    fields.append(buf[p + 1:quote])
                    quoted.append(True)
                    return fields, quoted, after, after, bad, False
                c = buf[after]
                if c == 44:
                    fields.append(buf[p + 1:quote])
                    quoted.append(True)
                    p = after + 1
                    break
                if c == 10:
                    fields.append(buf[p + 1:quote])
                    quoted.append(True)
                    return fields, quoted, after, after + 1, bad, False
                if c == 13 and after + 1 < n and buf[after + 1] == 10:
                    fields.append(buf[p + 1:quote])
                    quoted.append(True)
                    return fields, quoted, after, after + 2, bad, False
                if c == 13 and after + 1 >= n and not eof:
                    return None
                # Text after a closing quote: keep the whole field as it stands and flag the record.
                bad = True
                comma, newline = buf.find(b",", after), buf.find(b"\n", after)
                stop = min(i for i in (comma, newline, n) if i >= 0)
                if stop == n and not eof:
                    return None
                fields.append(buf[p:_trim_cr(buf, p, stop)])
                quoted.append(False)
                if stop >= n:
                    return fields, quoted, stop, stop, bad, False
                if buf[stop] == 44:
                    p = stop + 1
                    break
                return fields, quoted, _trim_cr(buf, p, stop), stop + 1, bad, False
            continue
        # An unquoted run: every field up to the next quote that opens a field (after a comma), split at once.
        newline = buf.find(b"\n", p)
        if newline < 0 and not eof:
            return None
        line_end = newline if newline >= 0 else n
        opening = buf.find(b',"', p, line_end)
        if opening < 0:
            end = _trim_cr(buf, p, line_end) if newline >= 0 else n
            run = buf[p:end].split(b",")
            fields += run
            quoted += [False] * len(run)
            return fields, quoted, end, newline + 1 if newline >= 0 else n, bad, False
        run = buf[p:opening].split(b",")
        fields += run
        quoted += [False] * len(run)
        p = opening + 1


def csv_records(chunks):
    """Yields (line, fields, quoted or None, record bytes, bad_quoting, unterminated) per record of a UTF-8 CSV
    byte stream, as CsvRecordReader splits it: records end at LF or CRLF, line is the physical line the record
    starts on, a leading BOM is skipped. Memory is the chunk plus the longest record. Lines without a quote take
    a fast path (split on commas); the rest are parsed field by field."""
    chunks = iter(chunks)
    buf, pos, eof, line = b"", 0, False, 1

    def more(buf, pos):
        # Grow geometrically, so a record longer than many chunks is not re-parsed once per chunk.
        rest, want, parts = buf[pos:], max(READ_CHUNK, len(buf) - pos), []
        got = 0
        for chunk in chunks:
            parts.append(chunk)
            got += len(chunk)
            if got >= want:
                return rest + b"".join(parts), False
        return rest + b"".join(parts), True

    while len(buf) < 3 and not eof:
        buf, eof = more(buf, 0)
    if buf.startswith(b"\xef\xbb\xbf"):
        pos = 3
    while True:
        if pos >= len(buf):
            if eof:
                return
            buf, eof = more(buf, pos)
            pos = 0
            continue
        newline = buf.find(b"\n", pos)
        if newline < 0 and not eof:
            buf, eof = more(buf, pos)
            pos = 0
            continue
        end = newline if newline >= 0 else len(buf)
        if buf.find(b'"', pos, end) < 0:
            record = buf[pos:_trim_cr(buf, pos, end) if newline >= 0 else end]
            yield line, record.split(b","), None, record, False, False
            line += 1
            pos = end + 1
            continue
        parsed = _parse_record(buf, pos, eof)
        if parsed is None:
            buf, eof = more(buf, pos)
            pos = 0
            continue
        fields, quoted, content_end, after, bad, unterminated = parsed
        record = buf[pos:content_end]
        yield line, fields, quoted, record, bad, unterminated
        line += 1 + record.count(b"\n")
        pos = after


def _invalid_utf8(record, line, error):
    offset = error.start
    line += record.count(b"\n", 0, offset)
    line_start = record.rfind(b"\n", 0, offset) + 1
    return FileRefused(
        "invalid_utf8: byte 0x%02X on line %d, byte %d of the line, is not valid UTF-8 "
        "(the file must be UTF-8; Latin-1 or UTF-16 exports are not supported)" % (record[offset], line, offset - line_start + 1))


def _header(entity, line, fields, quoted):
    """Where each required column sits in the header; raises FileRefused like ColumnMap.Create."""
    required = REQUIRED_COLUMNS[entity]
    names, duplicates = {}, []
    for i, raw in enumerate(fields):
        name = raw.decode("utf-8")
        if quoted is not None and quoted[i]:
            name = name.replace('""', '"')
        name = name.strip()
        if name.lower() in names:
            duplicates.append(name)
        else:
            names[name.lower()] = i
    missing = [c for c in required if c not in names]
    if missing:
        found = ", ".join(f.decode("utf-8").strip() for f in fields[:20])
        found = found if len(found) <= 300 else found[:300] + "..."
        raise FileRefused("missing_columns: header on line %d lacks required %s column(s) %s; found: %s"
                          % (line, entity, ", ".join(missing), found))
    ambiguous = [d for d in duplicates if d.lower() in required]
    if ambiguous:
        raise FileRefused("duplicate_columns: header on line %d names %s more than once, so it is unclear which column to read"
                          % (line, ", ".join(ambiguous)))
    return len(fields), [names[c] for c in required]


def data_records(chunks, gzipped, entity):
    """(row, line, fields, quoted, record, problem) per data record of a raw file, as RawFileStager.ReadDataRecords
    reads it: every record must be UTF-8, blank lines are skipped, the first other record is the header. The
    problem is the structural reject reason, or None. Raises FileRefused for a file that is not its entity."""
    header, row = None, 0
    for line, fields, quoted, record, bad, unterminated in csv_records(gunzip_chunks(chunks) if gzipped else chunks):
        try:
            record.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _invalid_utf8(record, line, e)
        if not record and len(fields) == 1 and (quoted is None or not quoted[0]):
            continue
        if header is None:
            header = _header(entity, line, fields, quoted)
            continue
        row += 1
        count = header[0]
        problem = (
            "bad_quoting: a quoted field opened on line %d or after is never closed" % line if unterminated
            else "bad_quoting: a quoted field is followed by text before the next comma" if bad
            else "field_count: expected %d fields as in the header, found %d" % (count, len(fields)) if len(fields) != count
            else None)
        yield row, line, fields, quoted, record, problem, header[1]


def _quote(field):
    return b'"' + field.replace(b'"', b'""') + b'"'


def stage_stream(chunks, gzipped, entity, ordinal, out, rejects):
    """RawFileStager.Stage, streaming: writes the normalized CSV (byte for byte what C# writes) to out.write and
    one JSON line {line, row, reason, raw_line} per structural reject to rejects.write.
    Returns (rows_read, rows_staged, rows_rejected); raises FileRefused for a file refused whole."""
    out.write((",".join(LINEAGE_COLUMNS + REQUIRED_COLUMNS[entity]) + "\n").encode("utf-8"))
    prefix = str(ordinal).encode("ascii") + b","
    rows_read = rows_staged = rows_rejected = 0
    pick = None
    pending, pending_bytes = [], 0
    for row, line, fields, quoted, record, problem, indexes in data_records(chunks, gzipped, entity):
        rows_read = row
        if problem is not None:
            rows_rejected += 1
            rejects.write(json.dumps({"line": line, "row": row, "reason": problem,
                                      "raw_line": record.decode("utf-8")}, ensure_ascii=False).encode("utf-8") + b"\n")
            continue
        if pick is None:
            pick = operator.itemgetter(*indexes)
        values = pick(fields)
        text = b",".join(values)
        if quoted is None and b"\r" not in record:
            pass  # no quote in the record: fields need no quoting unless they hold a carriage return
        elif quoted is not None and not any(pick(quoted)) and b'"' not in text and b"\r" not in text:
            pass
        else:
            text = b",".join(
                _quote_raw(v) if quoted is not None and quoted[i] else _quote(v) if b'"' in v or b"\r" in v else v
                for v, i in zip(values, indexes))
        pending.append(b"%s%d,%d,%s\n" % (prefix, line, row, text))
        pending_bytes += len(pending[-1])
        rows_staged += 1
        if pending_bytes >= READ_CHUNK:
            out.write(b"".join(pending))
            pending, pending_bytes = [], 0
    out.write(b"".join(pending))
    return rows_read, rows_staged, rows_rejected


def _quote_raw(field):
    # The inner bytes of a quoted field keep their "" escapes, so they are copied verbatim.
    return b'"' + field + b'"'


def raw_lines(chunks, gzipped, entity, rows):
    """Second pass for rows the SQL rejected (RawFileStager.ReadRecords): (row, line, raw text) of the wanted rows."""
    for row, line, _, _, record, _, _ in data_records(chunks, gzipped, entity):
        if row in rows:
            yield row, line, record.decode("utf-8")


class MultipartWriter:
    """Streams bytes to one S3 object in PART_SIZE parts; a small object is one put. Memory is one part."""

    def __init__(self, s3, bucket, key, extra, always=True):
        self.s3, self.bucket, self.key, self.extra, self.always = s3, bucket, key, extra, always
        self.parts, self.pending, self.pending_bytes, self.upload_id, self.written = [], [], 0, None, 0

    def write(self, data):
        if data:
            self.pending.append(data)
            self.pending_bytes += len(data)
            self.written += len(data)
            if self.pending_bytes >= PART_SIZE:
                self._upload_part()

    def _upload_part(self):
        body, self.pending, self.pending_bytes = b"".join(self.pending), [], 0
        if self.upload_id is None:
            self.upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key, **self.extra)["UploadId"]
        number = len(self.parts) + 1
        etag = self.s3.upload_part(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=body)["ETag"]
        self.parts.append({"ETag": etag, "PartNumber": number})

    def close(self):
        """Completes the object; False when nothing was written and the writer was not told to always write."""
        if self.upload_id is None:
            if self.written == 0 and not self.always:
                return False
            self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=b"".join(self.pending), **self.extra)
            return True
        if self.pending:
            self._upload_part()
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id,
                                          MultipartUpload={"Parts": self.parts})
        return True

    def abort(self):
        if self.upload_id is not None:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)
            self.upload_id = None


def staged_key(job_folder, entity, ordinal):
    return "%sstage/%s/%d.csv" % (job_folder, entity, ordinal)


def rejects_key(job_folder, ordinal):
    return "%sstage/rejects/%d.jsonl" % (job_folder, ordinal)


def stage_file(s3, job, ordinal, key):
    """One raw file, start to end on one executor: S3 -> (gunzip) -> records -> multipart normalized CSV and a
    rejects file. Returns only the file's counts and outcome (what the driver needs for output.json)."""
    entity = entity_of(job["raw_prefix"], key)
    result = {"ordinal": ordinal, "key": key, "entity": entity, "rows_read": 0, "rows_staged": 0, "rows_rejected": 0,
              "outcome": "processed", "reason": None, "staged_key": None, "rejects_key": None}
    lake, prefix, extra = job["lake_bucket"], job["lake_prefix"], job["encryption"]
    out = MultipartWriter(s3, lake, prefix + staged_key(job["job_folder"], entity, ordinal), extra)
    rejects = MultipartWriter(s3, lake, prefix + rejects_key(job["job_folder"], ordinal), extra, always=False)
    body = s3.get_object(Bucket=job["raw_bucket"], Key=key)["Body"]
    try:
        counts = stage_stream(body_chunks(body), key.lower().endswith(".gz"), entity, ordinal, out, rejects)
    except FileRefused as e:
        out.abort()
        rejects.abort()
        result.update(outcome="quarantined", reason=e.reason)
        return result
    except BaseException:
        out.abort()
        rejects.abort()
        raise
    finally:
        body.close()
    result.update(rows_read=counts[0], rows_staged=counts[1], rows_rejected=counts[2])
    if counts[1] > 0 and out.close():
        result["staged_key"] = staged_key(job["job_folder"], entity, ordinal)
    else:
        out.abort()
    if rejects.close():
        result["rejects_key"] = rejects_key(job["job_folder"], ordinal)
    return result


def read_back_file(s3, job, ordinal, key, reasons):
    """Quarantine rows for the rows of one raw file the SQL rejected, their raw text read again the streaming way."""
    entity = entity_of(job["raw_prefix"], key)
    body = s3.get_object(Bucket=job["raw_bucket"], Key=key)["Body"]
    try:
        for row, line, text in raw_lines(body_chunks(body), key.lower().endswith(".gz"), entity, reasons):
            yield entity, key, line, reasons[row], text, job["seq"]
    finally:
        body.close()


def _s3_client():
    import boto3
    return boto3.client("s3")


def stage_partition(job, items, s3=None):
    """mapPartitions body of the staging step: one task per raw file (the driver makes one partition per file)."""
    s3 = s3 or _s3_client()
    for ordinal, key in items:
        yield stage_file(s3, job, ordinal, key)


def read_back_partition(job, items, s3=None):
    """mapPartitions body of the read-back step: items are (ordinal, key, [(row, reason)]) of one raw file each."""
    s3 = s3 or _s3_client()
    for ordinal, key, rejected in items:
        yield from read_back_file(s3, job, ordinal, key, dict(rejected))


def split_s3(uri):
    bucket, _, key = uri[len("s3://"):].partition("/")
    return bucket, key


def optional_argument(argv, name):
    flag = "--" + name
    return argv[argv.index(flag) + 1] if flag in argv and argv.index(flag) + 1 < len(argv) else None


def required_arguments(mode):
    """The arguments a run of this mode cannot do without; a compaction reads no raw files."""
    common = ["JOB_NAME", "batch_seq", "batch_fingerprint", "lake_bucket", "committed_state", "output_key", "sql_prefix"]
    return common if mode == COMPACT_MODE else common + ["raw_bucket", "raw_prefix"]


def resolve_arguments(argv):
    """getResolvedOptions for the required arguments; the optional ones are read directly (Glue drops empty values)."""
    from awsglue.utils import getResolvedOptions
    mode = optional_argument(argv, "mode")
    if mode not in (None, COMPACT_MODE):
        raise ValueError("--mode %s is not a mode of this job (absent for a batch, or %s)" % (mode, COMPACT_MODE))
    args = getResolvedOptions(argv, required_arguments(mode))
    for optional in ["mode", "raw_keys", "raw_keys_manifest", "lake_prefix", "server_side_encryption", "kms_key_id"]:
        args[optional] = optional_argument(argv, optional)
    return args


class Lake:
    """The driver's view of the lake bucket: small documents, listings, managed copies and checked deletes."""

    def __init__(self, s3, bucket, prefix, encryption):
        self.s3, self.bucket, self.prefix, self.encryption = s3, bucket, prefix, encryption
        self.uri = "s3://%s/%s" % (bucket, prefix)

    def get(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()

    def put(self, key, body):
        self.s3.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=body, **self.encryption)

    def list(self, key_prefix):
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + key_prefix):
            keys += [o["Key"][len(self.prefix):] for o in page.get("Contents", [])]
        return keys

    def copy(self, source_key, key):
        """Copies a staged Spark output file to its final key with the managed transfer (multipart above 5 GB)."""
        self.s3.copy({"Bucket": self.bucket, "Key": self.prefix + source_key}, self.bucket, self.prefix + key, ExtraArgs=dict(self.encryption))
        return self.s3.head_object(Bucket=self.bucket, Key=self.prefix + key)["ContentLength"]

    def delete(self, keys):
        """Deletes lake keys, 1,000 a request; raises naming the keys S3 reports it could not delete."""
        failed = []
        for i in range(0, len(keys), 1000):
            response = self.s3.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": self.prefix + k} for k in keys[i:i + 1000]], "Quiet": True})
            failed += ["%s (%s: %s)" % (e.get("Key"), e.get("Code"), e.get("Message")) for e in response.get("Errors", [])]
        if failed:
            raise RuntimeError("could not delete %d object(s) in s3://%s: %s" % (len(failed), self.bucket, "; ".join(failed[:10])))


def parquet_files(lake, folder):
    return [k for k in lake.list(folder) if k.endswith(".parquet")]


def configure_spark(spark):
    for name, value in SPARK_SETTINGS.items():
        spark.conf.set(name, value)


def stage_on_executors(sc, job, keys):
    """Driver: one Spark task per raw file; only per-file counts come back."""
    items = list(enumerate(keys, start=1))
    if not items:
        return []
    results = sc.parallelize(items, len(items)).mapPartitions(lambda it: stage_partition(job, it)).collect()
    return sorted(results, key=lambda r: r["ordinal"])


def read_back_on_executors(sc, spark, job, keys, sql_rejects):
    """The quarantine rows of rows the SQL rejected: grouped by raw file, each file read again on one executor."""
    by_file = (sql_rejects.rdd.map(lambda r: (r["_file_ord"], (r["_row"], r["_reject_reason"])))
               .groupByKey().map(lambda kv: (kv[0], keys[kv[0] - 1], list(kv[1]))))
    rows = by_file.mapPartitions(lambda it: read_back_partition(job, it))
    return spark.createDataFrame(rows, QUARANTINE_SCHEMA)


def validate_entity(spark, lake, sql, entity, staged):
    """validate_<entity> over the entity's normalized CSVs; registers checked_/batch_<entity>."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    columns = LINEAGE_COLUMNS + REQUIRED_COLUMNS[entity]
    schema = T.StructType([T.StructField(c, T.IntegerType() if c == "_file_ord" else T.LongType() if c in ("_line", "_row") else T.StringType())
                           for c in columns])
    paths = [lake.uri + r["staged_key"] for r in staged]
    raw_df = (spark.read.csv(paths, schema=schema, header=True, multiLine=True, quote='"', escape='"', mode="FAILFAST")
              if paths else spark.createDataFrame([], schema))
    raw_df.createOrReplaceTempView("raw_" + entity)
    checked = spark.sql(sql("validate_" + entity)).cache()
    checked.createOrReplaceTempView("checked_" + entity)
    batch = checked.where(F.col("_reject_reason").isNull()).drop("_reject_reason")
    batch.createOrReplaceTempView("batch_" + entity)
    return checked, batch


def silver_files(files, entity):
    """The entity's silver files among those the worker passed (its committed live set: delta files and bases)."""
    return [f for f in files if f["table"] == "silver_" + entity]


def read_silver(spark, lake, files):
    """Exactly these silver files, by key: never a listing of silver/, which would also see the files a
    compaction superseded and the files of runs that were never committed."""
    return spark.read.option("mergeSchema", "true").parquet(*[lake.uri + f["key"] for f in files])


def register_silver(spark, lake, committed_files, entity, batch):
    silver = silver_files(committed_files, entity)
    view = batch if not silver else read_silver(spark, lake, silver).unionByName(batch, allowMissingColumns=True)
    view.createOrReplaceTempView("silver_" + entity)


def register_gold_current(spark, lake, gold):
    (spark.read.option("basePath", lake.uri + GOLD_PREFIX).option("mergeSchema", "true")
     .parquet(*[lake.uri + f["key"] for f in gold]).createOrReplaceTempView("gold_current"))


def write_one_file(df, lake, folder):
    """Writes a DataFrame as one Parquet file under the job's staging folder; returns its key."""
    df.coalesce(1).write.mode("overwrite").parquet(lake.uri + folder)
    return parquet_files(lake, folder)[0]


def quarantine_frame(spark, lake, job, results, read_back):
    """Every quarantine row of the batch: files refused whole, structural rejects (the rejects files the
    executors wrote) and the rows the SQL rejected."""
    from pyspark.sql import functions as F
    refused = [(r["entity"], r["key"], None, r["reason"], None, job["seq"]) for r in results if r["outcome"] == "quarantined"]
    frame = spark.createDataFrame(refused, QUARANTINE_SCHEMA).unionByName(read_back)
    with_rejects = [r for r in results if r["rejects_key"]]
    if with_rejects:
        files = spark.createDataFrame([(r["ordinal"], r["entity"], r["key"]) for r in with_rejects], "ord INT, entity STRING, source_key STRING")
        structural = (spark.read.schema("line BIGINT, row BIGINT, reason STRING, raw_line STRING")
                      .json([lake.uri + r["rejects_key"] for r in with_rejects])
                      .withColumn("ord", F.regexp_extract(F.input_file_name(), "/([0-9]+)[.]jsonl$", 1).cast("int"))
                      .join(F.broadcast(files), "ord")
                      .select("entity", "source_key", "line", "reason", "raw_line", F.lit(job["seq"]).cast("bigint").alias("batch")))
        frame = frame.unionByName(structural)
    return frame


def publish(lake, job_folder, staged):
    """Copies the staged Parquet files to their final keys, gold last, after recording the keys in publishing.json
    (so the worker can delete them when this run fails); deletes every copy when any copy fails."""
    lake.put(job_folder + "publishing.json", json.dumps({"keys": [f["key"] for _, f in staged]}).encode("utf-8"))
    ordered = sorted(staged, key=lambda s: s[1]["table"] == "spotify_tracks")
    copied, added = [], []
    try:
        for source, f in ordered:
            copied.append(f["key"])
            added.append(dict(f, bytes=lake.copy(source, f["key"])))
    except BaseException:
        discard(lake, copied)
        raise
    return added


def discard(lake, keys):
    try:
        lake.delete(keys)
    except Exception as e:  # the worker deletes what publishing.json names when it sees the run failed
        print("spotify_etl: could not delete the copies of a failed run: %s" % e, file=sys.stderr)


class Run:
    """What both modes share: the lake, the run's folder next to its output document, and the shared SQL."""

    def __init__(self, s3, args):
        self.seq = int(args["batch_seq"])
        self.encryption = {"ServerSideEncryption": args["server_side_encryption"] or "AES256"}
        if args["kms_key_id"]:
            self.encryption["SSEKMSKeyId"] = args["kms_key_id"]
        self.lake = Lake(s3, args["lake_bucket"], args["lake_prefix"] or "", self.encryption)
        self.output_key = args["output_key"]
        self.job_folder = self.output_key.rsplit("/", 1)[0] + "/"
        self.staging = self.job_folder + "staging/"
        self.s3 = s3
        self.sql_bucket, self.sql_folder = split_s3(args["sql_prefix"].rstrip("/") + "/")

    def sql(self, name):
        return self.s3.get_object(Bucket=self.sql_bucket, Key=self.sql_folder + name + ".sql")["Body"].read().decode("utf-8")

    def report(self, result):
        """Writes the result document of the published files, then removes the staging output (as large as the
        work); the small documents stay until the worker has committed. No document: the copies are deleted."""
        try:
            self.lake.put(self.output_key, json.dumps(result, indent=2).encode("utf-8"))
        except BaseException:
            discard(self.lake, [f["key"] for f in result["added"]])
            raise
        self.lake.delete(self.lake.list(self.job_folder + "stage/") + self.lake.list(self.staging))
        return result


def run_batch(sc, spark, s3, args):
    """The driver's coordination of one batch; returns the result document."""
    run = Run(s3, args)
    seq, lake, job_folder, staging, sql = run.seq, run.lake, run.job_folder, run.staging, run.sql
    job = {"seq": seq, "raw_bucket": args["raw_bucket"], "raw_prefix": args["raw_prefix"], "lake_bucket": lake.bucket,
           "lake_prefix": lake.prefix, "job_folder": job_folder, "encryption": run.encryption}

    keys = json.loads(args["raw_keys"]) if args["raw_keys"] else json.loads(lake.get(args["raw_keys_manifest"]))["raw_keys"]
    committed_files = json.loads(lake.get(args["committed_state"]))["files"]
    steps, clock = {}, time.time()

    results = stage_on_executors(sc, job, keys)
    steps["stage"], clock = time.time() - clock, time.time()

    spark.createDataFrame([(i, k, seq) for i, k in enumerate(keys, start=1)], "_file_ord INT, _source_key STRING, _batch BIGINT").createOrReplaceTempView("batch_files")
    from pyspark.sql import functions as F
    staged, read_back = [], spark.createDataFrame([], QUARANTINE_SCHEMA)
    for entity in ENTITIES:
        checked, batch = validate_entity(spark, lake, sql, entity, [r for r in results if r["entity"] == entity and r["staged_key"]])
        rows = batch.count()
        if rows > 0:
            source = write_one_file(batch, lake, staging + "silver_" + entity + "/")
            staged.append((source, {"key": "silver/%s/batch=%d/part-%s.parquet" % (entity, seq, uuid.uuid4().hex), "table": "silver_" + entity, "rows": rows}))
        register_silver(spark, lake, committed_files, entity, batch)
        rejected = checked.where(F.col("_reject_reason").isNotNull()).select("_file_ord", "_row", "_reject_reason")
        for r in rejected.groupBy("_file_ord").count().collect():
            results[r["_file_ord"] - 1]["rows_rejected"] += r["count"]
        read_back = read_back.unionByName(read_back_on_executors(sc, spark, job, keys, rejected))
    steps["validate"], clock = time.time() - clock, time.time()

    gold = [f for f in committed_files if f["table"] == "spotify_tracks"]
    if gold:
        register_gold_current(spark, lake, gold)
        spark.sql(sql("gold_affected_tracks")).cache().createOrReplaceTempView("affected_tracks")
        current = {"albums": "delta_albums", "tracks": "delta_tracks", "artists": "compact_artists"}
    else:
        # No gold yet: every track is affected, so gold_delta joins the current row of every key (Transform/Sql/README.md).
        current = {entity: "compact_" + entity for entity in ENTITIES}
    for entity, name in current.items():
        spark.sql(sql(name)).createOrReplaceTempView("current_" + entity)
    spark.sql(sql("gold_album_tracks")).createOrReplaceTempView("gold_album_tracks")
    spark.sql(sql("gold_delta")).cache().createOrReplaceTempView("gold_delta")
    if gold:
        spark.sql(sql("gold_affected_partitions")).cache().createOrReplaceTempView("affected_partitions")
        partitions = sorted(r["release_year"] for r in spark.table("affected_partitions").collect())
        rewrite = spark.sql(sql("gold_rewrite"))
    else:
        # gold_rewrite over no gold is gold_delta itself: it is the whole new gold table, written as it is.
        rewrite = spark.table("gold_delta")
        partitions = sorted(r["release_year"] for r in rewrite.select("release_year").distinct().collect())
    superseded, gold_rows_written = [], 0
    if partitions:
        counts = {r["release_year"]: r["count"] for r in rewrite.groupBy("release_year").count().collect()}
        rewrite.repartition("release_year").write.mode("overwrite").partitionBy("release_year").parquet(lake.uri + staging + "gold/")
        for source in parquet_files(lake, staging + "gold/"):
            year = int(source.split("release_year=")[1].split("/")[0])
            staged.append((source, {"key": "%srelease_year=%d/part-%s.parquet" % (GOLD_PREFIX, year, uuid.uuid4().hex),
                                    "table": "spotify_tracks", "rows": counts[year], "release_year": year}))
        written = sum(f["rows"] for _, f in staged if f["table"] == "spotify_tracks")
        if written != sum(counts.values()):
            raise RuntimeError("gold staging of batch %d holds %d rows, expected %d" % (seq, written, sum(counts.values())))
        superseded = [f["key"] for f in gold if f.get("release_year") in partitions]
        gold_rows_written = spark.table("gold_delta").count()
    steps["gold"], clock = time.time() - clock, time.time()

    quarantine = quarantine_frame(spark, lake, job, results, read_back).cache()
    for entity in ENTITIES:
        rows = quarantine.where(F.col("entity") == entity).orderBy("source_key", "line")
        count = rows.count()
        if count > 0:
            source = write_one_file(rows, lake, staging + "quarantine_" + entity + "/")
            staged.append((source, {"key": "quarantine/%s/batch=%d/part-%s.parquet" % (entity, seq, uuid.uuid4().hex), "table": "quarantine", "rows": count}))
    steps["quarantine"], clock = time.time() - clock, time.time()

    added = publish(lake, job_folder, staged)
    steps["publish"] = time.time() - clock
    result = {
        "batch_seq": seq,
        "files": [{"key": r["key"], "rows_read": r["rows_read"], "rows_rejected": r["rows_rejected"],
                   "outcome": r["outcome"], "reason": r["reason"]} for r in results],
        "added": added,
        "superseded": superseded,
        "gold_rows_written": gold_rows_written,
        "partitions_rewritten": partitions,
        "step_seconds": steps,
    }
    return run.report(result)


def compact_entity(spark, run, entity, inputs):
    """compact_<entity> over exactly the given silver files, written as one file to staging: (staged key, rows).
    The rows are counted from the written file's footer, so the window is computed once."""
    read_silver(spark, run.lake, inputs).createOrReplaceTempView("silver_" + entity)
    # One shuffle to one partition after the window, rather than coalesce(1) pulling the window into one task.
    source = write_one_file(spark.sql(run.sql("compact_" + entity)).repartition(1), run.lake, run.staging + "silver_" + entity + "/")
    return source, spark.read.parquet(run.lake.uri + source).count()


def run_compaction(spark, s3, args):
    """The driver's coordination of one compaction: one base per entity holding the current version of each key of
    the silver files the worker passed, which it supersedes, all of them and nothing else; returns the result."""
    run = Run(s3, args)
    files = json.loads(run.lake.get(args["committed_state"]))["files"]
    staged, superseded, steps, clock = [], [], {}, time.time()
    for entity in ENTITIES:
        inputs = silver_files(files, entity)
        if not inputs:
            continue
        source, rows = compact_entity(spark, run, entity, inputs)
        staged.append((source, {"key": "silver/%s/compact=%d/part-%s.parquet" % (entity, run.seq, uuid.uuid4().hex),
                                "table": "silver_" + entity, "rows": rows}))
        superseded += [f["key"] for f in inputs]
        steps["compact_" + entity], clock = time.time() - clock, time.time()
    added = publish(run.lake, run.job_folder, staged)
    steps["publish"] = time.time() - clock
    return run.report({
        "batch_seq": run.seq,
        "files": [],
        "added": added,
        "superseded": superseded,
        "gold_rows_written": 0,
        "partitions_rewritten": [],
        "step_seconds": steps,
    })


def main():
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from pyspark.context import SparkContext

    args = resolve_arguments(sys.argv)
    sc = SparkContext.getOrCreate()
    glue = GlueContext(sc)
    spark = glue.spark_session
    configure_spark(spark)
    # Job bookmarks are off (deploy/ecs/spotify-worker.yaml): they track only DynamicFrame sources, and the
    # manifest chooses the files. Job.init/commit remain for Glue's run bookkeeping.
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    if args["mode"] == COMPACT_MODE:
        run_compaction(spark, boto3.client("s3"), args)
    else:
        run_batch(sc, spark, boto3.client("s3"), args)
    job.commit()


if __name__ == "__main__":
    main()
