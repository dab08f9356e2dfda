using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grader.Scenarios.Suites;

/// <summary>A YAML node with the place it starts. Built from the parser's events rather than YamlDotNet's
/// representation model, which stops at the first duplicate key: here a duplicate is one error among many.</summary>
public abstract record YamlNodeAt(int Line, int Column);

public sealed record YamlScalarAt(int Line, int Column, string Value, ScalarStyle Style, string? Tag) : YamlNodeAt(Line, Column)
{
    /// <summary>Quoted, block or explicitly tagged !!str: always a string, never a number or boolean.</summary>
    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any && Tag is null or "" or "?";

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed record YamlSequenceAt(int Line, int Column, List<YamlNodeAt> Items) : YamlNodeAt(Line, Column);

public sealed record YamlMappingAt(int Line, int Column, List<KeyValuePair<YamlNodeAt, YamlNodeAt>> Entries) : YamlNodeAt(Line, Column);

public static class YamlTree
{
    /// <summary>Aliases share nodes, so a few lines can stand for a huge tree ("billion laughs");
    /// counting every node reached bounds the work.</summary>
    public const int MaxNodes = 200_000;

    /// <summary>Reads one document. Throws <see cref="YamlException"/> (with its place) on bad syntax.</summary>
    public static YamlNodeAt? Load(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlNodeAt>(StringComparer.Ordinal);
        var count = 0;
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode(parser, anchors, ref count);
        parser.Consume<DocumentEnd>();
        if (!parser.TryConsume<StreamEnd>(out _))
        {
            var next = parser.Current!;
            throw new YamlException(next.Start, next.End, "a suite is one YAML document; remove the second '---' document");
        }

        return root;
    }

    private static YamlNodeAt ReadNode(IParser parser, Dictionary<string, YamlNodeAt> anchors, ref int count)
    {
        if (++count > MaxNodes)
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"the suite has more than {MaxNodes} nodes (through aliases)");
        }

        var start = parser.Current!.Start;
        YamlNodeAt node;
        string? anchor = null;
        switch (parser.Current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value} refers to no anchor");
            case Scalar scalar:
                parser.MoveNext();
                anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                node = new YamlScalarAt((int)start.Line, (int)start.Column, scalar.Value, scalar.Style, scalar.Tag.IsEmpty ? null : scalar.Tag.Value);
                break;
            case SequenceStart sequenceStart:
                parser.MoveNext();
                anchor = sequenceStart.Anchor.IsEmpty ? null : sequenceStart.Anchor.Value;
                var items = new List<YamlNodeAt>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(parser, anchors, ref count));
                }

                node = new YamlSequenceAt((int)start.Line, (int)start.Column, items);
                break;
            case MappingStart mappingStart:
                parser.MoveNext();
                anchor = mappingStart.Anchor.IsEmpty ? null : mappingStart.Anchor.Value;
                var entries = new List<KeyValuePair<YamlNodeAt, YamlNodeAt>>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, anchors, ref count);
                    entries.Add(new(key, ReadNode(parser, anchors, ref count)));
                }

                node = new YamlMappingAt((int)start.Line, (int)start.Column, entries);
                break;
            default:
                throw new YamlException(start, parser.Current.End, $"unexpected {parser.Current.GetType().Name}");
        }

        if (anchor is not null)
        {
            anchors[anchor] = node;
        }

        return node;
    }
}
