using System.Net;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Http;

/// <summary>The address sign-in throttling counts failures under: the connection's, or behind a trusted
/// proxy (<see cref="AuthOptions.TrustedProxies"/>) the nearest untrusted hop of X-Forwarded-For. Hops
/// a client wrote itself sit left of those the proxies appended, so they are never believed.</summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) =>
        From(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"].ToString(),
            context.RequestServices.GetService<IOptions<AuthOptions>>()?.Value.TrustedProxies ?? []);

    public static string From(IPAddress? remote, string? forwardedFor, IReadOnlyCollection<string> trustedProxies)
    {
        var trusted = trustedProxies.Select(IPAddress.Parse).Select(Normal).ToHashSet();
        if (remote is null)
        {
            return "unknown";
        }

        var current = Normal(remote);
        var hops = (forwardedFor ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0 && trusted.Contains(current); i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                break;
            }

            current = Normal(hop);
        }

        return current.ToString();
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
