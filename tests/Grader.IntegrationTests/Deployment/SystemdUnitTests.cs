using System.Diagnostics;

namespace Grader.IntegrationTests.Deployment;

/// <summary>The systemd units and infra/add-host.sh, checked by systemd-analyze verify (there is no
/// running systemd here to start them). verify exits 0 on a unit it only half understands, so a unit
/// passes only with nothing on standard error.</summary>
public sealed class SystemdUnitTests
{
    private static readonly string UnitDirectory = Path.Combine(LocalStack.RepoRoot, "infra", "systemd");

    [Theory]
    [InlineData("grader-web.service")]
    [InlineData("grader-silo.service")]
    [InlineData("grader-pg-forward.service")]
    public async Task SystemdAcceptsTheUnitAndItRestartsOnFailure(string unit)
    {
        var path = Path.Combine(UnitDirectory, unit);
        var (exitCode, errors) = await VerifyAsync(path);
        Assert.True(exitCode == 0 && errors.Length == 0, $"systemd-analyze verify {unit} exited {exitCode}: {errors}");
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains("WantedBy=multi-user.target", lines);
    }

    [Fact]
    public async Task TheCheckRejectsAUnitWithAMistake()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("grader-it-units-").FullName, "grader-web.service");
        var unit = await File.ReadAllTextAsync(Path.Combine(UnitDirectory, "grader-web.service"));
        await File.WriteAllTextAsync(broken, unit.Replace("Restart=on-failure", "Restart=sometimes", StringComparison.Ordinal));

        var (_, errors) = await VerifyAsync(broken);

        Assert.Contains("restart specifier", errors, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(broken)!, recursive: true);
    }

    [Fact]
    public async Task AddHostWritesTheSiloUnitWithThisHostsNameAndAddress()
    {
        var root = Directory.CreateTempSubdirectory("grader-it-add-host-").FullName;
        try
        {
            var output = LocalStack.RunScript("infra/add-host.sh", "--name", "docker-host-7", "--address", "10.0.0.17",
                "--postgres", "10.0.0.11:5432", "--root", root, "--skip-network");

            var env = await File.ReadAllLinesAsync(Path.Combine(root, "etc/grader/silo.env"));
            Assert.Contains("Cluster__SiloName=docker-host-7", env);
            Assert.Contains("Cluster__AdvertisedAddress=10.0.0.17", env);
            Assert.Contains("TARGET=10.0.0.11:5432", await File.ReadAllLinesAsync(Path.Combine(root, "etc/grader/pg-forward.env")));
            Assert.True(File.Exists(Path.Combine(root, "opt/grader/silo/Grader.Silo.dll")), output);
            foreach (var unit in new[] { "grader-silo.service", "grader-pg-forward.service" })
            {
                var (exitCode, errors) = await VerifyAsync(Path.Combine(root, "etc/systemd/system", unit));
                Assert.True(exitCode == 0 && errors.Length == 0, $"{unit}: {errors}");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddHostRefusesANameThatIsNotAHostId()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LocalStack.RunScript("infra/add-host.sh", "--name", "bad name;rm", "--address", "10.0.0.17",
            "--postgres", "10.0.0.11:5432", "--root", Path.GetTempPath(), "--skip-network"));
        Assert.Contains("must be letters, digits", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Errors)> VerifyAsync(string unitPath)
    {
        using var verify = Process.Start(new ProcessStartInfo("systemd-analyze", ["verify", unitPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var errors = await verify.StandardError.ReadToEndAsync();
        await verify.StandardOutput.ReadToEndAsync();
        await verify.WaitForExitAsync();
        return (verify.ExitCode, errors.Trim());
    }
}
