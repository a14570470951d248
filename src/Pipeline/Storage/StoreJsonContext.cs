using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// Compile-time JSON metadata for the lake's documents, so that a process does not build it by reflection. Every
/// run-once is a new process, and reflection made the runtime JIT-compile about 500 System.Text.Json methods (typed
/// property accessors and converters over these records, which the ReadyToRun image cannot hold) before its first
/// log entry and again for its run record. The options are <see cref="StoreJson.Options"/>'s, so the documents are
/// the same bytes; a type not listed here is still served by reflection (<see cref="StoreJson.Options"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(CommitEntry))]
[JsonSerializable(typeof(CommitLog.Checkpoint))]
[JsonSerializable(typeof(CommitLog.CheckpointPointer))]
[JsonSerializable(typeof(LakeFormat.Versioned))]
[JsonSerializable(typeof(LeaseDocument))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(PipelineRunner.RefreshMarker))]
[JsonSerializable(typeof(CatalogDocument))]
[JsonSerializable(typeof(GenerationReport))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;

/// <summary>
/// The same for the two documents written with the serializer's default options (<see cref="StoreJson.Plain"/>): the
/// ETag cache and the CloudWatch EMF line (one line, names as given).
/// </summary>
[JsonSerializable(typeof(ConcurrentDictionary<string, LocalETagCache.Entry>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, object>[]))]
[JsonSerializable(typeof(Dictionary<string, string>[]))]
[JsonSerializable(typeof(string[][]))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(string))]
internal sealed partial class PlainJsonContext : JsonSerializerContext;
