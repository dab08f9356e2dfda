using Grader.Cli.Staff;

namespace Grader.UnitTests.StaffCli;

// The grader and its CLI run on Linux; the modes are what this test is about.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliConfigTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"grader-cli-config-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void TheLoginIsWrittenOwnerOnlyAndReadBack()
    {
        var path = Path.Combine(_folder, "grader", "config.json");
        var login = new StoredLogin(new Uri("https://grader.example/"), "secret-token", "ta", Guid.NewGuid());

        CliConfig.Write(path, login);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(login, CliConfig.Read(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void AFileOthersCouldReadIsReplacedByAnOwnerOnlyOne()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "config.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        CliConfig.Write(path, new StoredLogin(new Uri("http://127.0.0.1:8080/"), "t2"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("t2", CliConfig.Read(path)!.Token);
    }

    [Fact]
    public void NoFileIsNoLoginAndABrokenFileIsNamed()
    {
        var path = Path.Combine(_folder, "config.json");
        Assert.Null(CliConfig.Read(path));
        Assert.False(CliConfig.Delete(path));

        Directory.CreateDirectory(_folder);
        File.WriteAllText(path, "not json");
        var error = Assert.Throws<CliException>(() => CliConfig.Read(path));
        Assert.Equal(ExitCodes.NotSignedIn, error.ExitCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.True(CliConfig.Delete(path));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ThePathFollowsTheVariablesInOrder()
    {
        var variables = new Dictionary<string, string?> { ["HOME"] = "/home/ta" };
        Assert.Equal("/home/ta/.config/grader/config.json", CliConfig.DefaultPath(k => variables.GetValueOrDefault(k)));
        variables["XDG_CONFIG_HOME"] = "/xdg";
        Assert.Equal("/xdg/grader/config.json", CliConfig.DefaultPath(k => variables.GetValueOrDefault(k)));
        variables[CliConfig.PathVariable] = "/tmp/mine.json";
        Assert.Equal("/tmp/mine.json", CliConfig.DefaultPath(k => variables.GetValueOrDefault(k)));
    }

    [Fact]
    public void AnOptionBeatsItsVariableWhichBeatsTheStoredLogin()
    {
        var stored = new StoredLogin(new Uri("http://stored:1/"), "stored-token");
        var variables = new Dictionary<string, string?>();
        string? Env(string k) => variables.GetValueOrDefault(k);

        Assert.Equal((new Uri("http://stored:1/"), "stored-token"), Connection.Resolve(null, null, Env, () => stored));
        variables[Connection.UrlVariable] = "http://env:2";
        variables[Connection.TokenVariable] = "env-token";
        Assert.Equal((new Uri("http://env:2/"), "env-token"), Connection.Resolve(null, null, Env, () => throw new InvalidOperationException("not read")));
        Assert.Equal((new Uri("http://option:3/base/"), "option-token"), Connection.Resolve("http://option:3/base", "option-token", Env, () => stored));
    }

    [Fact]
    public void WithoutAUrlOrTokenItIsNotSignedIn()
    {
        Assert.Equal(ExitCodes.NotSignedIn, Assert.Throws<CliException>(() => Connection.Resolve(null, null, _ => null, () => null)).ExitCode);
        Assert.Equal(ExitCodes.NotSignedIn, Assert.Throws<CliException>(() => Connection.Resolve("http://a", null, _ => null, () => null)).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => Connection.Resolve("ftp://a", "t", _ => null, () => null)).ExitCode);
    }
}
