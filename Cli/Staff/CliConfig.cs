using System.Text.Json;

namespace Grader.Cli.Staff;

/// <summary>What <c>grader login</c> keeps: the server and the API token made for this machine.</summary>
public sealed record StoredLogin(Uri Url, string Token, string? Username = null, Guid? TokenId = null);

/// <summary>The per-user config file. It holds a bearer secret, so it is only ever written as a fresh
/// file with mode 0600 (in a 0700 folder) and moved into place: a file that had looser permissions is
/// replaced, not rewritten in place, and no reader sees half a file.</summary>
public static class CliConfig
{
    public const string PathVariable = "GRADER_CONFIG";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>$GRADER_CONFIG, else $XDG_CONFIG_HOME/grader/config.json, else ~/.config/grader/config.json.</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        if (environment(PathVariable) is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var root = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "grader", "config.json");
    }

    /// <summary>Null when there is no file; a file that cannot be read as a login is an error that names it.</summary>
    public static StoredLogin? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var login = JsonSerializer.Deserialize<StoredLogin>(File.ReadAllText(path), Json);
            return login is { Url: not null, Token.Length: > 0 } ? login : throw new JsonException("no url or token");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.NotSignedIn, $"the config file {path} cannot be read ({e.Message}); run grader login again");
        }
    }

    public static void Write(string path, StoredLogin login)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, OwnerOnlyFolder);
            }
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, login, Json);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>True when there was a file to delete.</summary>
    public static bool Delete(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }
}
