using System.Reflection;

namespace Grader.Web.Queries;

/// <summary>The saved queries shipped in <c>Queries/Saved/*.sql</c> (embedded), read and checked once at
/// start: a query file with a bad header stops the web tier with the file's name, not a staff member's page.</summary>
public sealed class SavedQueryCatalog
{
    private const string ResourcePrefix = "Grader.Web.Queries.Saved.";

    public SavedQueryCatalog()
        : this(LoadEmbedded())
    {
    }

    public SavedQueryCatalog(IEnumerable<(string Name, string Text)> files)
    {
        All = files.Select(f => SavedQuery.Parse(f.Name, f.Text)).OrderBy(q => q.Title, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<SavedQuery> All { get; }

    public SavedQuery? Find(string name) => All.FirstOrDefault(q => string.Equals(q.Name, name, StringComparison.Ordinal));

    private static IEnumerable<(string, string)> LoadEmbedded()
    {
        var assembly = typeof(SavedQueryCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (resource[ResourcePrefix.Length..^".sql".Length], reader.ReadToEnd());
        }
    }
}
