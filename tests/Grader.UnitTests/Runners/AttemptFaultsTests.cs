using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Grader.Runners;
using Npgsql;

namespace Grader.UnitTests.Runners;

public class AttemptFaultsTests
{
    [Theory]
    [InlineData("57P01")]
    [InlineData("57P03")]
    [InlineData("3D000")]
    public void DatabaseErrorsAreTheGradersDatabase(string sqlState) =>
        Assert.Equal(InfrastructureFault.GraderDatabase, AttemptFaults.Classify(new PostgresException("terminating", "FATAL", "FATAL", sqlState)));

    [Fact]
    public void ARefusedDatabaseConnectionIsTheGradersDatabase() =>
        Assert.Equal(InfrastructureFault.GraderDatabase,
            AttemptFaults.Classify(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public void EngineServerErrorsAreTheEngine(HttpStatusCode status) =>
        Assert.Equal(InfrastructureFault.Engine, AttemptFaults.Classify(new DockerApiException(status, "daemon error")));

    [Fact]
    public void ARefusedEngineSocketIsTheEngine() =>
        Assert.Equal(InfrastructureFault.Engine,
            AttemptFaults.Classify(new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))));

    [Fact]
    public void AWrappedCauseIsFound() =>
        Assert.Equal(InfrastructureFault.GraderDatabase,
            AttemptFaults.Classify(new InvalidOperationException("outer", new PostgresException("x", "FATAL", "FATAL", "57P01"))));

    [Fact]
    public void AnEngineClientErrorOrAnythingElseIsInternal()
    {
        Assert.Equal(InfrastructureFault.Internal, AttemptFaults.Classify(new DockerApiException(HttpStatusCode.Conflict, "name in use")));
        Assert.Equal(InfrastructureFault.Internal, AttemptFaults.Classify(new InvalidOperationException("bug")));
    }
}
