using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Grader.Runners;
using Grader.Sandbox.Docker;
using Npgsql;

namespace Grader.UnitTests.Runners;

public class AttemptFaultsTests
{
    private static InfrastructureFault Classify(Exception e) => AttemptFaults.Classify(e, DockerEngine.IsServerError);

    [Theory]
    [InlineData("57P01")]
    [InlineData("57P03")]
    [InlineData("3D000")]
    public void DatabaseErrorsAreTheGradersDatabase(string sqlState) =>
        Assert.Equal(InfrastructureFault.GraderDatabase, Classify(new PostgresException("terminating", "FATAL", "FATAL", sqlState)));

    [Fact]
    public void ARefusedDatabaseConnectionIsTheGradersDatabase() =>
        Assert.Equal(InfrastructureFault.GraderDatabase,
            Classify(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public void EngineServerErrorsAreTheEngine(HttpStatusCode status) =>
        Assert.Equal(InfrastructureFault.Engine, Classify(new DockerApiException(status, "daemon error")));

    [Fact]
    public void ARefusedEngineSocketIsTheEngine() =>
        Assert.Equal(InfrastructureFault.Engine,
            Classify(new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))));

    [Fact]
    public void AWrappedCauseIsFound() =>
        Assert.Equal(InfrastructureFault.GraderDatabase,
            Classify(new InvalidOperationException("outer", new PostgresException("x", "FATAL", "FATAL", "57P01"))));

    [Fact]
    public void AnEngineClientErrorOrAnythingElseIsInternal()
    {
        Assert.Equal(InfrastructureFault.Internal, Classify(new DockerApiException(HttpStatusCode.Conflict, "name in use")));
        Assert.Equal(InfrastructureFault.Internal, Classify(new InvalidOperationException("bug")));
    }

    [Theory]
    [InlineData(AttemptEnd.Crashed)]
    [InlineData(AttemptEnd.Tested)]
    [InlineData(AttemptEnd.NotReady)]
    [InlineData(AttemptEnd.InfrastructureError)]
    public void AVerdictReachedWhileTheEngineStoppedIsOursAndNamesTheRestart(AttemptEnd end)
    {
        var killed = new AttemptReport(end, "The app was killed (exit 137) before it answered on port 8000.", "booting", 137, false, "sha256:ab");

        var reviewed = AttemptFaults.EngineReview(killed, engineInterrupted: true);

        Assert.Equal((AttemptEnd.InfrastructureError, InfrastructureFault.EngineRestarted), (reviewed.End, reviewed.Fault));
        Assert.False(reviewed.HandedBack);
        Assert.Contains(end.ToString(), reviewed.Message, StringComparison.Ordinal);
        Assert.Equal("re-run: the grading host's engine restarted", TaskLifecycle.PlainWords(reviewed.Fault!.Value));
    }

    [Fact]
    public void WithTheEngineUpTheVerdictStands()
    {
        var crashed = new AttemptReport(AttemptEnd.Crashed, "The app exited with code 137.", null, 137, false, null);

        Assert.Same(crashed, AttemptFaults.EngineReview(crashed, engineInterrupted: false));
    }

    [Theory]
    [InlineData(AttemptEnd.Cancelled, null)]
    [InlineData(AttemptEnd.ImageUnavailable, null)]
    [InlineData(AttemptEnd.InfrastructureError, InfrastructureFault.GraderDatabase)]
    [InlineData(AttemptEnd.InfrastructureError, InfrastructureFault.HostStopping)]
    public void ACancelOrAnAlreadyNamedFaultKeepsItsOwnReason(AttemptEnd end, InfrastructureFault? fault)
    {
        var report = new AttemptReport(end, "x", null, null, false, null, fault, HandedBack: fault == InfrastructureFault.HostStopping);

        Assert.Same(report, AttemptFaults.EngineReview(report, engineInterrupted: true));
    }
}
