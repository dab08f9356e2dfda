using Grader.Web.Tasks;

namespace Grader.UnitTests.Web;

public sealed class TaskPlaceIntervalTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(20)]
    public void ATaskNearTheFrontOrNotYetPlacedIsAskedEveryTwoSeconds(int? ahead) =>
        Assert.Equal(TimeSpan.FromSeconds(2), TaskWatchHub.PlaceInterval(ahead));

    [Fact]
    public void TheIntervalGrowsWithTheDistanceAndStopsAtThirtySeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), TaskWatchHub.PlaceInterval(100));
        Assert.Equal(TimeSpan.FromSeconds(30), TaskWatchHub.PlaceInterval(300));
        Assert.Equal(TimeSpan.FromSeconds(30), TaskWatchHub.PlaceInterval(10_000));
        var intervals = Enumerable.Range(0, 400).Select(n => TaskWatchHub.PlaceInterval(n)).ToList();
        Assert.Equal(intervals.Order(), intervals);
    }

    /// <summary>The point of the curve: 2,000 watched tasks waiting in line cost about a hundred place
    /// reads a second, not the thousand that one read every two seconds each would.</summary>
    [Fact]
    public void TwoThousandWaitingTasksCostFewerThanOneHundredTwentyReadsASecond()
    {
        var perSecond = Enumerable.Range(0, 2_000).Sum(n => 1 / TaskWatchHub.PlaceInterval(n).TotalSeconds);

        Assert.InRange(perSecond, 50, 120);
    }
}
