using System.Text;

namespace Grader.Cli.Staff;

/// <summary>Asking the person at the terminal. Secrets are never taken from the command line, where
/// other users of the machine could read them: they are typed unechoed, or piped in as the first line
/// of standard input.</summary>
public static class Prompt
{
    public static string Line(string question)
    {
        if (!Console.IsInputRedirected)
        {
            Console.Error.Write($"{question}: ");
        }

        return Console.In.ReadLine()?.Trim() ?? throw new CliException(ExitCodes.Usage, $"{question.ToLowerInvariant()} is required (standard input ended)");
    }

    public static string Secret(string question)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? throw new CliException(ExitCodes.Usage, $"{question.ToLowerInvariant()} is required: type it, or pipe it in as the first line of standard input");
        }

        Console.Error.Write($"{question}: ");
        var secret = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && secret.Length > 0)
            {
                secret.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return secret.ToString();
    }

    /// <summary>A yes/no question at a terminal; <paramref name="otherwise"/> when nobody can answer.</summary>
    public static bool YesNo(string question, bool otherwise)
    {
        if (Console.IsInputRedirected)
        {
            return otherwise;
        }

        Console.Error.Write($"{question} [y/N] ");
        return Console.In.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
    }
}
