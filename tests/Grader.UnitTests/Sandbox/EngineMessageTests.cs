using Grader.Sandbox;
using Grader.Sandbox.Docker;

namespace Grader.UnitTests.Sandbox;

/// <summary>The engine's words never reach a student: its text would tell open ports from closed ones.</summary>
public class EngineMessageTests
{
    private static readonly ImageReference Probe = ImageReference.Parse("127.0.0.1:22/x:y");

    [Theory]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": dial tcp 127.0.0.1:22: connect: connection refused")]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": net/http: TLS handshake timeout")]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": http: server gave HTTP response to HTTPS client")]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": EOF")]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": read tcp 127.0.0.1:40000->127.0.0.1:22: read: connection reset by peer")]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": dial tcp: lookup nowhere: no such host")]
    [InlineData("Get \"https://127.0.0.1:22/v2/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")]
    [InlineData("something the grader has never seen: SSH-2.0-OpenSSH_9.2p1")]
    public void EveryNetworkFailureReadsTheSameAndQuotesNothing(string engineMessage)
    {
        var message = DockerEngine.DescribePullFailure(Probe, engineMessage);

        Assert.Equal("The image 127.0.0.1:22/x:y could not be pulled: the registry 127.0.0.1:22 could not be reached or did not answer as a registry. Check the registry's name, or try again later.", message);
    }

    [Fact]
    public void AMissingTagIsNamedWithoutTheEngineText()
    {
        var message = DockerEngine.DescribePullFailure(ImageReference.Parse("ghcr.io/a/b:v9"), "manifest for ghcr.io/a/b:v9 not found: manifest unknown: manifest unknown");

        Assert.Equal("The tag 'v9' does not exist in ghcr.io/a/b. Push it, or check the tag you submitted.", message);
    }

    [Theory]
    [InlineData("OCI runtime create failed: container_linux.go:380: starting container process caused: exec: \"/app/server\": stat /app/server: no such file or directory: unknown", "'/app/server') does not exist")]
    [InlineData("OCI runtime create failed: container_linux.go:380: starting container process caused: exec: \"serve\": executable file not found in $PATH: unknown", "'serve') does not exist")]
    [InlineData("OCI runtime create failed: container_linux.go:380: starting container process caused: exec format error: unknown", "exec format error")]
    [InlineData("OCI runtime create failed: container_linux.go:380: starting container process caused: exec: \"/app/run.sh\": permission denied: unknown", "not executable")]
    public void AStartTheImageMadeImpossibleIsTheStudents(string engineMessage, string expected) =>
        Assert.Contains(expected, DockerEngine.StartRefusal(engineMessage));

    [Fact]
    public void ExecFormatErrorInTheAppsOwnLogNamesTheProgram() =>
        Assert.StartsWith("The image's entrypoint ('/app/not-a-program') is not a program this host can run", DockerEngine.ExecRefusal("exec /app/not-a-program: exec format error\n"));

    [Fact]
    public void ATracebackIsNotAnImageFault() =>
        Assert.Null(DockerEngine.ExecRefusal("Traceback (most recent call last):\n  FileNotFoundError: [Errno 2] No such file or directory: 'config.yml'\n"));

    [Fact]
    public void OurOwnStartFailuresStayOurs() =>
        Assert.Null(DockerEngine.StartRefusal("failed to create endpoint grader-x on network grader-students: address already in use"));
}
