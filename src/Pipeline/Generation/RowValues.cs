using System.Globalization;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>Values shared by the row sources.</summary>
internal static class RowValues
{
    private static readonly string[] SmallNumbers =
        [.. Enumerable.Range(0, 1001).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    public static string Text(long value) =>
        value is >= 0 and <= 1000 ? SmallNumbers[value] : value.ToString(CultureInfo.InvariantCulture);

    public static string Text(bool value) => value ? "true" : "false";

    public static int Popularity(int value) => Math.Clamp(value, 0, 100);

    /// <summary>1..100: shifting a popularity by it (mod 101) always changes it; 0 leaves it.</summary>
    public static int StaleShift(ulong seed, int rowKey, int drop) => 1 + Seeds.For(seed, Salt.StaleShift, rowKey, drop).Below(100);

    public static int AlteredShift(ulong seed, int rowKey) => 1 + Seeds.For(seed, Salt.Altered, rowKey).Below(100);

    public static int Shifted(int popularity, int shift) => (popularity + shift) % 101;

    /// <summary>
    /// An approximately normal draw (Irwin-Hall of four uniforms). Only +, * and sqrt, which IEEE 754 rounds
    /// exactly: Math.Exp, Log and Pow may differ in the last bit between platforms, and a seed must give the
    /// same bytes everywhere.
    /// </summary>
    public static double Normal(ref SplitMix64 rng) =>
        (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 2.0) * 1.7320508075688772;
}

/// <summary>Sub-streams of an entity's base generator, so that numbers can be drawn without the names.</summary>
internal static class Part
{
    public const int Text = 0;
    public const int Numbers = 1;
}
