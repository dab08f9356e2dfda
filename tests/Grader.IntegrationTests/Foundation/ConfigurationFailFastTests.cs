using System.Diagnostics;

namespace Grader.IntegrationTests.Foundation;

/// <summary>A missing setting stops a real silo process at once, with one line naming the setting.</summary>
public sealed class ConfigurationFailFastTests
{
    [Theory]
    [InlineData("Database__Password", "'Database:Password' is required")]
    [InlineData("Redis__Configuration", "'Redis:Configuration' is required")]
    public async Task MissingSettingStopsTheSiloWithOneLineNamingIt(string missing, string expectedMessage)
    {
        var settings = SiloSettings.For("fail-fast", "grader", $"it-failfast-{LocalStack.RunId}");
        var start = SiloProcess.StartInfo(settings);
        start.Environment.Remove(missing);

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expectedMessage, Assert.Single(lines)[("Configuration error: ".Length)..][..expectedMessage.Length]);
        Assert.Equal("", (await stdout).Trim());
    }
}
