namespace SpotifyWorker.Pipeline.Tests; public class SmokeTests { [Xunit.Fact] public void Smoke_Always_Passes() => Xunit.Assert.True(true); }
