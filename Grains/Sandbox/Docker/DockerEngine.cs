using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Sandbox.Docker;

/// <summary>The runner's only door to the local Docker engine.</summary>
public sealed partial class DockerEngine(IOptions<DockerHostOptions> options, ILogger<DockerEngine> logger) : ISandboxHost, IDisposable
{
    private readonly DockerHostOptions _options = options.Value;
    private readonly DockerClient _client = new DockerClientConfiguration(new Uri(options.Value.Endpoint)).CreateClient();

    public IDockerClient Client => _client;

    public IEngineWatch WatchEngine() => new DockerEngineWatch(_client);

    public async Task PingAsync(CancellationToken ct) => await _client.System.PingAsync(ct);

    /// <summary>Pulls the image (the engine skips layers it already has) and returns its local id and what
    /// its config says. A pull whose layers add up to more than <paramref name="maxCompressedBytes"/> is
    /// stopped as soon as the engine announces their sizes.</summary>
    public async Task<(string ImageId, string? Digest, ImageFacts Facts)> PullAsync(ImageReference image, long maxCompressedBytes, CancellationToken ct)
    {
        var local = await TryInspectImageAsync(image.ToString(), ct);
        if (image.Digest is not null && local is not null)
        {
            // Content addressed and already here: nothing to ask the registry.
            return (local.ID, image.Digest, FactsOf(local));
        }

        using var overBudget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = new PullProgress(maxCompressedBytes, overBudget);
        try
        {
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = image.Name, Tag = image.PullTag },
                CredentialFor(image.Registry) is { } c ? new AuthConfig { ServerAddress = c.Server, Username = c.Username, Password = c.Password } : null,
                progress, overBudget.Token);
        }
        catch (OperationCanceledException) when (progress.OverBudget && !ct.IsCancellationRequested)
        {
            throw new ImageRefusedException($"The image is too large: its layers are more than {maxCompressedBytes / (1024 * 1024)} MB compressed. The pull was stopped. Use a slim base image and a multi-stage build.");
        }
        catch (DockerApiException e)
        {
            throw new ImageUnavailableException(DescribePullFailure(image, LoggedEngineText(image, ExtractMessage(e))), e);
        }

        GraderTelemetry.Pulled(progress.CompressedBytes);
        var pulled = await TryInspectImageAsync(image.ToString(), ct);
        if (pulled is null)
        {
            throw new ImageUnavailableException(DescribePullFailure(image, LoggedEngineText(image, progress.Error ?? "")));
        }

        var digest = image.Digest ?? pulled.RepoDigests?.FirstOrDefault(d => d.StartsWith(image.Name + "@", StringComparison.Ordinal))?.Split('@')[1];
        return (pulled.ID, digest, FactsOf(pulled));
    }

    /// <summary>Turns the engine's words into something a student can act on. The engine's own text is
    /// never passed on: for a registry on a host's port it would tell open from closed ports.</summary>
    public static string DescribePullFailure(ImageReference image, string engineMessage)
    {
        var m = engineMessage.ToLowerInvariant();
        if (m.Contains("manifest unknown") || m.Contains("manifest for") && m.Contains("not found"))
        {
            return $"The tag '{image.PullTag}' does not exist in {image.Name}. Push it, or check the tag you submitted.";
        }

        if (m.Contains("unauthorized") || m.Contains("authentication required") || m.Contains("denied") || m.Contains("no basic auth credentials"))
        {
            return $"The registry {image.Registry} refused access to {image.Name}. Make the image public, or check that the grader has access to it.";
        }

        if (m.Contains("name unknown") || m.Contains("repository does not exist") || m.Contains("not found") && !m.Contains("no such host"))
        {
            return $"The image {image.Name} was not found in {image.Registry}. Check the owner and repository name.";
        }

        return $"The image {image} could not be pulled: the registry {image.Registry} could not be reached or did not answer as a registry. Check the registry's name, or try again later.";
    }

    private static ImageFacts FactsOf(ImageInspectResponse image) => new(
        image.Os, image.Architecture, image.Config?.Entrypoint?.ToList() ?? [], image.Config?.Cmd?.ToList() ?? [],
        image.Config?.ExposedPorts?.Keys.ToList() ?? [], null, image.Size);

    private string LoggedEngineText(ImageReference image, string text)
    {
        LogPullFailed(logger, image.ToString(), text);
        return text;
    }

    /// <summary>Called on the engine's stream thread, in order (Progress&lt;T&gt; would post to the pool).</summary>
    private sealed class PullProgress(long maxCompressedBytes, CancellationTokenSource stop) : IProgress<JSONMessage>
    {
        private readonly Dictionary<string, long> _layers = [];

        public string? Error { get; private set; }

        public bool OverBudget { get; private set; }

        public long CompressedBytes => _layers.Values.Sum();

        public void Report(JSONMessage value)
        {
            Error ??= value.ErrorMessage ?? value.Error?.Message;
            if (value.Status == "Downloading" && value.Progress?.Total > 0 && value.ID is { } layer)
            {
                _layers[layer] = value.Progress.Total;
                if (!OverBudget && _layers.Values.Sum() > maxCompressedBytes)
                {
                    OverBudget = true;
                    stop.Cancel();
                }
            }
        }
    }

    public async Task<StartedContainer> StartAsync(ContainerSpec spec, CancellationToken ct)
    {
        var limits = spec.Limits;
        var memory = limits.MemoryMb * 1024L * 1024L;
        var writable = WritableMounts.For(limits);
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
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string>(writable.Tmpfs),
                ShmSize = writable.ShmBytes,
            },
        }, ct);

        try
        {
            await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        }
        catch (DockerApiException e) when (StartRefusal(ExtractMessage(e)) is { } reason)
        {
            throw new ImageRefusedException(reason, e);
        }

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

    /// <summary>A start the image itself made impossible, in the student's words; null for our own failures.</summary>
    public static string? StartRefusal(string engineMessage)
    {
        var m = engineMessage.ToLowerInvariant();
        var executable = ExecutablePattern().Match(engineMessage) is { Success: true } found ? $" ('{found.Groups[1].Value}')" : "";
        if (m.Contains("exec format error"))
        {
            return $"The image's entrypoint{executable} is not a program this host can run (exec format error): it was built for another CPU architecture, or it is a script without a #! line. Rebuild it with: docker buildx build --platform linux/amd64 ...";
        }

        if (m.Contains("executable file not found") || m.Contains("no such file or directory") && (m.Contains("exec") || m.Contains("stat")))
        {
            return $"The image's entrypoint or command{executable} does not exist in the image. Check ENTRYPOINT and CMD in your Dockerfile (and that the file was copied in).";
        }

        return m.Contains("permission denied") && m.Contains("exec")
            ? $"The image's entrypoint or command{executable} is not executable. Mark it executable in your Dockerfile (RUN chmod +x ...)."
            : null;
    }

    /// <summary>The runtime reports a program it cannot execute in the container's own output (runc
    /// execs after the start succeeded); a short log that says so is the image's fault.</summary>
    public static string? ExecRefusal(string? logs) =>
        logs is { Length: < 4096 } && logs.Contains("exec format error", StringComparison.Ordinal) ? StartRefusal(logs) : null;

    /// <summary>The disk the engine's image layers take, each shared layer once (<c>docker system df</c>,
    /// which this client library does not wrap).</summary>
    public async Task<long> ImageLayersBytesAsync(CancellationToken ct)
    {
        var endpoint = new Uri(_options.Endpoint);
        using var handler = new SocketsHttpHandler();
        var baseUri = endpoint;
        if (endpoint.Scheme == "unix")
        {
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(endpoint.AbsolutePath), token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            };
            baseUri = new Uri("http://engine/");
        }
        else if (endpoint.Scheme == "tcp")
        {
            baseUri = new Uri($"http://{endpoint.Authority}/");
        }

        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
        using var df = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("v1.41/system/df", ct));
        return df.RootElement.GetProperty("LayersSize").GetInt64();
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
    public async Task<IReadOnlyList<SandboxContainer>> ListOwnContainersAsync(string hostTag, CancellationToken ct) =>
        (await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{SandboxNames.LabelHost}={hostTag}"] = true },
            },
        }, ct)).Select(c => new SandboxContainer(c.ID, c.Names.FirstOrDefault() ?? c.ID)).ToList();

    public string? EntrypointRefusal(string? logs) => ExecRefusal(logs);

    public bool IsEngineFailure(Exception e) => IsServerError(e);

    /// <summary>A Docker API answer of 5xx: the daemon failed, not the request.</summary>
    public static bool IsServerError(Exception e) => e is DockerApiException { StatusCode: >= HttpStatusCode.InternalServerError };

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

    public RegistryCredential? CredentialFor(string registry) =>
        _options.Registries.FirstOrDefault(r => string.Equals(r.Server, registry, StringComparison.OrdinalIgnoreCase));

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

    [System.Text.RegularExpressions.GeneratedRegex(@"exec:? ""?(/?[^""\s:]{1,200})""?:")]
    private static partial System.Text.RegularExpressions.Regex ExecutablePattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Started container {ContainerId} for task {TaskId} attempt {Attempt} at {IpAddress}")]
    private static partial void LogContainerStarted(ILogger logger, Guid taskId, int attempt, string containerId, string ipAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pull of {Image} failed; the engine said: {EngineMessage}")]
    private static partial void LogPullFailed(ILogger logger, string image, string engineMessage);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kept image {ImageId}: the engine answered {StatusCode}")]
    private static partial void LogImageKept(ILogger logger, string imageId, HttpStatusCode statusCode);
}
