using System.Collections.Concurrent;
using System.Diagnostics;
using Grader.Sandbox;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Grader.IntegrationTests.Hostile;

/// <summary>The whole hostile catalogue at once, more tasks than the runner has slots: each gets its
/// verdict, the grader stays ready throughout, and nothing is left over afterwards.</summary>
[Collection(HostileCollection.Name)]
public sealed class CatalogueTests(HostileFixture grader, ITestOutputHelper output)
{
    private const int Slots = 4; // GraderFixture's Docker:Slots

    [Fact]
    public async Task CatalogueWithEverySlotBusyGetsItsVerdictsLeavesNothingAndReadyzStaysUp()
    {
        var cases = HostileCatalogue.Cases;
        Assert.True(cases.Count > 2 * Slots, "the catalogue must keep every slot busy");
        foreach (var c in cases.Where(c => c.Shares is null))
        {
            // The demo's 10 s per request is a staff choice, not a sandbox limit; with every slot busy
            // on a loaded machine (load average 40 and more was seen) a correct app's first answer
            // has taken longer. Steps that prove a limit set their own timeouts.
            await grader.DemoAssignmentAsync(c.AssignmentId, a => (c.Assignment ?? (x => x))(a with { RequestTimeoutSeconds = 30 }));
        }

        // The flood case needs the stack's per-address cap in place (infra/stack.sh up restores it).
        var chain = LocalStack.Run("iptables", "-S", "GRADER-STUDENTS");
        Assert.True(chain.Contains("connlimit", StringComparison.Ordinal), $"the student firewall chain has no per-address cap:\n{chain}");
        var logBefore = HostileSupport.ServerLogLength();

        var running = new ConcurrentDictionary<Guid, bool>();
        var busiest = 0;
        void Track(TaskView v)
        {
            if (v.Status is GradingStatus.Queued || v.Status.IsTerminal())
            {
                running.TryRemove(v.Id, out _);
            }
            else
            {
                running[v.Id] = true;
            }

            InterlockedMax(ref busiest, running.Count);
        }

        grader.Transitions.Changed += Track;
        using var sampling = new CancellationTokenSource();
        var readyz = SampleReadyzAsync(sampling.Token);
        try
        {
            var ids = cases.Select(_ => Guid.NewGuid()).ToList();
            var finished = ids.Select(id => grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(10))).ToList();
            await Task.WhenAll(cases.Select((c, i) =>
                grader.Grains.GetGrain<ITaskGrain>(ids[i]).SubmitAsync(new TaskSpec($"catalogue-{c.Name}", c.AssignmentId, c.Image(grader), false))));
            var views = await Task.WhenAll(finished);

            var failures = new List<string>();
            foreach (var (c, view) in cases.Zip(views))
            {
                try
                {
                    c.Verdict(view);
                }
                catch (Exception e)
                {
                    failures.Add($"{c.Name}: {e.Message}");
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            grader.Transitions.Changed -= Track;
            await sampling.CancelAsync();
        }

        var samples = await readyz;
        Assert.Equal(Slots, busiest);
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.True(s.Ok, $"/readyz failed after {s.Elapsed.TotalMilliseconds:0} ms"));
        var p99 = samples.Select(s => s.Elapsed.TotalMilliseconds).Order().ElementAt((int)Math.Ceiling(samples.Count * 0.99) - 1);
        output.WriteLine($"/readyz: {samples.Count} samples during the catalogue, all 200, p99 {p99:0} ms; busiest: {busiest} of {Slots} slots");

        await grader.AssertNothingLeftAsync();
        Assert.Empty(SqlCheckHijackTests.HijackTraces(grader, logBefore));
        var limit = grader.Services.GetRequiredService<IOptions<ImageOptions>>().Value.MaxUncompressedBytes;
        var images = await grader.Docker().Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters { All = true });
        Assert.True(images.All(i => i.Size <= limit), string.Join(", ", images.Where(i => i.Size > limit).Select(i => $"{i.ID} {string.Join(' ', i.RepoTags ?? [])} {i.Size}")));
        // Images the pre-flight refused take no disk; those that failed only at start are kept like any pulled image.
        foreach (var refused in new[] { "layer-bomb", "no-cmd", "arm64" })
        {
            Assert.DoesNotContain(images, i => (i.RepoTags ?? []).Contains(grader.Hostile(refused)));
        }
    }

    private async Task<List<(bool Ok, TimeSpan Elapsed)>> SampleReadyzAsync(CancellationToken stop)
    {
        var samples = new List<(bool, TimeSpan)>();
        using var client = grader.AnonymousClient();
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.GetAsync("/readyz", CancellationToken.None);
                samples.Add((response.IsSuccessStatusCode, clock.Elapsed));
            }
            catch (HttpRequestException)
            {
                samples.Add((false, clock.Elapsed));
            }

            try
            {
                // A sampling interval, not a wait for a state.
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return samples;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
