using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Grader.Web.Hosting;

/// <summary>Behind a TLS-terminating proxy the connection comes from the proxy and is plain HTTP. Only
/// the proxies named in <c>Web:KnownProxies</c> may say otherwise: then sign-in lockout counts the real
/// client's address and cookies are marked Secure because the original request was HTTPS.</summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddGraderForwardedHeaders(this IServiceCollection services, WebSettings web) =>
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; a local process must not be able to forge a client address.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in web.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

    public static IApplicationBuilder UseGraderForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
