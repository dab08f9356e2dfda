using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Grader.Sandbox;

/// <summary>Reads an image's manifest and config from its registry (distribution API v2) before the
/// engine pulls anything, so a wrong platform, a missing command or oversized layers are refused
/// without a download. It knows compressed layer sizes only; the unpacked size is checked after the pull.</summary>
public sealed class RegistryManifests(HttpClient http)
{
    public const string HttpClientName = "registry";
    private const int MaxDocumentBytes = 4 * 1024 * 1024;
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    /// <summary>The image's facts, or null when the registry cannot tell (the pull then decides).</summary>
    public async Task<ImageFacts?> ReadAsync(ImageReference image, RegistryCredential? credential, string platform, CancellationToken ct)
    {
        var session = new Session(http, BaseUri(image.Registry), image.Repository, credential);
        using var manifest = await session.GetJsonAsync($"manifests/{image.PullTag}", ManifestTypes, ct);
        if (manifest is null)
        {
            return null;
        }

        var root = manifest.RootElement;
        if (root.TryGetProperty("manifests", out var entries))
        {
            var wanted = platform.Split('/');
            var platforms = entries.EnumerateArray()
                .Select(e => (Digest: e.GetProperty("digest").GetString(), Os: Text(e, "platform", "os"), Architecture: Text(e, "platform", "architecture")))
                .Where(p => p.Os != "unknown") // attestation manifests of buildx
                .ToList();
            var match = platforms.FirstOrDefault(p => p.Os == wanted[0] && p.Architecture == wanted[1]);
            if (match.Digest is null)
            {
                return new ImageFacts(null, null, [], [], [], null, null) { OtherPlatforms = platforms.Select(p => $"{p.Os}/{p.Architecture}").ToList() };
            }

            using var single = await session.GetJsonAsync($"manifests/{match.Digest}", ManifestTypes, ct);
            return single is null ? null : await FactsAsync(session, single.RootElement, ct);
        }

        return await FactsAsync(session, root, ct);
    }

    private static async Task<ImageFacts?> FactsAsync(Session session, JsonElement manifest, CancellationToken ct)
    {
        if (!manifest.TryGetProperty("layers", out var layers) || !manifest.TryGetProperty("config", out var configRef))
        {
            return null;
        }

        var compressed = layers.EnumerateArray().Sum(l => l.TryGetProperty("size", out var s) ? s.GetInt64() : 0);
        using var config = await session.GetJsonAsync($"blobs/{configRef.GetProperty("digest").GetString()}", ["*/*"], ct);
        if (config is null)
        {
            return null;
        }

        var root = config.RootElement;
        var run = root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        return new ImageFacts(Text(root, "os"), Text(root, "architecture"), Strings(run, "Entrypoint"), Strings(run, "Cmd"),
            run.ValueKind == JsonValueKind.Object && run.TryGetProperty("ExposedPorts", out var ports) && ports.ValueKind == JsonValueKind.Object
                ? ports.EnumerateObject().Select(p => p.Name).ToList()
                : [],
            compressed, null);
    }

    /// <summary>The engine treats registries on loopback as plain HTTP; so do we.</summary>
    private static Uri BaseUri(string registry)
    {
        var host = registry == ImageReference.DefaultRegistry ? "registry-1.docker.io" : registry;
        var name = host.Split(':')[0];
        var loopback = name == "localhost" || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
        return new Uri($"{(loopback ? "http" : "https")}://{host}/v2/");
    }

    private static string? Text(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : [];

    /// <summary>One image's requests, with the registry's auth challenge answered once (Basic or a Bearer token).</summary>
    private sealed class Session(HttpClient http, Uri baseUri, string repository, RegistryCredential? credential)
    {
        private AuthenticationHeaderValue? _auth;

        public async Task<JsonDocument?> GetJsonAsync(string path, string[] accept, CancellationToken ct)
        {
            var uri = new Uri(baseUri, $"{repository}/{path}");
            using var response = await SendAsync(uri, accept, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized && _auth is null && await ChallengeAsync(response, ct))
            {
                using var retried = await SendAsync(uri, accept, ct);
                return await ParseAsync(retried, ct);
            }

            return await ParseAsync(response, ct);
        }

        private async Task<HttpResponseMessage> SendAsync(Uri uri, string[] accept, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            foreach (var type in accept)
            {
                request.Headers.Accept.ParseAdd(type);
            }

            request.Headers.Authorization = _auth;
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }

        private async Task<bool> ChallengeAsync(HttpResponseMessage response, CancellationToken ct)
        {
            var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
            var basic = credential is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
            if (challenge?.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) == true)
            {
                _auth = basic is null ? null : new AuthenticationHeaderValue("Basic", basic);
                return _auth is not null;
            }

            if (challenge?.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) != true || challenge.Parameter is null)
            {
                return false;
            }

            var fields = challenge.Parameter.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"'), StringComparer.OrdinalIgnoreCase);
            if (!fields.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out _))
            {
                return false;
            }

            var query = $"?scope={Uri.EscapeDataString($"repository:{repository}:pull")}"
                + (fields.TryGetValue("service", out var service) ? $"&service={Uri.EscapeDataString(service)}" : "");
            using var request = new HttpRequestMessage(HttpMethod.Get, realm + query);
            request.Headers.Authorization = basic is null ? null : new AuthenticationHeaderValue("Basic", basic);
            using var tokenResponse = await http.SendAsync(request, ct);
            using var token = await ParseAsync(tokenResponse, ct);
            var value = token is null ? null : Text(token.RootElement, "token") ?? Text(token.RootElement, "access_token");
            _auth = value is null ? null : new AuthenticationHeaderValue("Bearer", value);
            return _auth is not null;
        }

        private static async Task<JsonDocument?> ParseAsync(HttpResponseMessage response, CancellationToken ct)
        {
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxDocumentBytes)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxDocumentBytes)
                {
                    return null;
                }
            }

            try
            {
                return JsonDocument.Parse(buffer.ToArray());
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
