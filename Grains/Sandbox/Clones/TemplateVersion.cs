namespace Grader.Sandbox.Clones;

/// <summary>Which state of a template a clone was copied from. PostgreSQL keeps no version of a
/// database, so the grader reads two facts that every replacement or change moves: the database's oid
/// (a template dropped and created again, or another database named, has a new one) and the rows ever
/// written in it (<c>pg_stat_database</c>'s inserted + updated + deleted, counted for catalogs too, so DDL
/// moves it as well). A statistics reset or a server crash also moves it, which only drops clones.</summary>
[GenerateSerializer, Immutable, Alias("grader.TemplateVersion")]
public sealed record TemplateVersion([property: Id(0)] uint Oid, [property: Id(1)] long Writes);

/// <summary>A template as read just before a clone is taken or made.</summary>
public sealed record TemplateFacts(string Name, TemplateVersion Version, long Bytes);

/// <summary>What a pooled clone was made for; a claim takes a clone only when all of it matches.</summary>
public sealed record CloneKey(string Assignment, string Template, string Schemas, TemplateVersion Version)
{
    public static string SchemasKey(IReadOnlyList<string> schemas) => string.Join('\n', schemas);
}

/// <summary>A clone waiting in the pool under its own name, with a prepared NOLOGIN role of the same name.</summary>
public sealed record PooledClone(string Name, CloneKey Key, long Bytes, DateTimeOffset MadeAt);
