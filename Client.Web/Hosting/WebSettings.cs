namespace Grader.Web.Hosting;

public enum WebMode
{
    /// <summary>This process is also the machine's silo: one process serves a single machine.</summary>
    Embedded,
    /// <summary>This process joins an existing cluster through Redis as an Orleans client.</summary>
    Cluster,
}

/// <summary>Section: <c>Web</c>.</summary>
public sealed class WebSettings
{
    public const string Section = "Web";

    public WebMode Mode { get; set; } = WebMode.Embedded;
}
