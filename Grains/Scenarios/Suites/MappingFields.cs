using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Scenarios.Suites;

/// <summary>Reads one YAML mapping of a known shape: reports unknown and duplicate keys (with a
/// suggestion for near misses) and gives typed access to the rest, reporting wrong types.</summary>
internal sealed partial class MappingFields
{
    private readonly Dictionary<string, (YamlNodeAt Key, YamlNodeAt Value)> _fields = new(StringComparer.Ordinal);
    private readonly SuiteReport _report;
    private readonly string _what;

    public MappingFields(YamlMappingAt mapping, string what, IReadOnlyCollection<string> known, SuiteReport report)
    {
        _report = report;
        _what = what;
        Node = mapping;
        foreach (var (keyNode, value) in mapping.Entries)
        {
            if (keyNode is not YamlScalarAt { Value: var key })
            {
                report.Error(keyNode, $"a key in {what} must be plain text");
                continue;
            }

            if (!known.Contains(key))
            {
                var hint = known.MinBy(k => Distance(k, key)) is { } near && Distance(near, key) <= Math.Max(2, key.Length / 3) ? $" (did you mean '{near}'?)" : "";
                report.Error(keyNode, $"unknown key '{key}' in {what}{hint}; allowed: {string.Join(", ", known)}");
            }
            else if (!_fields.TryAdd(key, (keyNode, value)))
            {
                report.Error(keyNode, $"duplicate key '{key}' in {what} (first at line {_fields[key].Key.Line})");
            }
        }
    }

    public YamlMappingAt Node { get; }

    public bool Has(string key) => _fields.ContainsKey(key);

    public YamlNodeAt? this[string key] => _fields.TryGetValue(key, out var field) ? field.Value : null;

    /// <summary>The place to report about a key's value, or the mapping itself when the key is missing.</summary>
    public YamlNodeAt At(string key) => this[key] ?? Node;

    public YamlNodeAt? Required(string key)
    {
        var value = this[key];
        if (value is null)
        {
            _report.Error(Node, $"{_what} needs '{key}'");
        }

        return value;
    }

    public string? String(string key, bool required = false) =>
        Typed(key, required, "text", n => n is YamlScalarAt { IsNull: false } scalar ? scalar.Value : null);

    public int? Int(string key, bool required = false) =>
        Typed<int?>(key, required, "a whole number", n => n is YamlScalarAt { IsPlain: true } scalar
            && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null);

    public decimal? Decimal(string key) =>
        Typed<decimal?>(key, false, "a number", n => n is YamlScalarAt { IsPlain: true } scalar
            && decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null);

    public bool? Bool(string key) =>
        Typed<bool?>(key, false, "true or false", n => n is YamlScalarAt { IsPlain: true, Value: var text } && bool.TryParse(text, out var value) ? value : null);

    /// <summary>Seconds as a number (<c>2.5</c>) or with a unit (<c>500ms</c>, <c>2s</c>, <c>1m</c>).</summary>
    public double? Seconds(string key) =>
        Typed<double?>(key, false, "a duration such as 5, 2.5s or 500ms", n =>
        {
            if (n is not YamlScalarAt scalar || DurationPattern().Match(scalar.Value.Trim()) is not { Success: true } m)
            {
                return null;
            }

            var number = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch
            {
                "ms" => number / 1000,
                "m" => number * 60,
                _ => number,
            };
        });

    /// <summary>One text or a list of texts.</summary>
    public List<(string Text, YamlNodeAt At)>? Strings(string key)
    {
        var node = this[key];
        switch (node)
        {
            case null:
                return null;
            case YamlScalarAt { IsNull: false } one:
                return [(one.Value, one)];
            case YamlSequenceAt sequence:
                var list = new List<(string, YamlNodeAt)>();
                foreach (var item in sequence.Items)
                {
                    if (item is YamlScalarAt { IsNull: false } text)
                    {
                        list.Add((text.Value, text));
                    }
                    else
                    {
                        _report.Error(item, $"each item of '{key}' in {_what} must be text, not {Describe(item)}");
                    }
                }

                return list;
            default:
                _report.Error(node, $"'{key}' in {_what} must be text or a list of texts, not {Describe(node)}");
                return null;
        }
    }

    public YamlMappingAt? Mapping(string key, bool required = false) =>
        Typed(key, required, "a mapping (key: value lines)", n => n as YamlMappingAt);

    public YamlSequenceAt? Sequence(string key, bool required = false) =>
        Typed(key, required, "a list ('- ' items)", n => n as YamlSequenceAt);

    /// <summary>The key's value as <paramref name="read"/> takes it (null: not of that kind, reported as not
    /// <paramref name="expected"/>), or null when the key is missing (reported if it is required).</summary>
    private T? Typed<T>(string key, bool required, string expected, Func<YamlNodeAt, T?> read)
    {
        var node = required ? Required(key) : this[key];
        if (node is null)
        {
            return default;
        }

        if (read(node) is { } value)
        {
            return value;
        }

        _report.Error(node, $"'{key}' in {_what} must be {expected}, not {Describe(node)}");
        return default;
    }

    /// <summary>A mapping of names to texts, e.g. headers or query parameters.</summary>
    public Dictionary<string, string>? TextMap(string key, Func<string, string?>? checkName = null)
    {
        var mapping = Mapping(key);
        if (mapping is null)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (nameNode, valueNode) in mapping.Entries)
        {
            if (nameNode is not YamlScalarAt { Value: var name })
            {
                _report.Error(nameNode, $"a name in '{key}' must be plain text");
                continue;
            }

            _report.ErrorIf(nameNode, checkName?.Invoke(name));
            if (valueNode is not YamlScalarAt { IsNull: false } value)
            {
                _report.Error(valueNode, $"'{key}.{name}' in {_what} must be text, not {Describe(valueNode)}");
            }
            else if (!map.TryAdd(name, value.Value))
            {
                _report.Error(nameNode, $"'{name}' appears twice in '{key}'");
            }
        }

        return map;
    }

    public static string Describe(YamlNodeAt node) => node switch
    {
        YamlMappingAt => "a mapping",
        YamlSequenceAt => "a list",
        YamlScalarAt { IsNull: true } => "nothing (null)",
        YamlScalarAt scalar => $"'{(scalar.Value.Length > 40 ? scalar.Value[..40] + "…" : scalar.Value)}'",
        _ => "something else",
    };

    /// <summary>Levenshtein distance, for "did you mean" hints on misspelt keys.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|m)?$")]
    private static partial Regex DurationPattern();
}
