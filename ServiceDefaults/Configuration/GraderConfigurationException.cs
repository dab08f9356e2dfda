namespace Grader.Configuration;

/// <summary>A setting is missing or invalid. The message is one line that names the setting.</summary>
public sealed class GraderConfigurationException(string message) : Exception(message);
