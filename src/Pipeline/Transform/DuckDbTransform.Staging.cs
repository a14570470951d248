using System.Diagnostics;
using System.Globalization;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform.Csv;

namespace SpotifyWorker.Pipeline.Transform;

public sealed partial class DuckDbTransform
{
    /// <summary>
    /// The raw files of one batch being staged, smallest first, at most <c>threads</c> at a time. SQL validation of an
    /// entity starts as soon as that entity's files are staged, not when all are: a batch's albums file is several times
    /// the size of the others, and while one thread stages it the other core validates artists and tracks.
    /// </summary>
    private sealed class StagingRun
    {
        private readonly Dictionary<BatchFile, Task<StagedInput>> _files;
        private readonly CancellationTokenSource _cancel;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private double _lastDone;

        public StagingRun(IObjectStore raw, int threads, IRunProgress progress, BatchWork work, string workDir, CancellationToken cancellationToken)
        {
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var gate = new SemaphoreSlim(threads);
            _files = work.Files.OrderBy(f => f.Size).ThenBy(f => f.Ordinal)
                .ToDictionary(f => f, f => StageOneAsync(raw, progress, f, workDir, gate, _cancel.Token));
        }

        /// <summary>Seconds from the start until the last file was staged.</summary>
        public double Seconds => _lastDone;

        /// <summary>Entities in the order their files finish staging: by their total raw size, smallest first.</summary>
        public IReadOnlyList<Entity> ValidationOrder(BatchWork work) =>
            [.. Entities.All.OrderBy(e => work.Files.Where(f => f.Entity == e).Sum(f => f.Size)).ThenBy(e => (int)e)];

        public async Task<IReadOnlyList<KeyValuePair<BatchFile, StagedInput>>> OfAsync(Entity entity)
        {
            var staged = new List<KeyValuePair<BatchFile, StagedInput>>();
            foreach (var (file, task) in _files.Where(f => f.Key.Entity == entity).OrderBy(f => f.Key.Ordinal))
            {
                staged.Add(new(file, await task.ConfigureAwait(false)));
            }
            return staged;
        }

        /// <summary>Every staged file; only once every entity was awaited through <see cref="OfAsync"/>.</summary>
        public IReadOnlyDictionary<BatchFile, StagedInput> All => _files.ToDictionary(f => f.Key, f => f.Value.Result);

        /// <summary>Stops staging that is still running and waits for it, so that its folder can be deleted.</summary>
        public async Task StopAsync()
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_files.Values).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Seen by whoever awaited the file; here only its end matters.
            }
            _cancel.Dispose();
        }

        private async Task<StagedInput> StageOneAsync(IObjectStore rawStore, IRunProgress progress, BatchFile file, string workDir, SemaphoreSlim gate, CancellationToken ct)
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // Off the caller's thread: Stage is synchronous, and the caller goes on to open DuckDB.
                return await Task.Run(async () =>
                {
                    var path = Path.Combine(workDir, "stage", file.Entity.Name(), file.Ordinal.ToString(CultureInfo.InvariantCulture) + ".csv");
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    StagedFile result;
                    await using (var raw = await rawStore.OpenReadAsync(file.Key, ct).ConfigureAwait(false))
                    await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    {
                        result = RawFileStager.Stage(raw, RawKeys.IsGzip(file.Key), file.Entity, file.Ordinal, output, ct);
                    }
                    if (result.FileError is not null) File.Delete(path);
                    progress.Advance(file.Size);
                    lock (_clock) _lastDone = Math.Max(_lastDone, _clock.Elapsed.TotalSeconds);
                    return new StagedInput(path, result);
                }, ct).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
