using Grader.Configuration;
using Grader.Sandbox;
using Microsoft.Extensions.Configuration;

namespace Grader.UnitTests.Sandbox;

public class DiskBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LeastRecentlyUsedImagesGoFirstTheLargerOfTwoEquallyOld()
    {
        var images = new[]
        {
            new BudgetedImage("new", 40, T0.AddHours(3), false),
            new BudgetedImage("old-small", 10, T0, false),
            new BudgetedImage("old-large", 90, T0, false),
            new BudgetedImage("middle", 40, T0.AddHours(1), false),
        };

        Assert.Equal(["old-large", "old-small", "middle", "new"], ImageBudget.RemovalOrder(images).Select(v => v.Id));
    }

    [Fact]
    public void AnImageInUseIsNeverRemoved()
    {
        var images = new[]
        {
            new BudgetedImage("running", 100, T0, true),
            new BudgetedImage("idle", 10, T0.AddHours(1), false),
        };

        Assert.Equal(["idle"], ImageBudget.RemovalOrder(images).Select(v => v.Id));
    }

    [Theory]
    [InlineData(256, "size=64m", "size=32m", 16)]
    [InlineData(64, "size=16m", "size=8m", 4)]
    [InlineData(1024, "size=256m", "size=128m", 64)]
    public void TmpfsMountsTakeAtMostHalfOfTheMemoryLimit(int memoryMb, string tmp, string varTmp, long shmMb)
    {
        var mounts = WritableMounts.For(new ResourceLimits(memoryMb, 1, 64));

        Assert.EndsWith(tmp, mounts.Tmpfs["/tmp"]);
        Assert.EndsWith(varTmp, mounts.Tmpfs["/var/tmp"]);
        Assert.EndsWith("size=8m", mounts.Tmpfs["/run"]);
        Assert.Equal(shmMb * WritableMounts.Mb, mounts.ShmBytes);
        var total = mounts.Tmpfs.Values.Sum(o => long.Parse(o.Split("size=")[1].TrimEnd('m'), System.Globalization.CultureInfo.InvariantCulture)) + shmMb;
        Assert.True(total <= memoryMb / 2 + 8, $"{total} MB of tmpfs for {memoryMb} MB of memory");
    }

    [Fact]
    public void AnEmptyAllowListMeansTheDefaultRegistries()
    {
        var options = new ImageOptions();

        Assert.True(options.Allows(ImageReference.Parse("ghcr.io/a/b")));
        Assert.True(options.Allows(ImageReference.Parse("nginx")));
        Assert.Contains("not accepted", options.RefusalFor(ImageReference.Parse("127.0.0.1:22/x:y")));
    }

    [Fact]
    public void AConfiguredAllowListReplacesTheDefaults()
    {
        var options = Config(("Images:AllowedRegistries:0", "registry.example.edu:5000")).Read<ImageOptions>(ImageOptions.Section);

        Assert.True(options.Allows(ImageReference.Parse("registry.example.edu:5000/a/b")));
        Assert.False(options.Allows(ImageReference.Parse("ghcr.io/a/b")));
    }

    [Theory]
    [InlineData("Images:AllowedRegistries:0", "https://ghcr.io", "'Images:AllowedRegistries' holds 'https://ghcr.io'")]
    [InlineData("Images:Platform", "amd64", "'Images:Platform' is 'amd64'")]
    [InlineData("Images:MaxCompressedMb", "0", "'Images:MaxCompressedMb' must be between")]
    public void ABadSettingStopsTheStartNamingItsKey(string key, string value, string message)
    {
        var error = Assert.Throws<GraderConfigurationException>(() => Config((key, value)).Read<ImageOptions>(ImageOptions.Section));

        Assert.Contains(message, error.Message);
    }

    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
