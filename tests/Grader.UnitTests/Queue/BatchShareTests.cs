using Grader.Queue;

namespace Grader.UnitTests.Queue;

/// <summary>Batch work (evaluations, rejudges) yields to interactive submissions by a share, and each lane
/// keeps FairQueue's rotation between users.</summary>
public class BatchShareTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void OnRandomSequencesBatchGetsItsShareWhenContestedAndEverythingOtherwiseAndEachLaneStaysFair(double shareValue)
    {
        var share = (decimal)shareValue;
        var random = new Random(7 + (int)(shareValue * 100));
        for (var run = 0; run < 200; run++)
        {
            var users = Enumerable.Range(0, random.Next(1, 6)).Select(i => $"u{run}-{i}").ToArray();
            var queue = new LanedQueue(random.Next(1, 5), share, new QueueClock(() => 0));
            var fair = new Dictionary<QueueLane, FairQueue> { [QueueLane.Interactive] = new(), [QueueLane.Batch] = new() };
            long contested = 0, batchWhenContested = 0;
            var next = 0;
            for (var op = 0; op < random.Next(1, 120); op++)
            {
                if (random.Next(2) == 0)
                {
                    var lane = random.Next(2) == 0 ? QueueLane.Interactive : QueueLane.Batch;
                    var entry = new QueueEntry(Guid.NewGuid(), users[random.Next(users.Length)], Start.AddSeconds(next++), lane);
                    fair[lane].Enqueue(entry);
                    Assert.True(queue.Enqueue(entry));
                    continue;
                }

                var both = fair[QueueLane.Interactive].Count > 0 && fair[QueueLane.Batch].Count > 0;
                var lease = queue.Dequeue("host", DateTimeOffset.MaxValue);
                if (fair[QueueLane.Interactive].Count + fair[QueueLane.Batch].Count == 0)
                {
                    Assert.Null(lease);
                    continue;
                }

                // Whatever waits is served: no dequeue comes back empty while either lane has work.
                Assert.NotNull(lease);
                var served = lease.Entry.Lane;
                Assert.Equal(fair[served].Dequeue(), lease.Entry);
                Assert.True(queue.Lane(served).Confirm(lease.Id));
                if (both)
                {
                    contested++;
                    batchWhenContested += served == QueueLane.Batch ? 1 : 0;
                    // At most the share, and not starved below it by more than one dequeue.
                    Assert.InRange(batchWhenContested, (long)Math.Floor(share * contested) - 1, (long)Math.Floor(share * contested));
                }
            }
        }
    }

    [Fact]
    public void AQuarterShareServesOneBatchTaskInFourWhileInteractiveWorkWaitsAndAllOfItAfter()
    {
        var queue = new LanedQueue(2, 0.25m, new QueueClock(() => 0));
        for (var i = 0; i < 12; i++)
        {
            queue.Enqueue(new QueueEntry(Guid.NewGuid(), $"student-{i}", Start, QueueLane.Interactive));
            queue.Enqueue(new QueueEntry(Guid.NewGuid(), $"class-{i}", Start, QueueLane.Batch));
        }

        var lanes = new List<QueueLane>();
        while (queue.Dequeue("host", DateTimeOffset.MaxValue) is { } lease)
        {
            lanes.Add(lease.Entry.Lane);
            queue.Lane(lease.Entry.Lane).Confirm(lease.Id);
        }

        // 12 interactive and 4 batch while both wait (16 dequeues), then the 8 batch tasks left.
        Assert.Equal([3, 7, 11, 15], lanes.Take(16).Select((l, i) => (l, i)).Where(x => x.l == QueueLane.Batch).Select(x => x.i));
        Assert.All(lanes.Skip(16), l => Assert.Equal(QueueLane.Batch, l));
        Assert.Equal(24, lanes.Count);
    }

    [Fact]
    public void ZeroShareNeverServesBatchWhileInteractiveWaitsButNeverIdles()
    {
        var share = new BatchShare(0m);
        Assert.Equal(QueueLane.Interactive, share.Next(interactiveWaits: true, batchWaits: true));
        Assert.Equal(QueueLane.Batch, share.Next(interactiveWaits: false, batchWaits: true));
        Assert.Null(share.Next(interactiveWaits: false, batchWaits: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchShare(1.5m));
    }

    [Theory]
    [InlineData("evaluation", QueueLane.Batch)]
    [InlineData("rejudge", QueueLane.Batch)]
    [InlineData("form", QueueLane.Interactive)]
    [InlineData("api", QueueLane.Interactive)]
    [InlineData("dry-run", QueueLane.Interactive)]
    public void StaffBulkSourcesGoToTheBatchLane(string source, QueueLane lane) => Assert.Equal(lane, QueueLanes.For(source));
}
