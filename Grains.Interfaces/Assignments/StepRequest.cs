namespace Grader.Assignments;

/// <summary>An HTTP request a step sends. JSON bodies are kept as text so state stays plain JSON.
/// Path, query and header values and both bodies may hold <c>{{variable}}</c> references.</summary>
/// <param name="RawBody">A non-JSON body sent as it is; <see cref="JsonBody"/> and this exclude each other.</param>
[GenerateSerializer, Immutable, Alias("grader.StepRequest")]
public sealed record StepRequest(
    [property: Id(0)] string Method,
    [property: Id(1)] string Path,
    [property: Id(2)] string? JsonBody = null,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Headers = null,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Query = null,
    [property: Id(5)] string? RawBody = null);
