namespace Grader.Web.Auth.Http;

/// <summary>The address sign-in throttling counts failures under. Behind a reverse proxy, configure
/// forwarded headers so this is the client's, not the proxy's.</summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
