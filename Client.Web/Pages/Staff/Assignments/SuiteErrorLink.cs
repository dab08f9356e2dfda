using System.Text.RegularExpressions;

namespace Grader.Web.Pages.Staff.Assignments;

/// <summary>A suite error as the editor lists it: the file:line:column the validator put first (a link
/// into the editor), and the message. Errors about the suite as a whole have no place.</summary>
public sealed partial record SuiteErrorLink(string? Place, int Line, int Column, string Message)
{
    public static SuiteErrorLink Parse(string error)
    {
        var match = Located().Match(error);
        return match.Success
            && int.TryParse(match.Groups["line"].ValueSpan, out var line) && line > 0
            && int.TryParse(match.Groups["column"].ValueSpan, out var column) && column > 0
            ? new SuiteErrorLink(match.Groups["place"].Value, line, column, match.Groups["message"].Value)
            : new SuiteErrorLink(null, 0, 0, error);
    }

    // The validator's SuiteError.ToString(): file:line:column: message.
    [GeneratedRegex(@"\A(?<place>[^\n]*?:(?<line>[0-9]{1,9}):(?<column>[0-9]{1,9})): (?<message>.*)\z", RegexOptions.Singleline)]
    private static partial Regex Located();
}
