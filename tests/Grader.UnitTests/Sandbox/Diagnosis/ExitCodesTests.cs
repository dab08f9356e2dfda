using Grader.Sandbox.Diagnosis;

namespace Grader.UnitTests.Sandbox.Diagnosis;

public class ExitCodesTests
{
    [Theory]
    [InlineData(137L, false, "was killed (SIGKILL, exit code 137)")]
    [InlineData(137L, true, "was killed (out of memory, exit code 137)")]
    [InlineData(139L, false, "crashed with a segmentation fault (SIGSEGV, exit code 139)")]
    [InlineData(143L, false, "was terminated (SIGTERM, exit code 143)")]
    [InlineData(3L, false, "exited with code 3")]
    public void SignalExitCodesAreNamed(long code, bool oom, string expected)
    {
        Assert.StartsWith(expected, ExitCodes.Describe(code, oom));
    }

    [Fact]
    public void LabelsAreShort()
    {
        Assert.Equal(["139, segmentation fault", "137, killed: out of memory", "1"], [ExitCodes.Label(139, false), ExitCodes.Label(137, true), ExitCodes.Label(1, false)]);
    }
}
