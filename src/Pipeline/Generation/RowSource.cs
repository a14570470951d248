using SpotifyWorker.Pipeline.Transform;
using static SpotifyWorker.Pipeline.Generation.RowValues;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>One row of a drop's file; <see cref="StaleTwin"/>, when set, is written earlier in the same file.</summary>
internal readonly record struct SourceRow(string[] Fields, string[]? StaleTwin = null);

/// <summary>The rows of one entity, computed from the seed on demand.</summary>
internal interface IRowSource
{
    Entity Entity { get; }

    /// <summary>The rows of drop <paramref name="drop"/>'s file in file order: new keys and updated keys.</summary>
    IEnumerable<SourceRow> Drop(int drop);

    /// <summary>
    /// Up to <paramref name="count"/> keys delivered by <paramref name="drop"/>, as their latest version, or,
    /// when <paramref name="altered"/>, with a popularity that certainly differs from it (content for files
    /// that must be quarantined: if a reader took them in, the gold table would change).
    /// </summary>
    IEnumerable<string[]> Delivered(int drop, int count, bool altered);
}

/// <summary>
/// One row key in file order: the key that identifies the row, the key its versions are counted by (the
/// album for album rows, which are updated a whole album at a time), its arrival drop, and what it shares
/// with its neighbours (per enumeration, so concurrent files never share it).
/// </summary>
internal readonly record struct RowSlot<TGroup>(int RowKey, int VersionKey, int Arrival, TGroup Group);

/// <summary>
/// Which rows a drop's file carries, in one place for all entities: a key in the drop it arrives in, again
/// in each drop that updates it, sometimes preceded by a stale twin. The entities say only what their keys
/// are and how a version of a row looks.
/// </summary>
internal abstract class RowSource<TGroup>(ulong seed, DropSchedule schedule) : IRowSource
{
    public abstract Entity Entity { get; }

    protected DropSchedule Schedule => schedule;

    public IEnumerable<SourceRow> Drop(int drop)
    {
        foreach (var slot in Slots())
        {
            if (schedule.VersionIn(Entity, slot.VersionKey, slot.Arrival, drop) is not { } version) continue;
            var stale = schedule.HasStaleTwin(Entity, slot.RowKey, drop) ? Render(slot, version, StaleShift(seed, slot.RowKey, drop)) : null;
            yield return new SourceRow(Render(slot, version, 0), stale);
        }
    }

    public IEnumerable<string[]> Delivered(int drop, int count, bool altered)
    {
        foreach (var slot in Slots())
        {
            if (count == 0) yield break;
            if (slot.Arrival > drop) continue;
            count--;
            var version = schedule.VersionAt(Entity, slot.VersionKey, slot.Arrival, drop);
            yield return Render(slot, version, altered ? AlteredShift(seed, slot.RowKey) : 0);
        }
    }

    /// <summary>Every row key of the entity, in file order.</summary>
    protected abstract IEnumerable<RowSlot<TGroup>> Slots();

    /// <param name="version">0 for the row as first delivered, otherwise the drop of the update.</param>
    /// <param name="shift">0, or a popularity shift that makes the row certainly differ (<see cref="RowValues.Shifted"/>).</param>
    protected abstract string[] Render(RowSlot<TGroup> slot, int version, int shift);
}
