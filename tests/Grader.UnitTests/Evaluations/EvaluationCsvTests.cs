using Grader.Evaluations;

namespace Grader.UnitTests.Evaluations;

public class EvaluationCsvTests
{
    [Fact]
    public void ReadsUsersImagesAndKeepsTheFormsOtherColumns()
    {
        var result = EvaluationCsv.Parse("Timestamp,Username,Docker image\r\n2024-10-01,alice,ghcr.io/Alice/App:v1\r\n\"2024-10-02, late\",bob,\"ghcr.io/bob/app\"\n");

        Assert.Empty(result.Errors);
        Assert.Collection(result.Rows,
            a => Assert.Equal((2, "alice", "ghcr.io/alice/app:v1", "2024-10-01"), (a.Line, a.UserId, a.Image, a.Extra["Timestamp"])),
            b => Assert.Equal((3, "bob", "ghcr.io/bob/app:latest", "2024-10-02, late"), (b.Line, b.UserId, b.Image, b.Extra["Timestamp"])));
    }

    [Fact]
    public void EveryBadLineIsReportedWithItsNumberAndTheValidLinesAreKept()
    {
        var result = EvaluationCsv.Parse("user,image\nalice,ghcr.io/alice/app:-x\n,ghcr.io/x/y\nbob\ncarol,ghcr.io/c/app\ncarol,ghcr.io/c/other\n");

        Assert.Equal((5, "carol", "ghcr.io/c/app:latest"), (result.Rows.Single().Line, result.Rows[0].UserId, result.Rows[0].Image));
        Assert.Equal(4, result.Errors.Count);
        Assert.StartsWith("line 2: '-x' is not a valid tag", result.Errors[0]);
        Assert.Equal("line 3: the user is empty.", result.Errors[1]);
        Assert.Equal("line 4: 1 fields, but the header has 2.", result.Errors[2]);
        Assert.Equal("line 6: user 'carol' already appears on line 5.", result.Errors[3]);
    }

    [Theory]
    [InlineData("", "The file is empty")]
    [InlineData("name,repo\nalice,ghcr.io/a/b\n", "line 1: no user column")]
    [InlineData("user,repo\nalice,ghcr.io/a/b\n", "line 1: no image column")]
    [InlineData("user,image\n\"alice,ghcr.io/a/b\n", "line 2: a quoted field is never closed.")]
    public void MalformedFilesGetAClearError(string csv, string error)
    {
        var result = EvaluationCsv.Parse(csv);

        Assert.Empty(result.Rows);
        Assert.StartsWith(error, result.Errors[0]);
    }

    [Fact]
    public void QuotedFieldsMayHoldCommasQuotesAndNewlines()
    {
        var result = EvaluationCsv.Parse("user,image,note\nalice,ghcr.io/a/b,\"said \"\"hi\"\",\nthen left\"\nbob,ghcr.io/b/c,ok\n");

        Assert.Empty(result.Errors);
        Assert.Equal("said \"hi\",\nthen left", result.Rows[0].Extra["note"]);
        Assert.Equal(4, result.Rows[1].Line);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"x\"", "\"say \"\"x\"\"\"")]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("-1+2", "'-1+2")]
    public void OutputFieldsAreQuotedAndNeverRunAsFormulas(string value, string written)
    {
        Assert.Equal(written, EvaluationCsv.Field(value));
    }
}
