namespace Grader.Scenarios.Execution;

/// <summary>Which objects a SQL check may read or call. A student owns the tables in their database and
/// may create views, functions, operators, types and collations next to them, so anything but an
/// ordinary table or a built-in (pg_catalog) object could run the student's code or answer in the
/// table's place. Built-ins are pinned and never show up as dependencies at all; what does show up
/// must pass here.</summary>
public static class CheckDependencies
{
    private static readonly HashSet<string> SystemSchemas = new(StringComparer.Ordinal) { "pg_catalog", "information_schema" };

    /// <param name="type">pg_identify_object's type, e.g. "table", "view", "function".</param>
    /// <param name="relkind">pg_class.relkind for relations, empty for other objects.</param>
    /// <returns>Why the check is refused, or null when the object is safe to read.</returns>
    public static string? Problem(string type, string identity, string schema, string relkind, bool rowSecurity)
    {
        if (relkind.Length > 0)
        {
            if (SystemSchemas.Contains(schema))
            {
                return null;
            }

            // 'p': a partitioned table, whose partitions are tables too (foreign ones need a server no student has).
            if (relkind is not ("r" or "p"))
            {
                return $"refused: the query reads {identity}, which is a {type}, not a table. Checks read only ordinary tables, so nothing an app puts in a table's place can answer for it.";
            }

            return rowSecurity
                ? $"refused: table {identity} has row-level security enabled, which would filter what the check sees. Checks read tables whole."
                : null;
        }

        return schema == "pg_catalog"
            ? null
            : $"refused: the query uses the {type} {identity}, which is not built in. Checks call only built-in functions and operators, so no code from the app's database runs.";
    }
}
