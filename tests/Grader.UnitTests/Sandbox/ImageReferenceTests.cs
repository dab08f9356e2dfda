using Grader.Sandbox;

namespace Grader.UnitTests.Sandbox;

public class ImageReferenceTests
{
    private const string Hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void BareNameGetsDockerHubLibraryAndLatest()
    {
        var image = ImageReference.Parse("nginx");

        Assert.Equal(new ImageReference("docker.io", "library/nginx", "latest", null), image);
        Assert.Equal("docker.io/library/nginx", image.Name);
        Assert.Equal("latest", image.PullTag);
        Assert.Equal("docker.io/library/nginx:latest", image.ToString());
    }

    [Fact]
    public void UserRepositoryOnDockerHubGetsNoLibraryPrefix()
    {
        var image = ImageReference.Parse("alice/app:v2");

        Assert.Equal(new ImageReference("docker.io", "alice/app", "v2", null), image);
    }

    [Fact]
    public void ExplicitDockerHubRegistryStillGetsLibraryPrefix()
    {
        var image = ImageReference.Parse("docker.io/nginx");

        Assert.Equal(new ImageReference("docker.io", "library/nginx", "latest", null), image);
    }

    [Fact]
    public void RegistryWithPortIsKeptAndTagIsSplitAfterTheLastSlash()
    {
        var image = ImageReference.Parse("127.0.0.1:55000/students/app:correct");

        Assert.Equal(new ImageReference("127.0.0.1:55000", "students/app", "correct", null), image);
        Assert.Equal("127.0.0.1:55000/students/app", image.Name);
        Assert.Equal("correct", image.PullTag);
    }

    [Fact]
    public void RegistryPortWithoutTagIsNotMistakenForATag()
    {
        var image = ImageReference.Parse("localhost:5000/app");

        Assert.Equal(new ImageReference("localhost:5000", "app", "latest", null), image);
    }

    [Fact]
    public void LocalhostWithoutPortIsARegistry()
    {
        var image = ImageReference.Parse("localhost/app");

        Assert.Equal("localhost", image.Registry);
        Assert.Equal("app", image.Repository);
    }

    [Fact]
    public void RegistryAndRepositoryAreLowercasedButTagCaseIsPreserved()
    {
        var image = ImageReference.Parse("GHCR.io/Alice/App:V1.0-RC");

        Assert.Equal(new ImageReference("ghcr.io", "alice/app", "V1.0-RC", null), image);
    }

    [Fact]
    public void DigestOnlyReferenceHasNoTagAndPullsTheDigest()
    {
        var image = ImageReference.Parse($"ghcr.io/alice/app@sha256:{Hex64}");

        Assert.Null(image.Tag);
        Assert.Equal($"sha256:{Hex64}", image.Digest);
        Assert.Equal($"sha256:{Hex64}", image.PullTag);
        Assert.Equal($"ghcr.io/alice/app@sha256:{Hex64}", image.ToString());
    }

    [Fact]
    public void TagAndDigestAreBothKeptAndTheDigestIsPulled()
    {
        var image = ImageReference.Parse($"alpine:3.19@sha256:{Hex64}");

        Assert.Equal(new ImageReference("docker.io", "library/alpine", "3.19", $"sha256:{Hex64}"), image);
        Assert.Equal($"sha256:{Hex64}", image.PullTag);
        Assert.Equal($"docker.io/library/alpine:3.19@sha256:{Hex64}", image.ToString());
    }

    [Theory]
    [InlineData("https://ghcr.io/alice/app:1")]
    [InlineData("http://ghcr.io/alice/app:1")]
    [InlineData("docker://ghcr.io/alice/app:1")]
    [InlineData("docker pull ghcr.io/alice/app:1")]
    [InlineData("DOCKER PULL ghcr.io/alice/app:1")]
    [InlineData("  docker pull   https://ghcr.io/alice/app:1  ")]
    public void PastedPrefixesAndSurroundingSpaceAreStripped(string input)
    {
        Assert.Equal(new ImageReference("ghcr.io", "alice/app", "1", null), ImageReference.Parse(input));
    }

    [Theory]
    [InlineData("a__b/c-d")]
    [InlineData("alice/a.b-c---d")]
    [InlineData("a_b/0")]
    public void SeparatorsAllowedByTheEngineAreAccepted(string input)
    {
        Assert.True(ImageReference.TryParse(input, out var image, out var error), error);
        Assert.Equal(input, image.Repository);
    }

    [Fact]
    public void FirstComponentWithADotIsTheRegistryLikeTheEngineReadsIt()
    {
        var image = ImageReference.Parse("a.b/c");

        Assert.Equal(new ImageReference("a.b", "c", "latest", null), image);
    }

    [Fact]
    public void TagOf128CharactersIsAccepted()
    {
        var tag = new string('a', 128);

        Assert.Equal(tag, ImageReference.Parse("app:" + tag).Tag);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("https://")]
    public void EmptyReferenceIsRejectedWithAnExample(string? input)
    {
        var error = ParseError(input);

        Assert.StartsWith("The image reference is empty.", error);
        Assert.Contains("ghcr.io/alice/dbs-app:latest", error);
    }

    [Theory]
    [InlineData("ghcr.io/alice/my app")]
    [InlineData("ghcr.io/alice/app:\tv1")]
    public void WhiteSpaceInsideIsRejected(string input)
    {
        Assert.Equal($"The image reference '{input}' contains white space.", ParseError(input));
    }

    [Theory]
    [InlineData("app:-x", "-x")]
    [InlineData("app:.x", ".x")]
    [InlineData("app:", "")]
    [InlineData("app:a+b", "a+b")]
    public void InvalidTagIsRejectedAndNamed(string input, string tag)
    {
        var error = ParseError(input);

        Assert.StartsWith($"'{tag}' is not a valid tag:", error);
        Assert.Contains("at most 128", error);
    }

    [Fact]
    public void TagOf129CharactersIsRejected()
    {
        var tag = new string('a', 129);

        Assert.StartsWith($"'{tag}' is not a valid tag:", ParseError("app:" + tag));
    }

    [Theory]
    [InlineData("app@sha256:abc", "sha256:abc")]
    [InlineData("app@md5:" + Hex64, "md5:" + Hex64)]
    [InlineData("app@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("app@", "")]
    public void InvalidDigestIsRejectedAndNamed(string input, string digest)
    {
        Assert.Equal($"'{digest}' is not a valid digest: expected sha256: followed by 64 hex digits.", ParseError(input));
    }

    [Theory]
    [InlineData("a//b")]
    [InlineData("alice/app/")]
    [InlineData("ghcr.io/")]
    [InlineData("/app")]
    [InlineData("https://ghcr.io//app")]
    public void EmptyPathComponentIsRejectedQuotingTheInput(string input)
    {
        Assert.Equal($"'{input}' has an empty path component (check for a doubled or trailing '/').", ParseError(input));
    }

    [Theory]
    [InlineData("alice/a..b", "a..b")]
    [InlineData("alice/-a", "-a")]
    [InlineData("alice/a-", "a-")]
    [InlineData("alice/a___b", "a___b")]
    [InlineData("alice/a+b", "a+b")]
    [InlineData("Alice/Bad!Name", "bad!name")]
    public void InvalidRepositoryComponentIsRejectedAndNamed(string input, string component)
    {
        Assert.StartsWith($"'{component}' is not a valid repository name part:", ParseError(input));
    }

    [Theory]
    [InlineData("my_registry.com/app", "my_registry.com")]
    [InlineData("host.com:123456/app", "host.com:123456")]
    [InlineData("-bad.com/app", "-bad.com")]
    public void InvalidRegistryIsRejectedAndNamed(string input, string registry)
    {
        Assert.Equal($"'{registry}' is not a valid registry host (expected a host name with an optional :port).", ParseError(input));
    }

    [Fact]
    public void NameLongerThan255CharactersIsRejected()
    {
        // docker.io/ (10) + alice/ (6) + 240 = 256 characters.
        var input = "alice/" + new string('a', 240);

        Assert.Equal("The image name is longer than 255 characters.", ParseError(input));
    }

    [Fact]
    public void NameOfExactly255CharactersIsAccepted()
    {
        var input = "alice/" + new string('a', 239);

        Assert.Equal(255, ImageReference.Parse(input).Name.Length);
    }

    [Fact]
    public void ParseThrowsFormatExceptionWithTheSameMessage()
    {
        var exception = Assert.Throws<FormatException>(() => ImageReference.Parse("a//b"));

        Assert.Equal(ParseError("a//b"), exception.Message);
    }

    [Fact]
    public void ParsingTheNormalisedFormGivesTheSameReference()
    {
        foreach (var input in new[] { "nginx", "GHCR.io/Alice/App:V1", "127.0.0.1:55000/students/app:correct", $"alpine:3@sha256:{Hex64}", $"a/b@sha256:{Hex64}" })
        {
            var once = ImageReference.Parse(input);

            Assert.Equal(once, ImageReference.Parse(once.ToString()));
        }
    }

    private static string ParseError(string? input)
    {
        Assert.False(ImageReference.TryParse(input, out var image, out var error), $"'{input}' parsed as {image}");
        return error;
    }
}
