namespace Grader.Sandbox;

/// <summary>The student's image could not be had; the message is written for the student.</summary>
public sealed class ImageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
