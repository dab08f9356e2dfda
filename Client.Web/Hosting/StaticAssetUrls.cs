using Microsoft.AspNetCore.StaticAssets;

namespace Grader.Web.Hosting;

/// <summary>The fingerprinted address of a static file (<c>css/site.css</c> → <c>/css/site.o7sbavya4k.css</c>)
/// for pages written without Razor's tag helpers, such as the sign-in page. Fingerprinted addresses are
/// served with a year-long immutable cache; a file missing from the manifest falls back to its plain path.</summary>
public sealed class StaticAssetUrls(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _byPath = new(() => endpoints.Endpoints
        .Select(e => e.Metadata.GetMetadata<StaticAssetDescriptor>())
        .Where(d => d is not null && d.Properties.Any(p => p.Name == "fingerprint"))
        .Select(d => (Label: d!.Properties.FirstOrDefault(p => p.Name == "label")?.Value, d.Route))
        .Where(x => x.Label is not null)
        .DistinctBy(x => x.Label)
        .ToDictionary(x => x.Label!, x => "/" + x.Route));

    public string For(string path) => _byPath.Value.TryGetValue(path, out var url) ? url : "/" + path;
}
