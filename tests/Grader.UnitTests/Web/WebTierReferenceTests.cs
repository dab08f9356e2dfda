namespace Grader.UnitTests.Web;

/// <summary>The web compiles against Grains.Interfaces and ServiceDefaults; the grains implementation and
/// the silo are for embedded hosting alone, in one file. Read from the compiled assembly (Razor views and
/// lambdas included), so a new use anywhere else fails here.</summary>
public class WebTierReferenceTests
{
    private static readonly string[] Implementation = ["Grader.Grains", "Grader.Silo"];

    private const string Hosting = "Grader.Web.Hosting.GraderHosting";

    private static readonly IReadOnlySet<(string User, string Used)> References =
        AssemblyTypeReferences.Read(typeof(Program).Assembly.Location);

    private static bool IsImplementation(string used) => Implementation.Contains(used[..used.IndexOf('!')]);

    [Fact]
    public void OnlyTheEmbeddedHostingUsesImplementationTypes()
    {
        var offenders = References
            .Where(p => IsImplementation(p.Used) && p.User != Hosting)
            .Select(p => $"{p.User} uses {p.Used}")
            .Order()
            .ToList();

        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }

    [Fact]
    public void TheReaderSeesTheHostingFilesOwnUses()
    {
        // Without this, a reader that saw nothing would pass the test above.
        var hosting = References.Where(p => p.User == Hosting).Select(p => p.Used).ToHashSet();

        Assert.Contains("Grader.Silo!Grader.Silo.Hosting.GraderSiloExtensions", hosting);
        Assert.Contains("Grader.Grains!Grader.Runners.GradingServices", hosting);
        Assert.Contains("Grader.Silo!Grader.Silo.Storage.SchemaMigrator", hosting);
        Assert.Contains(References, p => p.User.StartsWith("AspNetCoreGeneratedDocument.", StringComparison.Ordinal)
            || p.User.Contains("Pages_", StringComparison.Ordinal));
    }
}
