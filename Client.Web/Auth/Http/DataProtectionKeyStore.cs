using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Grader.Web.Auth.Http;

/// <summary>Keeps the keys that encrypt session and antiforgery cookies in PostgreSQL (table
/// auth_data_protection_keys) instead of the process's home directory, so every web process of a
/// cluster accepts the same cookies and a restart or a new container signs nobody out. The keys are
/// stored as the framework writes them: whoever can read this database can already read everything
/// the grader keeps.</summary>
public sealed class DataProtectionKeyStore(AuthDatabase database) : IXmlRepository
{
    // The framework calls these synchronously, rarely (at start and when a key is made or rolls over).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = database.Command("SELECT xml FROM auth_data_protection_keys ORDER BY id");
        try
        {
            using var reader = command.ExecuteReader();
            var keys = new List<XElement>();
            while (reader.Read())
            {
                keys.Add(XElement.Parse(reader.GetString(0)));
            }

            return keys;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The silo that applies the schema has not started yet; the key made now is stored later.
            return [];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = database.Command("INSERT INTO auth_data_protection_keys (name, xml) VALUES (@name, @xml)",
            ("name", friendlyName), ("xml", element.ToString(SaveOptions.DisableFormatting)));
        command.ExecuteNonQuery();
    }
}
