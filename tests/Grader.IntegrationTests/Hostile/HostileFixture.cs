using System.Globalization;
using Grader.IntegrationTests.Grading;

namespace Grader.IntegrationTests.Hostile;

/// <summary>The grader of <see cref="GraderFixture"/> with sandbox budgets small enough for an attack
/// to cross them in seconds. The whole catalogue and the focused database attacks run on it, so one
/// catalogue run meets every budget the focused tests prove.</summary>
public sealed class HostileFixture : GraderFixture
{
    public const int DatabaseLimitMb = 64;
    public const int StatementTimeoutSeconds = 3;
    public const int IdleInTransactionSeconds = 5;
    public const int TempFileLimitMb = 16;

    public HostileFixture()
        : base("hostile", new Dictionary<string, string?>
        {
            ["Database:SandboxStatementTimeout"] = TimeSpan.FromSeconds(StatementTimeoutSeconds).ToString("c", CultureInfo.InvariantCulture),
            ["Database:SandboxIdleInTransactionTimeout"] = TimeSpan.FromSeconds(IdleInTransactionSeconds).ToString("c", CultureInfo.InvariantCulture),
            ["Database:SandboxDatabaseLimitMb"] = DatabaseLimitMb.ToString(CultureInfo.InvariantCulture),
            ["Database:SandboxTempFileLimitMb"] = TempFileLimitMb.ToString(CultureInfo.InvariantCulture),
        })
    {
    }
}

[CollectionDefinition(Name)]
public sealed class HostileCollection : ICollectionFixture<HostileFixture>
{
    public const string Name = "hostile";
}
