using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Costs;

/// <summary>
/// The estimated cost of the runs of a period, from the run history. Runs recorded before runs were priced and
/// local-backend runs are counted apart, so that the total never passes for more than it covers.
/// </summary>
public sealed record CostTotal(DateTimeOffset Since, int Runs, int PricedRuns, int LocalRuns, decimal EstimatedCostUsd, string? PriceRegion)
{
    public static CostTotal Of(DateTimeOffset since, IReadOnlyList<RunSummary> runs)
    {
        var priced = runs.Where(r => r.Cost?.Backend == RunCost.AwsBackend).ToList();
        return new CostTotal(
            since,
            runs.Count,
            priced.Count,
            runs.Count(r => r.Cost?.Backend == RunCost.LocalBackend),
            priced.Sum(r => r.Cost!.EstimatedCostUsd),
            priced.LastOrDefault()?.Cost!.PriceRegion);
    }

    public override string ToString()
    {
        var unpriced = Runs - PricedRuns - LocalRuns;
        var notes = new List<string>();
        if (LocalRuns > 0) notes.Add($"{LocalRuns} local-backend runs, not applicable");
        if (unpriced > 0) notes.Add($"{unpriced} runs recorded without a cost");
        var head = PricedRuns == 0
            ? $"no AWS runs since {Since:yyyy-MM-dd}"
            : $"${EstimatedCostUsd:F4} over {PricedRuns} AWS runs since {Since:yyyy-MM-dd} ({PriceRegion} prices)";
        return notes.Count == 0 ? head : $"{head}; {string.Join(", ", notes)}";
    }
}
