using Grader.Cli.Staff;

namespace Grader.UnitTests.StaffCli;

public sealed class ProgressTests
{
    [Fact]
    public void EachPartIsAsWideAsItsShareAndTheBarKeepsItsWidth()
    {
        var line = ProgressBar.Render(new EvaluationCounts(Done: 5, Running: 2, Queued: 2, Failed: 1, Total: 10), width: 20);
        Assert.Equal("[##########xx>>>>....] 6/10  done 5 · running 2 · queued 2 · failed 1", line);
    }

    [Theory]
    [InlineData(1, 0, 0, 0, 1000)]
    [InlineData(998, 1, 1, 0, 1000)]
    [InlineData(0, 0, 0, 0, 0)]
    [InlineData(3, 3, 3, 3, 12)]
    [InlineData(1, 1, 1, 97, 100)]
    public void TheBarIsAlwaysItsWidthAndNoPartThatIsNotZeroVanishes(int done, int running, int queued, int failed, int total)
    {
        var counts = new EvaluationCounts(done, running, queued, failed, total);
        var bar = ProgressBar.Render(counts, width: 30).Split(']')[0][1..];
        Assert.Equal(30, bar.Length);
        Assert.Equal(done > 0, bar.Contains('#'));
        Assert.Equal(failed > 0, bar.Contains('x'));
        Assert.Equal(running > 0, bar.Contains('>'));
        Assert.Equal(queued > 0 || total == 0, bar.Contains('.'));
    }

    [Fact]
    public void AFinishedRunIsAllDoneOrFailed()
    {
        Assert.True(new EvaluationCounts(3, 0, 0, 1, 4).Finished);
        Assert.False(new EvaluationCounts(3, 1, 0, 0, 4).Finished);
        Assert.Equal("[########################xxxxxx] 4/4  done 4 · running 0 · queued 0 · failed 1".Length,
            ProgressBar.Render(new EvaluationCounts(4, 0, 0, 1, 4)).Length);
    }

    [Fact]
    public async Task EventsAreSplitAtBlankLinesAndCommentsSkipped()
    {
        const string stream = "event: task\ndata: {\"a\":1}\n\n: still here\n\nevent: queue\ndata: {\"position\":3}\n\ndata: one\ndata: two\n\n";
        var events = new List<ServerSentEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(new StringReader(stream), CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Equal([new("task", "{\"a\":1}"), new("queue", "{\"position\":3}"), new("message", "one\ntwo")], events);
    }

    [Fact]
    public void TheProtocolGivesEachStudentsStatusAndScoreWithQuotedFields()
    {
        const string csv = "user,image,group,task,status,message,score,max_score,s1\n"
            + "ann,r/app:correct,a,1b,Completed,,10,10,10\n"
            + "ben,r/app:wrong,a,2b,Completed,\"3 of 5 steps, \"\"close\"\"\nand more\",3.5,10,3.5 (mismatch)\n"
            + "cid,r/app:x,b,3b,Failed,pull failed,,10,not run\n";
        var lines = ProtocolSheet.Read(csv);
        Assert.Equal([
            new ProtocolLine("ann", GradingStatus.Completed, 10, 10),
            new ProtocolLine("ben", GradingStatus.Completed, 3.5m, 10),
            new ProtocolLine("cid", GradingStatus.Failed, 0, 10)], lines);
    }
}
