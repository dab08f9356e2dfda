using Grader.Web.Charts;

namespace Grader.UnitTests.Web;

public sealed class ChartShapesTests
{
    [Fact]
    public void EveryDayOfTheWindowIsPresentWithZeroForDaysWithoutTasks()
    {
        var first = new DateOnly(2026, 11, 28);
        var days = ChartShapes.EveryDay([new DailyCount(new DateOnly(2026, 11, 29), 3), new DailyCount(new DateOnly(2026, 12, 1), 1)], first, new DateOnly(2026, 12, 1));

        Assert.Equal([first, first.AddDays(1), first.AddDays(2), first.AddDays(3)], days.Select(d => d.Day));
        Assert.Equal([0L, 3, 0, 1], days.Select(d => d.Tasks));
    }

    [Fact]
    public void VerdictSeriesFollowTheStatusOrderAndLineUpWithTheAssignments()
    {
        var chart = ChartShapes.Verdicts([("b", "Failed", 2), ("a", "Completed", 5), ("b", "Completed", 1), ("a", "Odd", 4)], ["Completed", "Failed"]);

        Assert.Equal(["a", "b"], chart.Assignments);
        Assert.Equal(["Completed", "Failed", "Odd"], chart.Series.Select(s => s.Status));
        Assert.Equal([5L, 1], chart.Series[0].Counts);
        Assert.Equal([0L, 2], chart.Series[1].Counts);
        Assert.Equal([4L, 0], chart.Series[2].Counts);
    }

    [Fact]
    public void TheMostFailedScenarioComesFirstAndTiesGoToMoreFailures()
    {
        var ordered = ChartShapes.MostFailedFirst([
            new ScenarioPassRate("a", "easy", 9, 10),
            new ScenarioPassRate("a", "half-small", 1, 2),
            new ScenarioPassRate("a", "half-big", 5, 10),
            new ScenarioPassRate("a", "never", 0, 3),
        ]);

        Assert.Equal(["never", "half-big", "half-small", "easy"], ordered.Select(s => s.ScenarioId));
    }

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(0.99, 10, 0)]
    [InlineData(1, 10, 1)]
    [InlineData(5, 10, 5)]
    [InlineData(9.99, 10, 9)]
    [InlineData(10, 10, 9)]
    [InlineData(3, 0, 0)]
    [InlineData(-1, 10, 0)]
    public void AScoreFallsInItsTenthAndAFullScoreInTheLast(double score, double max, int bucket) =>
        Assert.Equal(bucket, ChartShapes.BucketOf((decimal)score, (decimal)max));

    [Fact]
    public void TheScoreDistributionHasTenBucketsThatAddUpToTheTasks()
    {
        var buckets = ChartShapes.Buckets([(9, 2), (0, 1), (9, 1), (4, 5)]);

        Assert.Equal(10, buckets.Count);
        Assert.Equal((0, 10), (buckets[0].FromPercent, buckets[0].ToPercent));
        Assert.Equal((90, 100), (buckets[9].FromPercent, buckets[9].ToPercent));
        Assert.Equal([1L, 0, 0, 0, 5, 0, 0, 0, 0, 3], buckets.Select(b => b.Tasks));
    }

    [Theory]
    [InlineData(1, 360)]
    [InlineData(7, 2520)]
    [InlineData(365, 131400)]
    public void TheSlotsChartDrawsAtMostAboutTwoHundredFortyPointsPerHost(int days, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ChartShapes.SlotBin(days));

    [Fact]
    public void TheWindowStartsAtMidnightUtcSoItsDaysAreWhole()
    {
        var since = ChartFilter.Of(null, 3).Since(new DateTimeOffset(2026, 12, 1, 15, 30, 0, TimeSpan.FromHours(2)));

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), since);
        Assert.Equal(365, ChartFilter.Of(" ", 9999).Days);
        Assert.Null(ChartFilter.Of(" ", null).AssignmentId);
    }
}
