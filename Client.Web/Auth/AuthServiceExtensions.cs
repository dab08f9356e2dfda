using Grader.Configuration;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Http;
using Grader.Web.Auth.Ldap;
using Grader.Web.Auth.SignIn;
using Grader.Web.Auth.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth;

public static class AuthServiceExtensions
{
    private const string Marker = "Grader.Auth";

    /// <summary>Sign-in (local accounts and LDAP sources), session cookies, API tokens, roles and the
    /// policies every endpoint is held to: signed in unless marked anonymous. Reads and checks the
    /// <c>Auth</c> section at once.</summary>
    public static WebApplicationBuilder AddGraderAuth(this WebApplicationBuilder builder)
    {
        if (!builder.Host.Properties.TryAdd(Marker, true))
        {
            return builder;
        }

        var options = builder.Configuration.Read<AuthOptions>(AuthOptions.Section);
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddAuthStores();

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Session cookie or API token", o =>
                o.ForwardDefaultSelector = context => ApiTokenSecret.TryRead(context.Request, out _) ? AuthSchemes.ApiToken : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie, o =>
            {
                o.Cookie.Name = "grader.session";
                o.Cookie.HttpOnly = true;
                // Lax: a link to a task page from mail or the LMS arrives signed in; unsafe requests are
                // covered by the antiforgery check, not by SameSite alone.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.IsEssential = true;
                o.ExpireTimeSpan = options.SessionIdleTimeout;
                o.SlidingExpiration = true;
                o.LoginPath = "/sign-in";
                o.ReturnUrlParameter = "returnUrl";
                o.EventsType = typeof(SessionCookieEvents);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthSchemes.ApiToken, null);
        services.AddScoped<SessionCookieEvents>();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AuthSchemes.StaffPolicy, p => p.RequireAuthenticatedUser().RequireRole(UserRoles.Staff, UserRoles.Admin))
            .AddPolicy(AuthSchemes.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(UserRoles.Admin));

        services.AddDataProtection().SetApplicationName("grader");
        services.AddOptions<KeyManagementOptions>().Configure<AuthDatabase>((o, database) => o.XmlRepository = new DataProtectionKeyStore(database));
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CookieAntiforgeryMiddleware.HeaderName;
            o.Cookie.Name = "grader.antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    /// <summary>The stores and services behind sign-in, without the HTTP parts; also what the
    /// create-admin command uses.</summary>
    public static IServiceCollection AddAuthStores(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Grader.Database.GraderDataSource>();
        services.TryAddSingleton<AuthDatabase>();
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<LocalPasswords>();
        services.TryAddSingleton<AuthSourceStore>();
        services.TryAddSingleton<LdapDirectoryClient>();
        services.TryAddSingleton<LdapAuthenticator>();
        services.TryAddSingleton<ThrottleStore>();
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<SignInService>();
        services.TryAddSingleton<SessionCache>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<ApiTokenStore>();
        return services;
    }

    /// <summary>Authentication, authorization and antiforgery, in that order, before the endpoints.</summary>
    public static WebApplication UseGraderAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<CookieAntiforgeryMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapGraderAuth(this IEndpointRouteBuilder app)
    {
        app.MapSignInApi();
        app.MapSignInPage();
        app.MapApiTokensApi();
        app.MapUsersApi();
        app.MapAuthSourcesApi();
        return app;
    }
}
