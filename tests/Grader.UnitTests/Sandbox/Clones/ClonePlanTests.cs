using Grader.Sandbox.Clones;

namespace Grader.UnitTests.Sandbox.Clones;

public class ClonePlanTests
{
    private const long Mb = ClonePlan.Megabyte;
    private static readonly PoolLimits Roomy = new(MaxPerAssignment: 2, MaxTotal: 4, BudgetBytes: 4096 * Mb);

    private static PoolDemand D(string id, int queued, long templateMb = 10, int held = 0, bool idle = false) =>
        new(id, queued, templateMb * Mb, held, held * templateMb * Mb, idle);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(50, 2)]
    public void AnAssignmentGetsAsManyAsItHasQueuedUpToItsCap(int queued, int expected) =>
        Assert.Equal(expected, ClonePlan.Targets([D("a", queued)], Roomy)["a"]);

    [Fact]
    public void ALongQueueDoesNotTakeTheWholePoolFromAShortOne()
    {
        var targets = ClonePlan.Targets([D("long", 100), D("short", 1), D("mid", 3)], new PoolLimits(3, 4, 4096 * Mb));

        // Round one gives each its first, round two the two that want more.
        Assert.Equal(1, targets["short"]);
        Assert.Equal(2, targets["long"]);
        Assert.Equal(1, targets["mid"]);
        Assert.Equal(4, targets.Values.Sum());
    }

    [Fact]
    public void TargetsStayWithinTheDiskBudgetAndATemplateLargerThanItIsNeverPooled()
    {
        var limits = new PoolLimits(4, 10, 1000 * Mb);
        var targets = ClonePlan.Targets([D("huge", 5, templateMb: 1500), D("big", 5, templateMb: 400), D("small", 5, templateMb: 100)], limits);

        Assert.Equal(0, targets["huge"]);
        Assert.True(targets["big"] * 400 + targets["small"] * 100 <= 1000, string.Join(",", targets));
        Assert.True(targets["big"] >= 1 && targets["small"] >= 1);
    }

    [Fact]
    public void NextClonesForTheAssignmentFurthestBelowItsTarget()
    {
        var action = ClonePlan.Next([D("a", 2, held: 1), D("b", 2, held: 0)], Roomy);

        Assert.Equal(new PoolAction(PoolActionKind.Clone, "b"), action);
    }

    [Fact]
    public void NextNeverClonesPastTheBudgetCountingWhatIsHeld()
    {
        var limits = new PoolLimits(2, 4, 250 * Mb);
        // Held: two clones of 100 MB (within target); one more 100 MB clone of b would make 300 MB.
        var action = ClonePlan.Next([D("a", 2, templateMb: 100, held: 2), D("b", 1, templateMb: 100)], limits);

        Assert.NotEqual(PoolActionKind.Clone, action.Kind);
    }

    [Fact]
    public void RepeatedStepsFromEmptyConvergeWithinEveryLimitAtEveryStep()
    {
        var limits = new PoolLimits(3, 5, 700 * Mb);
        var demands = new List<PoolDemand> { D("a", 10, templateMb: 200), D("b", 2, templateMb: 50), D("c", 1, templateMb: 300) };
        for (var step = 0; step < 20; step++)
        {
            var action = ClonePlan.Next(demands, limits);
            if (action.Kind == PoolActionKind.None)
            {
                break;
            }

            var i = demands.FindIndex(d => d.Assignment == action.Assignment);
            var d = demands[i];
            var change = action.Kind == PoolActionKind.Clone ? 1 : -1;
            demands[i] = d with { Held = d.Held + change, HeldBytes = d.HeldBytes + change * d.TemplateBytes };
            Assert.True(demands.Sum(x => x.HeldBytes) <= limits.BudgetBytes);
            Assert.True(demands.Sum(x => x.Held) <= limits.MaxTotal);
        }

        Assert.Equal(PoolActionKind.None, ClonePlan.Next(demands, limits).Kind);
        var targets = ClonePlan.Targets(demands, limits);
        Assert.All(demands, d => Assert.Equal(targets[d.Assignment], d.Held));
    }

    [Fact]
    public void SurplusOfABusyAssignmentIsKeptUntilItIsIdle()
    {
        // The queue shrank to one while two clones are ready: the next submission takes the spare.
        Assert.Equal(PoolActionKind.None, ClonePlan.Next([D("a", 1, held: 2)], Roomy).Kind);
        Assert.Equal(new PoolAction(PoolActionKind.Drop, "a"), ClonePlan.Next([D("a", 0, held: 2, idle: true)], Roomy));
    }

    [Fact]
    public void SurplusIsDroppedAtOnceWhenAnotherAssignmentIsShortAndThereIsNoRoom()
    {
        var limits = new PoolLimits(2, 2, 4096 * Mb);

        var action = ClonePlan.Next([D("old", 0, held: 2), D("new", 3)], limits);

        Assert.Equal(new PoolAction(PoolActionKind.Drop, "old"), action);
    }

    [Fact]
    public void AZeroCapMeansNoPool() =>
        Assert.Equal(PoolActionKind.None, ClonePlan.Next([D("a", 100)], new PoolLimits(0, 0, 4096 * Mb)).Kind);

    [Theory]
    [InlineData(1, CloneStrategy.WalLog)]
    [InlineData(64, CloneStrategy.WalLog)]
    [InlineData(65, CloneStrategy.FileCopy)]
    [InlineData(1024, CloneStrategy.FileCopy)]
    public void TemplatesAboveTheThresholdAreCopiedAsFiles(long templateMb, CloneStrategy expected) =>
        Assert.Equal(expected, ClonePlan.StrategyFor(templateMb * Mb, fileCopyAboveMb: 64));

    [Fact]
    public void StrategiesAreSpelledAsPostgresWantsThem()
    {
        Assert.Equal("WAL_LOG", ClonePlan.Sql(CloneStrategy.WalLog));
        Assert.Equal("FILE_COPY", ClonePlan.Sql(CloneStrategy.FileCopy));
    }
}
