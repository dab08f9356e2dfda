using Grader.Web.Auth;
using Grader.Web.Auth.Http;
using Grader.Web.Auth.Ldap;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Admin;

/// <summary>The LDAP sources, and a test that runs sign-in's own code against one source for a given
/// user and shows each step with the server's answer. Nobody is signed in and no account is touched.</summary>
public sealed class SourcesModel(AuthSourceStore sources, LdapAuthenticator authenticator, AuditLog audit) : PageModel
{
    public IReadOnlyList<AuthSource> Sources { get; private set; } = [];

    public AuthSource? Tested { get; private set; }

    public string? TestedUsername { get; private set; }

    public IReadOnlyList<LdapStep> Steps { get; private set; } = [];

    public string? Verdict { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Sources = await sources.ListAsync(ct);

    public async Task<IActionResult> OnPostTestAsync(int id, string? username, string? password, CancellationToken ct)
    {
        Sources = await sources.ListAsync(ct);
        Tested = Sources.FirstOrDefault(s => s.Id == id);
        if (Tested is null)
        {
            return NotFound();
        }

        TestedUsername = username?.Trim() ?? "";
        var trace = new LdapTrace();
        var outcome = await authenticator.TestAsync(Tested, TestedUsername, password ?? "", trace, ct);
        Steps = trace.Steps;
        Verdict = outcome switch
        {
            LdapSignInOutcome.Accepted accepted => $"accepted: {accepted.Profile.Username} would sign in as {accepted.Profile.Role.Name()}",
            LdapSignInOutcome.Rejected => "refused: the server did not accept this username and password",
            LdapSignInOutcome.Unavailable down => $"unavailable: {down.Reason}",
            LdapSignInOutcome.Misconfigured wrong => $"misconfigured: {wrong.Reason}",
            _ => outcome.ToString(),
        };
        await audit.WriteAsync(User.Username(), "source.test", Tested.Name, $"{TestedUsername}: {Verdict}", ct);
        return Page();
    }
}
