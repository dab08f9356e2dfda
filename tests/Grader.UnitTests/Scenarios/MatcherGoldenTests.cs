namespace Grader.UnitTests.Scenarios;

/// <summary>Runs every case of <c>matcher-cases.json</c> and compares the mismatches exactly.</summary>
public class MatcherGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in MatcherCase.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatcherReportsExactlyTheGoldenMismatches(string name)
    {
        var c = MatcherCase.Named(name);

        Assert.Equal(c.Mismatches, c.Run());
    }

    [Fact]
    public void GoldenFileHasAtLeastFortyUniquelyNamedCases()
    {
        Assert.True(MatcherCase.All.Count >= 40, $"only {MatcherCase.All.Count} cases");
        Assert.Equal(MatcherCase.All.Count, MatcherCase.All.Select(c => c.Name).Distinct().Count());
    }
}
