using Grader.Tasks;

namespace Grader.Web.Pages.Tasks;

/// <summary>The verdict a badge shows is the share of points, not the state: "Completed" with 1 of 6
/// points is a partial score, and is not shown as a success.</summary>
public static class ScoreShare
{
    public const string Full = "full";
    public const string Partial = "partial";
    public const string None = "none";
    public const string Pending = "pending";

    public static string Of(TaskView view) =>
        !view.Status.IsTerminal() ? Pending
        : view.MaxScore <= 0 ? None
        : view.Score >= view.MaxScore ? Full
        : view.Score > 0 ? Partial
        : None;

    public static string Label(string share) => share switch
    {
        Full => "Full marks",
        Partial => "Partial score",
        None => "No points",
        _ => "Scoring…",
    };
}
