using Grader.Configuration;
using Grader.Silo.Hosting;
using Grader.Silo.Telemetry;
using Microsoft.Extensions.Hosting;

namespace Grader.Silo;

/// <summary>A silo for one more Docker host: <c>dotnet Grader.Silo.dll</c> with the same settings as the
/// web tier and its own Cluster:SiloName.</summary>
public static class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddGraderTelemetry("grader-silo");
            builder.AddGraderSilo();
            await builder.Build().RunAsync();
            return 0;
        }
        catch (GraderConfigurationException e)
        {
            // One line that names the setting; nothing else is running yet.
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }
}
