using Grader.Configuration;
using Grader.Silo.Hosting;
using Microsoft.Extensions.Hosting;

try
{
    var builder = Host.CreateApplicationBuilder(args);
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
