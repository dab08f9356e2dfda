using Grader.Sandbox;

namespace Grader.UnitTests.Sandbox;

public class ImagePreflightTests
{
    private static readonly ImageOptions Options = new() { MaxCompressedMb = 100, MaxUncompressedMb = 300 };
    private static readonly ImageReference Image = ImageReference.Parse("ghcr.io/alice/app:v1");

    private static ImageFacts Facts(string arch = "amd64", string[]? cmd = null, string[]? entrypoint = null, string[]? ports = null, long? compressed = null, long? uncompressed = null) =>
        new("linux", arch, entrypoint ?? [], cmd ?? ["/app/server"], ports ?? ["8000/tcp"], compressed, uncompressed);

    [Fact]
    public void AnImageForThisHostWithACommandPasses()
    {
        var verdict = ImagePreflight.Judge(Image, Facts(), 8000, Options);

        Assert.Null(verdict.Refusal);
        Assert.Empty(verdict.Warnings);
    }

    [Fact]
    public void AnArm64ImageIsRefusedWithTheExactRebuildCommand()
    {
        var verdict = ImagePreflight.Judge(Image, Facts(arch: "arm64"), 8000, Options);

        Assert.Contains("built for linux/arm64", verdict.Refusal);
        Assert.EndsWith("docker buildx build --platform linux/amd64 -t ghcr.io/alice/app:v1 --push .", verdict.Refusal);
    }

    [Fact]
    public void AnIndexWithoutThisPlatformNamesThePlatformsItHas()
    {
        var facts = new ImageFacts(null, null, [], [], [], null, null) { OtherPlatforms = ["linux/arm64", "linux/arm/v7"] };

        var verdict = ImagePreflight.Judge(Image, facts, 8000, Options);

        Assert.Contains("only for linux/arm64, linux/arm/v7", verdict.Refusal);
        Assert.Contains("--platform linux/amd64", verdict.Refusal);
    }

    [Fact]
    public void NoEntrypointAndNoCommandIsRefused()
    {
        var verdict = ImagePreflight.Judge(Image, Facts(cmd: []), 8000, Options);

        Assert.Contains("neither ENTRYPOINT nor CMD", verdict.Refusal);
    }

    [Fact]
    public void AnEntrypointAloneIsEnough() =>
        Assert.Null(ImagePreflight.Judge(Image, Facts(cmd: [], entrypoint: ["/app/server"]), 8000, Options).Refusal);

    [Theory]
    [InlineData(101L * 1024 * 1024, null, "compressed")]
    [InlineData(null, 301L * 1024 * 1024, "unpacks to 301 MB")]
    public void AnImageOverEitherSizeLimitIsRefused(long? compressed, long? uncompressed, string reason)
    {
        var verdict = ImagePreflight.Judge(Image, Facts(compressed: compressed, uncompressed: uncompressed), 8000, Options);

        Assert.Contains(reason, verdict.Refusal);
    }

    [Fact]
    public void SizesAtTheLimitPass() =>
        Assert.Null(ImagePreflight.Judge(Image, Facts(compressed: 100L * 1024 * 1024, uncompressed: 300L * 1024 * 1024), 8000, Options).Refusal);

    [Fact]
    public void AnotherExposedPortIsAWarningNotARefusal()
    {
        var verdict = ImagePreflight.Judge(Image, Facts(ports: ["3000/tcp"]), 8000, Options);

        Assert.Null(verdict.Refusal);
        Assert.Equal("The image declares EXPOSE 3000, but the assignment expects the app on port 8000. Make the app listen on 0.0.0.0:8000.", Assert.Single(verdict.Warnings));
    }

    [Theory]
    [InlineData("")]
    [InlineData("8000/tcp,9000/tcp")]
    [InlineData("8000/udp,8000")]
    public void NoExposeOrTheRightPortAmongOthersIsNoWarning(string ports) =>
        Assert.Empty(ImagePreflight.Judge(Image, Facts(ports: ports.Split(',', StringSplitOptions.RemoveEmptyEntries)), 8000, Options).Warnings);
}
