namespace Grader.Scenarios.Suites;

/// <summary>Collects every error of one suite file, each at the node it is about.</summary>
internal sealed class SuiteReport(string file)
{
    public List<SuiteError> Errors { get; } = [];

    public string File => file;

    public void Error(YamlNodeAt at, string message) => Errors.Add(new SuiteError(file, at.Line, at.Column, message));

    public void ErrorIf(YamlNodeAt at, string? message)
    {
        if (message is not null)
        {
            Error(at, message);
        }
    }
}
