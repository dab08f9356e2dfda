using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Grader.Silo.Storage;

/// <summary>Stores grain state as plain UTF-8 JSON, so staff can read it with SQL (the grain_state view).</summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(Options)!;
}
