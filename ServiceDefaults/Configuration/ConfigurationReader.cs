using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Grader.Configuration;

/// <summary>Binds a section to an options class and checks it at once, so a bad setting stops the
/// process at start with one line such as <c>'Database:Password' is required</c>.</summary>
public static class ConfigurationReader
{
    public static T Read<T>(this IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new GraderConfigurationException($"Configuration error in section '{section}': {e.Message}");
        }

        var problem = FirstProblem(options, section);
        return problem is null ? options : throw new GraderConfigurationException("Configuration error: " + problem);
    }

    /// <summary>The first broken rule of an options object, phrased with its configuration key.</summary>
    public static string? FirstProblem(object options, string section)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{section}:{property.Name}";
            var value = property.GetValue(options);
            foreach (var rule in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (rule.IsValid(value))
                {
                    continue;
                }

                return rule switch
                {
                    RequiredAttribute => $"'{key}' is required (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}).",
                    RangeAttribute range => $"'{key}' must be between {range.Minimum} and {range.Maximum}, but is {Convert.ToString(value, CultureInfo.InvariantCulture)}.",
                    _ => $"'{key}' is invalid: {rule.FormatErrorMessage(property.Name)}",
                };
            }
        }

        if (options is IValidatableObject validatable)
        {
            var result = validatable.Validate(new ValidationContext(options)).FirstOrDefault();
            if (result is not null)
            {
                var member = result.MemberNames.FirstOrDefault();
                return member is null ? $"section '{section}': {result.ErrorMessage}" : $"'{section}:{member}' {result.ErrorMessage}";
            }
        }

        return null;
    }
}
