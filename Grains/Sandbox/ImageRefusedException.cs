namespace Grader.Sandbox;

/// <summary>The image was read and refused before it ran (registry not allowed, wrong platform, no
/// command, too large, an entrypoint that cannot start); the message is written for the student.</summary>
public sealed class ImageRefusedException(string message, Exception? inner = null) : Exception(message, inner);
