using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.Deploy;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The gold table's types on AWS are the template's GoldTable (a crawler would infer release_year=yyyy as a string
/// partition): they must be LakeTable.Gold's, and the views must run on the schema the catalog returns for it.
/// </summary>
public sealed class GoldTableSchemaTests(MotoServer moto) : MotoTest(moto)
{
    private static JsonObject TableInput => CfnTemplate.Load().Properties("GoldTable")["TableInput"]!.AsObject();

    private static IEnumerable<(string Name, string Type)> ColumnsOf(JsonNode? columns) =>
        CfnTemplate.Many(columns).Select(c => (CfnTemplate.Str(c!["Name"])!, CfnTemplate.Str(c["Type"])!));

    private static string HiveType(string duckDb) => duckDb switch
    {
        "VARCHAR" => "string",
        "INTEGER" => "int",
        "BIGINT" => "bigint",
        "BOOLEAN" => "boolean",
        "DATE" => "date",
        "VARCHAR[]" => "array<string>",
        _ => throw new ArgumentException("no Hive type for " + duckDb, nameof(duckDb)),
    };

    private static string DuckDbType(string hive) => hive switch
    {
        "string" => "VARCHAR",
        "int" => "INTEGER",
        "bigint" => "BIGINT",
        "boolean" => "BOOLEAN",
        "date" => "DATE",
        "array<string>" => "VARCHAR[]",
        _ => throw new ArgumentException("no DuckDB type for " + hive, nameof(hive)),
    };

    [Fact]
    public void TemplateGoldTable_Types_AreLakeTableGoldsWithAnIntegerPartition()
    {
        var declared = LakeTable.Gold.Columns.Select(c => (c.Name, HiveType(c.Type))).ToList();
        var template = ColumnsOf(TableInput["StorageDescriptor"]?["Columns"]).Concat(ColumnsOf(TableInput["PartitionKeys"])).ToList();

        Assert.Equal(declared, template);
        Assert.Equal([("release_year", "int")], ColumnsOf(TableInput["PartitionKeys"]));
        Assert.Equal("LOG", CfnTemplate.Str(CfnTemplate.Load().Properties("GlueCrawler")["SchemaChangePolicy"]?["UpdateBehavior"]));
    }

    [Fact]
    public async Task Views_OnTheCatalogSchemaMotoReturns_RunOnDuckDb()
    {
        var storage = TableInput["StorageDescriptor"]!;
        await Aws.GlueAsync("CreateTable", new
        {
            DatabaseName = MotoAws.Database,
            TableInput = new
            {
                Name = CfnTemplate.Str(TableInput["Name"]),
                PartitionKeys = ColumnsOf(TableInput["PartitionKeys"]).Select(c => new { c.Name, c.Type }),
                StorageDescriptor = new { Columns = ColumnsOf(storage["Columns"]).Select(c => new { c.Name, c.Type }), Location = $"s3://{MotoAws.LakeBucket}/gold/spotify_tracks/" },
            },
        }, Ct);

        var table = (await Aws.Glue.GetTableAsync(new GetTableRequest { DatabaseName = MotoAws.Database, Name = "spotify_tracks" }, Ct)).Table;
        var columns = (table.StorageDescriptor?.Columns ?? []).Concat(table.PartitionKeys ?? []).Select(c => $"{c.Name} {DuckDbType(c.Type!)}");

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        Execute(db, $"CREATE TABLE spotify_tracks ({string.Join(", ", columns)})");
        Execute(db, "INSERT INTO spotify_tracks VALUES ('t1', 'Song', 1, 200000, 50, false, 'al1', 'Album', 'album', 'Label', 10, 40, DATE '1200-06-15', 'day', 'ar1', 'Ana', 60, 1000, ['pop'], 1200)");
        foreach (var view in AnalyticsViews.All)
        {
            Execute(db, view.Sql);
            using var command = db.CreateCommand();
            // Reading the view evaluates it over the row: a type the view does not expect fails here.
            command.CommandText = $"SELECT * FROM {view.Name}";
            using var reader = command.ExecuteReader();
            while (reader.Read()) _ = reader.GetValue(0);
        }
        Assert.Equal(7, AnalyticsViews.All.Count);
    }

    private static void Execute(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
