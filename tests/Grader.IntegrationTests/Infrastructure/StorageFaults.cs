using System.Collections.Concurrent;
using Orleans.Storage;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>A test-only fault seam in grain storage: it fails chosen writes of chosen grains once, as a
/// PostgreSQL restart does, and passes everything else to the real provider untouched.</summary>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<GrainId, int> _failAt = new();
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();
    private readonly ConcurrentBag<(GrainId Grain, int Write)> _injected = [];

    /// <summary>The writes that were failed, by grain and by the number of that grain's write.</summary>
    public IReadOnlyCollection<(GrainId Grain, int Write)> Injected => _injected;

    /// <summary>How many state writes of that grain were attempted since it was armed.</summary>
    public int WritesOf(GrainId grain) => _writes.GetValueOrDefault(grain);

    /// <summary>Fails the <paramref name="write"/>-th state write (1-based) of that grain, once; with
    /// <see cref="int.MaxValue"/> it only counts.</summary>
    public void FailWrite(GrainId grain, int write) => _failAt[grain] = write;

    internal void BeforeWrite(GrainId grain)
    {
        if (!_failAt.TryGetValue(grain, out var failAt))
        {
            return;
        }

        var count = _writes.AddOrUpdate(grain, 1, (_, n) => n + 1);
        if (count == failAt)
        {
            _injected.Add((grain, count));
            throw new TimeoutException($"Injected failure of write {count} of {grain}.");
        }
    }
}

public static class StorageFaultsExtensions
{
    /// <summary>Puts <see cref="StorageFaults"/> in front of the named storage provider. Call after the
    /// provider is registered.</summary>
    public static IServiceCollection AddStorageFaults(this IServiceCollection services, string provider)
    {
        var original = services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, provider));
        services.Remove(original);
        services.AddSingleton<StorageFaults>();
        services.AddKeyedSingleton<IGrainStorage>(provider, (sp, key) =>
            new FaultyGrainStorage((IGrainStorage)original.KeyedImplementationFactory!(sp, key), sp.GetRequiredService<StorageFaults>()));
        return services;
    }

    private sealed class FaultyGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            faults.BeforeWrite(grainId);
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

        public void Participate(ISiloLifecycle observer) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(observer);
    }
}
