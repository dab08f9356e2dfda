using Grader.Queue;

namespace Grader.UnitTests.Queue;

/// <summary>The partitioned, leased queue hands out tasks in exactly FairQueue's order, and computes the
/// same positions without simulating, whatever the number of partitions.</summary>
public class PartitionedQueueTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Never = DateTimeOffset.MaxValue;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void KeepsFairQueuesOrderAndPositionsOnRandomOperationSequences(int partitions)
    {
        var random = new Random(1000 + partitions);
        for (var run = 0; run < 300; run++)
        {
            var users = Enumerable.Range(0, random.Next(1, 9)).Select(i => $"user-{run}-{i}").ToArray();
            var old = new FairQueue();
            var queue = new PartitionedQueue(partitions, new QueueClock(() => 0));
            var held = new List<QueueLease>();
            var next = 0;
            for (var op = 0; op < random.Next(1, 80); op++)
            {
                var roll = random.Next(20);
                if (roll < 9)
                {
                    // Sometimes a task that already waits or is leased again (a duplicate delivery).
                    var entry = roll == 0 && old.Count > 0 ? old.Entries[random.Next(old.Count)] : Entry(users[random.Next(users.Length)], next++);
                    Assert.Equal(old.Enqueue(entry), queue.Enqueue(entry));
                }
                else if (roll < 15)
                {
                    var expected = old.Dequeue();
                    var lease = queue.Dequeue("host", Never);
                    Assert.Equal(expected, lease?.Entry);
                    if (lease is not null)
                    {
                        held.Add(lease);
                    }
                }
                else if (roll < 18 && held.Count > 0)
                {
                    // Claims succeed in any order; a leased entry has already left the old queue.
                    var lease = held[random.Next(held.Count)];
                    held.Remove(lease);
                    Assert.True(queue.Confirm(lease.Id));
                    Assert.False(queue.Confirm(lease.Id));
                }
                else if (old.Count > 0)
                {
                    var victim = old.Entries[random.Next(old.Count)].TaskId;
                    Assert.Equal(old.Remove(victim), queue.Remove(victim));
                }

                Assert.Equal(old.Count, queue.Count);
                foreach (var entry in old.Entries)
                {
                    Assert.Equal(old.PositionOf(entry.TaskId), queue.PositionOf(entry.TaskId));
                }
            }

            held.ForEach(l => queue.Confirm(l.Id));
            while (old.Dequeue() is { } expected)
            {
                Assert.Equal(expected, queue.Dequeue("host", Never)!.Entry);
            }

            Assert.Null(queue.Dequeue("host", Never));
        }
    }

    [Fact]
    public void ReturnedLeaseGoesBackToItsOldPlaceAndUndoesTheTurn()
    {
        var queue = new PartitionedQueue(4, new QueueClock(() => 0));
        var a1 = Entry("alice", 1);
        var a2 = Entry("alice", 2);
        var b1 = Entry("bob", 3);
        queue.Enqueue(a1);
        queue.Enqueue(a2);
        queue.Enqueue(b1);

        var lease = queue.Dequeue("host", Never)!;
        Assert.Equal(a1, lease.Entry);
        Assert.Null(queue.PositionOf(a1.TaskId));
        Assert.True(queue.Return(lease.Id));

        // As if the dequeue never happened: alice is still owed the first turn.
        Assert.Equal(0, queue.PositionOf(a1.TaskId));
        Assert.Equal(1, queue.PositionOf(b1.TaskId));
        Assert.Equal(2, queue.PositionOf(a2.TaskId));
        Assert.False(queue.Confirm(lease.Id));
        Assert.Equal(a1, queue.Dequeue("host", Never)!.Entry);
    }

    [Fact]
    public void AShardIsStableAndInRange()
    {
        Assert.Equal(QueueShards.HashOf("alice"), QueueShards.HashOf(new string("alice".ToCharArray())));
        // Stored rows are re-sharded by this hash at load, so it must never change between releases.
        Assert.Equal(0x072213E7, QueueShards.HashOf("alice"));
        Assert.All(Enumerable.Range(0, 1000), i => Assert.InRange(QueueShards.PartitionOf("u" + i, 7), 0, 6));
    }

    [Fact]
    public void PickTakesTheBestHeadAndBoundsItByTheRunnerUp()
    {
        QueueHead?[] heads = [null, new QueueHead(5, 1), new QueueHead(0, 9), null, new QueueHead(0, 12)];

        Assert.Equal((2, (QueueHead?)new QueueHead(0, 12)), QueueShards.Pick(heads));
        Assert.Equal((1, (QueueHead?)null), QueueShards.Pick([null, new QueueHead(5, 1)]));
        Assert.Null(QueueShards.Pick([null, null]));
    }

    internal static QueueEntry Entry(string user, int n) =>
        new(new Guid(n, 0, 0, new byte[8]), user, Start.AddSeconds(n));
}
