namespace Grader.UnitTests.Scenarios;

public class VariablesTests
{
    private static readonly Dictionary<string, JsonElement> Values = new()
    {
        ["id"] = JsonDocument.Parse("101").RootElement.Clone(),
        ["name"] = JsonDocument.Parse("\"a b/c\"").RootElement.Clone(),
        ["tags"] = JsonDocument.Parse("""["x","y"]""").RootElement.Clone(),
        ["none"] = JsonDocument.Parse("null").RootElement.Clone(),
    };

    [Fact]
    public void WholeReferenceInJsonKeepsTheCapturedType()
    {
        var filled = Variables.FillJson("""{"id":"{{id}}","tags":"{{ tags }}","none":"{{none}}","name":"{{name}}"}""", Values);

        Assert.Equal("""{"id":101,"tags":["x","y"],"none":null,"name":"a b/c"}""", filled);
    }

    [Fact]
    public void ReferenceInsideLongerTextBecomesText()
    {
        var filled = Variables.FillJson("""{"label":"item {{id}} is {{name}}","nested":[{"k":"#regex {{id}}"}]}""", Values);

        Assert.Equal("""{"label":"item 101 is a b/c","nested":[{"k":"#regex 101"}]}""", filled);
    }

    [Fact]
    public void TextFillingCanEncodeValuesAndLeavesUnknownReferences()
    {
        Assert.Equal("/v1/items/101/a%20b%2Fc/{{other}}", Variables.Fill("/v1/items/{{id}}/{{name}}/{{other}}", Values, Uri.EscapeDataString));
    }

    [Fact]
    public void UsesAreFoundInTextAndInJsonStringsButNotInKeys()
    {
        Assert.Equal(["id", "name", "id"], Variables.UsedIn("/{{id}}/{{ name }}?x={{id}}&y={{ bad-name }}"));
        Assert.Equal(["a", "b"], Variables.UsedInJson("""{"{{key}}":"{{a}}","list":[1,"x {{b}}"]}"""));
        Assert.Empty(Variables.UsedInJson(null));
    }

    [Theory]
    [InlineData("$.id", "101")]
    [InlineData("items[1].name", "\"b\"")]
    [InlineData("$['odd key'][0]", "true")]
    public void SingleValuePathSelectsItsValue(string path, string expected)
    {
        using var document = JsonDocument.Parse("""{"id":101,"items":[{"name":"a"},{"name":"b"}],"odd key":[true]}""");

        Assert.True(JsonPathPattern.Parse(path).TrySelect(document.RootElement, out var value));
        Assert.Equal(expected, value.GetRawText());
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.items[5]")]
    [InlineData("$.id.deeper")]
    [InlineData("$[0]")]
    public void SelectingAnAbsentValueFails(string path)
    {
        using var document = JsonDocument.Parse("""{"id":101,"items":[]}""");

        Assert.False(JsonPathPattern.Parse(path).TrySelect(document.RootElement, out _));
    }

    [Theory]
    [InlineData("$.items[*].id", false)]
    [InlineData("$..id", false)]
    [InlineData("$.*", false)]
    [InlineData("$.items[0].id", true)]
    public void OnlyPathsWithoutWildcardsNameOneValue(string path, bool single)
    {
        Assert.Equal(single, JsonPathPattern.Parse(path).IsSingleValue);
    }
}
