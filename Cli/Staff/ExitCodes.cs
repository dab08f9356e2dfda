using System.Net;

namespace Grader.Cli.Staff;

/// <summary>What <c>grader</c>'s exit code means, for scripts and CI jobs; the README and
/// <c>grader --help</c> print <see cref="Help"/>.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int WorkFailed = 1;
    public const int Usage = 2;
    public const int NotSignedIn = 3;
    public const int Unreachable = 4;
    public const int InvalidInput = 5;

    public const string Help = """
        Exit codes:
          0  success (a task or evaluation: every student got full marks)
          1  the graded work failed: a task without full marks, an evaluation with a failing or unfinished student
          2  usage error (unknown command or option, missing argument or file)
          3  not signed in, token refused, or forbidden for your role
          4  the server or network is unreachable, or the server failed (5xx, busy)
          5  invalid input: suite or CSV rejected (also when some CSV lines were rejected), unknown assignment, task or host
          130  evaluate --wait interrupted with Ctrl-C and the run left going on the server
        """;

    /// <summary>The exit code for an HTTP answer that was not a success.</summary>
    public static int ForStatus(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => NotSignedIn,
        429 or >= 500 => Unreachable,
        >= 400 => InvalidInput,
        _ => Unreachable,
    };
}

/// <summary>An error the CLI reports as one line on stderr and ends with its exit code. From the server:
/// its status, and each validation error as its own line (a suite's file:line:column errors).</summary>
public sealed class CliException(int exitCode, string message, HttpStatusCode? status = null, IReadOnlyList<string>? lines = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public HttpStatusCode? Status { get; } = status;

    public IReadOnlyList<string> Lines { get; } = lines ?? [];
}
