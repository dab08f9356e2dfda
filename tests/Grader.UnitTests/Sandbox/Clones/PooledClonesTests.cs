using Grader.Sandbox;
using Grader.Sandbox.Clones;

namespace Grader.UnitTests.Sandbox.Clones;

public class PooledClonesTests
{
    private static readonly CloneKey Key = new("a", "tpl", "public", new TemplateVersion(42, 7));

    private static PooledClone Clone(string name, CloneKey? key = null) => new(name, key ?? Key, 1, DateTimeOffset.UtcNow);

    [Fact]
    public void ConcurrentTakesNeverGetTheSameClone()
    {
        var pool = new PooledClones();
        for (var i = 0; i < 50; i++)
        {
            pool.Add(Clone($"c{i}"));
        }

        var taken = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 200, _ =>
        {
            if (pool.TryTake(Key) is { } c)
            {
                taken.Add(c.Name);
            }
        });

        Assert.Equal(50, taken.Count);
        Assert.Equal(50, taken.Distinct().Count());
        Assert.Equal((50L, 150L), pool.Claimed);
    }

    [Fact]
    public void AClonesNameIsHeldUntilTheClaimReleasesItThenNeverTakenAgain()
    {
        var pool = new PooledClones();
        pool.Add(Clone("c1"));

        var taken = pool.TryTake(Key);

        Assert.NotNull(taken);
        Assert.True(pool.Holds("c1"), "a sweep between the take and the rename must not drop it");
        pool.Release("c1");
        Assert.False(pool.Holds("c1"));
        Assert.Null(pool.TryTake(Key));
    }

    [Fact]
    public void AnotherTemplateVersionOrSchemaListIsAMiss()
    {
        var pool = new PooledClones();
        pool.Add(Clone("c1"));

        Assert.Null(pool.TryTake(Key with { Version = new TemplateVersion(42, 8) }));
        Assert.Null(pool.TryTake(Key with { Version = new TemplateVersion(43, 7) }));
        Assert.Null(pool.TryTake(Key with { Schemas = "public\napp" }));
        Assert.Null(pool.TryTake(Key with { Assignment = "b" }));
        Assert.Equal("c1", pool.TryTake(Key)?.Name);
    }

    [Fact]
    public void AWithdrawnCloneCannotBeTakenAndATakenOneCannotBeWithdrawn()
    {
        var pool = new PooledClones();
        pool.Add(Clone("c1"));
        pool.Add(Clone("c2"));

        Assert.True(pool.TryWithdraw("c1"));
        Assert.Equal("c2", pool.TryTake(Key)?.Name);
        Assert.False(pool.TryWithdraw("c2"));
        Assert.Null(pool.TryTake(Key));
    }

    [Fact]
    public void PoolNamesAreRecognisedAndNeverReadAsAnAttempt()
    {
        var name = SandboxNames.NewPoolName(SandboxNames.TagFor("host-1"));

        Assert.StartsWith(SandboxNames.PoolPrefixFor(SandboxNames.TagFor("host-1")), name, StringComparison.Ordinal);
        Assert.True(SandboxNames.IsPoolName(name));
        Assert.Null(SandboxNames.TryParse(name));
        Assert.False(name.StartsWith($"{SandboxNames.Prefix}{SandboxNames.TagFor("host-1")}_", StringComparison.Ordinal));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= 63);
        Assert.False(SandboxNames.IsPoolName(SandboxNames.For("host-1", Guid.NewGuid(), 1).Name));
    }

    [Fact]
    public void ClaimsArriveOncePerTaskWhateverTheOrderOfTheirEnds()
    {
        var pool = new PooledClones();
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.False(pool.ClaimsArriving);

        pool.Expect(first);
        pool.Expect(second);
        pool.Arrived(first);
        Assert.True(pool.ClaimsArriving);

        // The attempt's database step and the runner's end both report it; the second report is harmless.
        pool.Arrived(second);
        pool.Arrived(second);
        Assert.False(pool.ClaimsArriving);
    }
}
