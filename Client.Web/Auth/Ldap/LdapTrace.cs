namespace Grader.Web.Auth.Ldap;

public sealed record LdapStep(string Name, bool Ok, string Message);

/// <summary>The steps of one sign-in against one source, for the admin's "test this source" button.
/// Sign-in fills it on its own code path, so the test shows exactly what sign-in does.</summary>
/// <remarks>Written on the library's worker thread and read on the request thread (possibly while a
/// timed-out call is still running), hence the lock.</remarks>
public sealed class LdapTrace
{
    private readonly List<LdapStep> _steps = [];

    public IReadOnlyList<LdapStep> Steps
    {
        get
        {
            lock (_steps)
            {
                return [.. _steps];
            }
        }
    }

    public void Add(string name, bool ok, string message)
    {
        lock (_steps)
        {
            _steps.Add(new LdapStep(name, ok, message));
        }
    }
}
