using SpotifyWorker.Pipeline.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class PythonListTests
{
    [Theory]
    [InlineData(new string[0], "[]")]
    [InlineData(new[] { "dance pop", "pop" }, "['dance pop', 'pop']")]
    [InlineData(new[] { "Guns N' Roses" }, "[\"Guns N' Roses\"]")]
    [InlineData(new[] { "It's \"x\"" }, "['It\\'s \"x\"']")]
    [InlineData(new[] { "a\nb", "back\\slash" }, "['a\\nb', 'back\\\\slash']")]
    [InlineData(new[] { "Beyoncé", "米津玄師" }, "['Beyoncé', '米津玄師']")]
    public void Format_Items_MatchesPythonRepr(string[] items, string expected) =>
        Assert.Equal(expected, PythonList.Format(items));
}
