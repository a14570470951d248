namespace SpotifyWorker.Pipeline.Query;

/// <summary>A view and the one statement that creates it (<c>CREATE OR REPLACE VIEW &lt;Name&gt; AS ...</c>).</summary>
public sealed record ViewDefinition(string Name, string Sql);
