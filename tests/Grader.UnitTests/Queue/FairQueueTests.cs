using Grader.Queue;

namespace Grader.UnitTests.Queue;

public class FairQueueTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EmptyQueueDequeuesNothing()
    {
        var queue = new FairQueue();

        Assert.Null(queue.Dequeue());
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Turn);
    }

    [Fact]
    public void SingleUserTasksLeaveInSubmissionOrder()
    {
        var queue = new FairQueue();
        var tasks = Enumerable.Range(0, 5).Select(i => Entry("alice", i)).ToList();
        tasks.ForEach(t => queue.Enqueue(t));

        Assert.Equal(tasks, Drain(queue));
    }

    [Fact]
    public void UsersTakeTurns()
    {
        var queue = new FairQueue();
        var a1 = Entry("alice", 1);
        var a2 = Entry("alice", 2);
        var a3 = Entry("alice", 3);
        var b1 = Entry("bob", 4);
        var b2 = Entry("bob", 5);
        var c1 = Entry("carol", 6);
        foreach (var entry in new[] { a1, a2, a3, b1, b2, c1 })
        {
            queue.Enqueue(entry);
        }

        Assert.Equal([a1, b1, c1, a2, b2, a3], Drain(queue));
    }

    [Fact]
    public void UserWithTenTasksDoesNotBlockAnotherUsersSingleTask()
    {
        var queue = new FairQueue();
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(Entry("alice", i));
        }

        var bob = Entry("bob", 100);
        queue.Enqueue(bob);

        Assert.Equal(1, queue.PositionOf(bob.TaskId));
        Assert.Equal("alice", queue.Dequeue()!.UserId);
        Assert.Equal(bob, queue.Dequeue());
    }

    [Fact]
    public void UserServedRecentlyWaitsBehindNewcomer()
    {
        var queue = new FairQueue();
        queue.Enqueue(Entry("alice", 1));
        queue.Dequeue();
        var alice = Entry("alice", 2);
        var bob = Entry("bob", 3);
        queue.Enqueue(alice);
        queue.Enqueue(bob);

        Assert.Equal(bob, queue.Dequeue());
        Assert.Equal(alice, queue.Dequeue());
    }

    [Fact]
    public void DuplicateEnqueueOfTheSameTaskIsIgnored()
    {
        var queue = new FairQueue();
        var entry = Entry("alice", 1);

        Assert.True(queue.Enqueue(entry));
        Assert.False(queue.Enqueue(entry));
        Assert.False(queue.Enqueue(entry with { UserId = "mallory", EnqueuedAt = Start.AddHours(1) }));

        Assert.Equal([entry], queue.Entries);
    }

    [Fact]
    public void TaskCanBeEnqueuedAgainAfterItLeft()
    {
        var queue = new FairQueue();
        var entry = Entry("alice", 1);
        queue.Enqueue(entry);
        queue.Dequeue();

        Assert.True(queue.Enqueue(entry));
    }

    [Fact]
    public void RemoveTakesTheTaskOutAndReportsWhetherItWasThere()
    {
        var queue = new FairQueue();
        var a1 = Entry("alice", 1);
        var b1 = Entry("bob", 2);
        var a2 = Entry("alice", 3);
        queue.Enqueue(a1);
        queue.Enqueue(b1);
        queue.Enqueue(a2);

        Assert.True(queue.Remove(a1.TaskId));
        Assert.False(queue.Remove(a1.TaskId));
        Assert.False(queue.Remove(Guid.NewGuid()));
        Assert.Null(queue.PositionOf(a1.TaskId));
        // Neither user has been served, so the older waiting entry (bob's) goes first.
        Assert.Equal(1, queue.PositionOf(a2.TaskId));
        Assert.Equal([b1, a2], Drain(queue));
    }

    [Fact]
    public void RemoveDoesNotChangeTurnsAlreadyTaken()
    {
        var queue = new FairQueue();
        queue.Enqueue(Entry("alice", 1));
        queue.Dequeue();
        var a2 = Entry("alice", 2);
        queue.Enqueue(a2);
        queue.Remove(a2.TaskId);

        Assert.Equal(1, queue.Turn);
        Assert.Equal(1, queue.LastServed["alice"]);
    }

    [Fact]
    public void PositionOfUnknownTaskIsNull()
    {
        var queue = new FairQueue();
        queue.Enqueue(Entry("alice", 1));

        Assert.Null(queue.PositionOf(Guid.NewGuid()));
    }

    [Fact]
    public void PositionOfDoesNotChangeTheQueue()
    {
        var queue = new FairQueue();
        var a = Entry("alice", 1);
        var b = Entry("bob", 2);
        queue.Enqueue(a);
        queue.Enqueue(b);

        Assert.Equal(1, queue.PositionOf(b.TaskId));
        Assert.Equal(1, queue.PositionOf(b.TaskId));
        Assert.Equal(0, queue.Turn);
        Assert.Empty(queue.LastServed);
        Assert.Equal([a, b], queue.Entries);
    }

    [Fact]
    public void RestoredQueueContinuesTheSameRotation()
    {
        var original = new FairQueue();
        foreach (var entry in new[] { Entry("alice", 1), Entry("alice", 2), Entry("bob", 3), Entry("bob", 4), Entry("carol", 5) })
        {
            original.Enqueue(entry);
        }

        original.Dequeue();
        original.Dequeue();
        var restored = new FairQueue(original.Entries, original.LastServed, original.Turn);

        Assert.Equal(Drain(original), Drain(restored));
    }

    [Fact]
    public void PositionOfMatchesActualDequeueOrderForRandomHistories()
    {
        var random = new Random(20250101);
        var users = new[] { "u0", "u1", "u2", "u3", "u4" };
        for (var run = 0; run < 300; run++)
        {
            var queue = new FairQueue();
            var next = 0;
            var operations = random.Next(1, 40);
            for (var op = 0; op < operations; op++)
            {
                var roll = random.Next(10);
                if (roll < 6)
                {
                    queue.Enqueue(Entry(users[random.Next(users.Length)], next++));
                }
                else if (roll < 9)
                {
                    queue.Dequeue();
                }
                else if (queue.Count > 0)
                {
                    queue.Remove(queue.Entries[random.Next(queue.Count)].TaskId);
                }

                AssertPositionsPredictDequeues(queue);
            }

            var predicted = queue.Entries.ToDictionary(e => e.TaskId, e => queue.PositionOf(e.TaskId));
            var actual = Drain(queue).Select((e, i) => (e.TaskId, Position: (int?)i)).ToDictionary(x => x.TaskId, x => x.Position);
            Assert.Equal(predicted, actual);
        }
    }

    [Fact]
    public void NoUserIsServedTwiceWhileAnotherWaitingUserIsSkipped()
    {
        var random = new Random(7);
        for (var run = 0; run < 200; run++)
        {
            var queue = new FairQueue();
            var count = random.Next(1, 30);
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(Entry("u" + random.Next(4), i));
            }

            // Pretend some users were served before, in a random order.
            var servedBefore = random.Next(4);
            for (var i = 0; i < servedBefore; i++)
            {
                queue.Dequeue();
            }

            var lastServedAt = new Dictionary<string, int>();
            var step = 0;
            while (queue.Count > 0)
            {
                var waiting = queue.Entries.Select(e => e.UserId).ToHashSet();
                var entry = queue.Dequeue()!;
                if (lastServedAt.TryGetValue(entry.UserId, out var previous))
                {
                    // Everyone else who waited since this user's previous turn has been served since.
                    Assert.All(waiting.Where(u => u != entry.UserId), u =>
                        Assert.True(lastServedAt.TryGetValue(u, out var at) && at > previous, $"{entry.UserId} served again before {u} (run {run})"));
                }

                lastServedAt[entry.UserId] = step++;
            }
        }
    }

    [Fact]
    public void EachUsersTasksLeaveInArrivalOrderUnderRandomInterleaving()
    {
        var random = new Random(42);
        var queue = new FairQueue();
        var arrivals = new Dictionary<string, Queue<Guid>>();
        for (var i = 0; i < 2000; i++)
        {
            if (random.Next(3) < 2)
            {
                var entry = Entry("u" + random.Next(6), i);
                queue.Enqueue(entry);
                arrivals.TryAdd(entry.UserId, new Queue<Guid>());
                arrivals[entry.UserId].Enqueue(entry.TaskId);
            }
            else if (queue.Dequeue() is { } served)
            {
                Assert.Equal(arrivals[served.UserId].Dequeue(), served.TaskId);
            }
        }
    }

    private static void AssertPositionsPredictDequeues(FairQueue queue)
    {
        var clone = new FairQueue(queue.Entries, queue.LastServed, queue.Turn);
        var order = Drain(clone);
        for (var i = 0; i < order.Count; i++)
        {
            Assert.Equal(i, queue.PositionOf(order[i].TaskId));
        }
    }

    private static List<QueueEntry> Drain(FairQueue queue)
    {
        var result = new List<QueueEntry>();
        while (queue.Dequeue() is { } entry)
        {
            result.Add(entry);
        }

        return result;
    }

    private static QueueEntry Entry(string user, int n) =>
        new(new Guid(n, 0, 0, new byte[8]), user, Start.AddSeconds(n));
}
