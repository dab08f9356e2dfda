using Grader.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Web.Queries;

public static class QueryServiceExtensions
{
    /// <summary>Saved and ad-hoc staff queries over grain state and the read model, and the audit log they write to.</summary>
    public static IServiceCollection AddGraderQueries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(Options.Create(configuration.Read<QueryOptions>(QueryOptions.Section)));
        // A factory: DI would otherwise pick the file-list constructor and hand it an empty IEnumerable.
        services.AddSingleton(_ => new SavedQueryCatalog());
        services.AddSingleton<QueryReaderRole>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<QueryRunner>();
        return services;
    }
}
