using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Grader.Bench.Matcher;

/// <summary>Makes a response body of about the requested size, shaped like what student APIs return:
/// a list of records with ids, text, numbers, dates, tags and a nested object. Deterministic, so runs compare.</summary>
internal static class BodyGenerator
{
    public static string Actual(int targetBytes) => Write(targetBytes, (writer, i) => WriteItem(writer, i, exact: true));

    /// <summary>The same document with a mismatch in every hundredth item (a renamed value and a changed number).</summary>
    public static string WithDifferences(int targetBytes) => Write(targetBytes, (writer, i) => WriteItem(writer, i, exact: i % 100 != 0));

    /// <summary>Expected bodies as a teacher would write them: matchers for generated values.</summary>
    public static string WithMatchers(int targetBytes) => Write(targetBytes, WriteMatcherItem);

    private static string Write(int targetBytes, Action<Utf8JsonWriter, int> item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "ok");
            writer.WriteStartArray("items");
            for (var i = 0; buffer.Length + writer.BytesPending < targetBytes; i++)
            {
                item(writer, i);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteItem(Utf8JsonWriter writer, int i, bool exact)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", i + 1);
        writer.WriteString("uuid", new Guid(i, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8).ToString());
        writer.WriteString("name", exact ? $"Item number {i} with a reasonably long name" : $"Item number {i} renamed");
        writer.WriteNumber("price", exact ? (i % 1000) + 0.99m : (i % 1000) + 1.99m);
        writer.WriteBoolean("active", i % 3 != 0);
        writer.WriteString("created_at", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i).ToString("O", CultureInfo.InvariantCulture));
        writer.WriteStartArray("tags");
        writer.WriteStringValue("alpha");
        writer.WriteStringValue("beta");
        writer.WriteStringValue($"t{i % 17}");
        writer.WriteEndArray();
        writer.WriteStartObject("owner");
        writer.WriteNumber("id", i % 50);
        writer.WriteString("email", $"user{i % 50}@example.org");
        writer.WriteNull("deleted_at");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteMatcherItem(Utf8JsonWriter writer, int i)
    {
        writer.WriteStartObject();
        writer.WriteString("id", "#integer");
        writer.WriteString("uuid", "#uuid");
        writer.WriteString("name", "#regex Item number \\d+ .*");
        writer.WriteString("price", "#number");
        writer.WriteString("active", "#boolean");
        writer.WriteString("created_at", "#datetime");
        writer.WriteStartArray("tags");
        writer.WriteStringValue($"t{i % 17}");
        writer.WriteStringValue("alpha");
        writer.WriteStringValue("beta");
        writer.WriteEndArray();
        writer.WriteStartObject("owner");
        writer.WriteNumber("id", i % 50);
        writer.WriteString("email", "#string");
        writer.WriteString("deleted_at", "##string");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
