using Grader.Testing;

namespace Grader.Bench.Pipeline;

/// <summary>The local stack's settings, as <c>infra/stack.sh env</c> prints them (see <see cref="StackScripts"/>).</summary>
internal static class StackEnvironment
{
    public static string RepoRoot => StackScripts.RepoRoot;

    public static Dictionary<string, string> Read()
    {
        try
        {
            return StackScripts.ReadEnvironment();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("infra/stack.sh env failed; start the stack with infra/stack.sh up: " + e.Message, e);
        }
    }
}
