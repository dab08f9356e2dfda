namespace Grader.Web.Auth.Ldap;

/// <summary>A cursor over one LDAP string (a DN or a filter) that keeps the first problem it meets, with
/// its position: later problems are consequences of the first.</summary>
internal abstract class LdapScanner(string text)
{
    protected string Text { get; } = text;

    public int At { get; protected set; }

    public string? Error { get; private set; }

    public int ErrorPosition { get; private set; } = -1;

    public void Fail(string message)
    {
        if (Error is null)
        {
            Error = At < Text.Length ? $"{message} (at character {At + 1})" : message;
            ErrorPosition = At;
        }
    }

    protected bool Take(char c)
    {
        if (At < Text.Length && Text[At] == c)
        {
            At++;
            return true;
        }

        return false;
    }

    protected void SkipSpaces()
    {
        while (At < Text.Length && Text[At] == ' ')
        {
            At++;
        }
    }
}
