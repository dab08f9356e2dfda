using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runners;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Sandbox;

/// <summary>The runner's only door to the local Docker engine.</summary>
public sealed partial class DockerEngine(IOptions<RunnerOptions> options, ILogger<DockerEngine> logger) : IDisposable
{
    private readonly RunnerOptions _options = options.Value;
    private readonly DockerClient _client = new DockerClientConfiguration(new Uri(options.Value.Endpoint)).CreateClient();

    public IDockerClient Client => _client;

    public async Task PingAsync(CancellationToken ct) => await _client.System.PingAsync(ct);

    /// <summary>Pulls the image (the engine skips layers it already has) and returns its local id.</summary>
    public async Task<(string ImageId, string? Digest)> PullAsync(ImageReference image, CancellationToken ct)
    {
        var local = await TryInspectImageAsync(image.ToString(), ct);
        if (image.Digest is not null && local is not null)
        {
            // Content addressed and already here: nothing to ask the registry.
            return (local.ID, image.Digest);
        }

        string? streamError = null;
        try
        {
            var progress = new Progress<JSONMessage>(m => streamError ??= m.ErrorMessage ?? m.Error?.Message);
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = image.Name, Tag = image.PullTag },
                CredentialsFor(image.Registry), progress, ct);
        }
        catch (DockerApiException e)
        {
            throw new ImageUnavailableException(DescribePullFailure(image, ExtractMessage(e)), e);
        }

        var pulled = await TryInspectImageAsync(image.ToString(), ct);
        if (pulled is null)
        {
            throw new ImageUnavailableException(DescribePullFailure(image, streamError ?? "the engine reported no image after the pull"));
        }

        var digest = image.Digest ?? pulled.RepoDigests?.FirstOrDefault(d => d.StartsWith(image.Name + "@", StringComparison.Ordinal))?.Split('@')[1];
        return (pulled.ID, digest);
    }

    /// <summary>Turns the engine's words into something a student can act on.</summary>
    public static string DescribePullFailure(ImageReference image, string engineMessage)
    {
        var m = engineMessage.ToLowerInvariant();
        if (m.Contains("manifest unknown") || m.Contains("manifest for") && m.Contains("not found"))
        {
            return $"The tag '{image.PullTag}' does not exist in {image.Name}. Push it, or check the tag you submitted. (registry said: {engineMessage})";
        }

        if (m.Contains("unauthorized") || m.Contains("authentication required") || m.Contains("denied") || m.Contains("no basic auth credentials"))
        {
            return $"The registry {image.Registry} refused access to {image.Name}. Make the image public, or check that the grader has access to it. (registry said: {engineMessage})";
        }

        if (m.Contains("not found") || m.Contains("name unknown") || m.Contains("repository does not exist"))
        {
            return $"The image {image.Name} was not found in {image.Registry}. Check the owner and repository name. (registry said: {engineMessage})";
        }

        if (m.Contains("no such host") || m.Contains("connection refused") || m.Contains("timeout") || m.Contains("i/o timeout"))
        {
            return $"The registry {image.Registry} could not be reached. Try again later. (engine said: {engineMessage})";
        }

        return $"The image {image} could not be pulled: {engineMessage}";
    }

    public async Task<StartedContainer> StartAsync(ContainerSpec spec, CancellationToken ct)
    {
        var limits = spec.Limits;
        var memory = limits.MemoryMb * 1024L * 1024L;
        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = spec.Names.Name,
            Image = spec.ImageId,
            Env = spec.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            Labels = new Dictionary<string, string>
            {
                [SandboxNames.LabelTask] = spec.Names.TaskId.ToString(),
                [SandboxNames.LabelAttempt] = spec.Names.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [SandboxNames.LabelHost] = spec.Names.HostTag,
            },
            ExposedPorts = new Dictionary<string, EmptyStruct> { [$"{spec.Port}/tcp"] = default },
            HostConfig = new HostConfig
            {
                NetworkMode = _options.StudentNetwork,
                Privileged = false,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Memory = memory,
                MemorySwap = memory,
                NanoCPUs = (long)(limits.Cpus * 1_000_000_000),
                PidsLimit = limits.Pids,
                Ulimits = [new Ulimit { Name = "nofile", Soft = 4096, Hard = 4096 }],
                // A flooding app fills this and stops there, not the host's disk.
                // Two files, so that right after a rotation the previous 2 MB are still there to read.
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "2m", ["max-file"] = "2" } },
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,nosuid,nodev,size=64m" },
            },
        }, ct);

        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        var inspected = await _client.Containers.InspectContainerAsync(created.ID, ct);
        var ip = inspected.NetworkSettings?.Networks is { } networks && networks.TryGetValue(_options.StudentNetwork, out var endpoint)
            ? endpoint.IPAddress
            : null;
        if (string.IsNullOrEmpty(ip))
        {
            // It exited before the network was attached to it; the probe reports the exit.
            ip = "";
        }

        LogContainerStarted(logger, spec.Names.TaskId, spec.Names.Attempt, created.ID[..12], ip);
        return new StartedContainer(created.ID, ip);
    }

    public async Task<ContainerOutcome> InspectAsync(string id, CancellationToken ct)
    {
        var state = (await _client.Containers.InspectContainerAsync(id, ct)).State;
        return new ContainerOutcome(state.Running, state.Running ? null : state.ExitCode, state.OOMKilled, string.IsNullOrEmpty(state.Error) ? null : state.Error,
            state.Running && state.Pid > 0 ? (int)state.Pid : null);
    }

    /// <summary>The last <paramref name="limitBytes"/> of stdout and stderr, interleaved as written.</summary>
    public async Task<string> ReadLogsAsync(string id, int limitBytes, CancellationToken ct)
    {
        using var stream = await _client.Containers.GetContainerLogsAsync(id, false,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, ct);
        var buffer = new byte[16 * 1024];
        var collected = new MemoryStream();
        var cut = false;
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
            if (read.EOF)
            {
                break;
            }

            collected.Write(buffer, 0, read.Count);
            if (collected.Length > 4L * limitBytes)
            {
                var tail = collected.ToArray()[^limitBytes..];
                // Remember the cut: the trimmed buffer may end exactly at the limit.
                cut = true;
                collected = new MemoryStream();
                collected.Write(tail);
            }
        }

        var bytes = collected.ToArray();
        var text = Encoding.UTF8.GetString(bytes.Length > limitBytes ? bytes[^limitBytes..] : bytes);
        return cut || bytes.Length > limitBytes ? "[… earlier output cut]\n" + text : text;
    }

    public async Task RemoveContainerAsync(string idOrName, CancellationToken ct)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(idOrName, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.ResponseBody.Contains("already in progress"))
        {
        }
    }

    public async Task RemoveImageAsync(string imageId, CancellationToken ct)
    {
        try
        {
            await _client.Images.DeleteImageAsync(imageId, new ImageDeleteParameters { Force = false }, ct);
        }
        catch (DockerApiException e)
        {
            // Another task may still use it; the next one to finish removes it.
            LogImageKept(logger, imageId, e.StatusCode);
        }
    }

    /// <summary>Every container this host's runners created, running or not.</summary>
    public async Task<IList<ContainerListResponse>> ListOwnContainersAsync(string hostTag, CancellationToken ct) =>
        await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{SandboxNames.LabelHost}={hostTag}"] = true },
            },
        }, ct);

    private async Task<ImageInspectResponse?> TryInspectImageAsync(string name, CancellationToken ct)
    {
        try
        {
            return await _client.Images.InspectImageAsync(name, ct);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private AuthConfig? CredentialsFor(string registry) =>
        _options.Registries.FirstOrDefault(r => string.Equals(r.Server, registry, StringComparison.OrdinalIgnoreCase)) is { } c
            ? new AuthConfig { ServerAddress = c.Server, Username = c.Username, Password = c.Password }
            : null;

    private static string ExtractMessage(DockerApiException e)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(e.ResponseBody);
            return doc.RootElement.GetProperty("message").GetString() ?? e.Message;
        }
        catch (Exception)
        {
            return string.IsNullOrWhiteSpace(e.ResponseBody) ? e.Message : e.ResponseBody.Trim();
        }
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Started container {ContainerId} for task {TaskId} attempt {Attempt} at {IpAddress}")]
    private static partial void LogContainerStarted(ILogger logger, Guid taskId, int attempt, string containerId, string ipAddress);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kept image {ImageId}: the engine answered {StatusCode}")]
    private static partial void LogImageKept(ILogger logger, string imageId, HttpStatusCode statusCode);
}
