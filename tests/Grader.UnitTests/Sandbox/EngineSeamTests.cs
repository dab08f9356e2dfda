using Grader.Runners;
using Grader.UnitTests.Web;

namespace Grader.UnitTests.Sandbox;

/// <summary>The runner, the puller and the reconciler reach the container engine through ISandboxHost and
/// IImageCollector; only the Docker folder knows Docker.DotNet. Read from the compiled Grains assembly, so a
/// use in a lambda, a catch or a generic argument fails here as well as a using.</summary>
public class EngineSeamTests
{
    private const string DockerFolder = "Grader.Sandbox.Docker.";

    private static readonly IReadOnlySet<(string User, string Used)> References =
        AssemblyTypeReferences.Read(typeof(GradingServices).Assembly.Location);

    private static bool IsDockerClient(string used) => used.StartsWith("Docker.DotNet!", StringComparison.Ordinal);

    [Fact]
    public void OnlyTheDockerFolderUsesTheDockerClient()
    {
        var offenders = References
            .Where(p => IsDockerClient(p.Used) && !p.User.StartsWith(DockerFolder, StringComparison.Ordinal))
            .Select(p => $"{p.User} uses {p.Used}")
            .Order()
            .ToList();

        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }

    [Fact]
    public void TheReaderSeesTheDockerFoldersOwnUses()
    {
        // Without this, a reader that saw nothing would pass the test above.
        var engine = References.Where(p => p.User == DockerFolder + "DockerEngine").Select(p => p.Used).ToHashSet();
        var collector = References.Where(p => p.User == DockerFolder + "ImageCollector").Select(p => p.Used).ToHashSet();

        Assert.Contains("Docker.DotNet!Docker.DotNet.DockerApiException", engine);
        Assert.Contains("Docker.DotNet!Docker.DotNet.DockerClient", engine);
        Assert.Contains("Docker.DotNet!Docker.DotNet.Models.ImagesListParameters", collector);
    }
}
