using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>The audit CSV export opens as text in a spreadsheet whatever a cell starts with: no formula ever runs.</summary>
public sealed class CsvInjectionTests
{
    public static TheoryData<string> FormulaStarts => new()
    {
        "=HYPERLINK(\"http://evil.example\",\"Click\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "   =1+1",
        "\u00A0=1+1",
        "\u00A0 \u00A0+cmd",
        "  -cmd",
        "  @cmd",
        " \t=1",
        " \r=1",
        "\uFF1D1+1",
    };

    [Theory]
    [MemberData(nameof(FormulaStarts))]
    public void Every_formula_start_is_prefixed_with_a_quote_in_every_text_column(string value)
    {
        Assert.Equal("'" + value, SpreadsheetCell.Neutralise(value));

        var csv = AuditService.ToCsv([new AuditEntry
        {
            Seq = 7, At = DateTimeOffset.UnixEpoch, ActorName = value, ActorId = value, Action = value, EntityType = value, EntityId = value,
            Summary = value, PrevHash = "abc", Hash = "def",
        }]);

        var cell = "'" + value;
        var quoted = "\"" + cell.Replace("\"", "\"\"") + "\"";
        // Six text columns carry the value; each appears neutralised (bare or quoted), and never raw at a cell's start.
        var neutralised = CountOf(csv, "," + quoted) + CountOf(csv, "," + cell);
        Assert.True(neutralised >= 6, $"Expected six neutralised cells in: {csv}");
        Assert.DoesNotContain("," + value, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"" + value.Replace("\"", "\"\""), csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Opened \"Breach\" (major)")]
    [InlineData("alice@example.com")]
    [InlineData("3 - 2 = 1")]
    [InlineData("")]
    public void Ordinary_text_is_left_alone(string value) => Assert.Equal(value, SpreadsheetCell.Neutralise(value));

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
