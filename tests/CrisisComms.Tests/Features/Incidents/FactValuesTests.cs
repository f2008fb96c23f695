using System.Globalization;
using CrisisComms.Web.Features.Incidents;

namespace CrisisComms.Tests.Features.Incidents;

/// <summary>Fact values: what is accepted per type, how it is stored, and how it reads.</summary>
public sealed class FactValuesTests
{
    private static readonly TimeZoneInfo Sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");
    private static readonly CultureInfo EnAu = CultureInfo.GetCultureInfo("en-AU");

    // ---- numbers ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("6000000", "6000000")]
    [InlineData("6,000,000", "6000000")]
    [InlineData(" 6 000 000 ", "6000000")]
    [InlineData("6_000_000", "6000000")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("+42", "42")]
    [InlineData("0", "0")]
    public void Numbers_are_stored_plainly(string input, string stored)
    {
        Assert.Equal(stored, Accept(FactType.Number, input));
    }

    [Theory]
    [InlineData("6000000", "6,000,000")]
    [InlineData("6,000,000", "6,000,000")]
    [InlineData("1234", "1,234")]
    [InlineData("-20000", "-20,000")]
    public void Numbers_read_with_thousands_separators(string input, string display)
    {
        Assert.Equal(display, FactValues.Display(FactType.Number, Accept(FactType.Number, input), EnAu, Sydney));
    }

    [Theory]
    [InlineData("six million")]
    [InlineData("6 million")]
    [InlineData("1e6")]
    [InlineData("6.000.000")]
    [InlineData("$5")]
    public void Words_are_not_numbers(string input)
    {
        var error = Refuse(FactType.Number, input);

        Assert.Contains($"\"{input}\"", error, StringComparison.Ordinal);
        Assert.Contains("not a number", error, StringComparison.Ordinal);
    }

    /// <summary>Regression (was a bug): Display uses the "N" format, which rounds to the culture's decimals, so 0.0001 reads as "0.000".</summary>
    [Theory]
    [InlineData("0.0001", "0.0001")]
    [InlineData("1234.5678", "1,234.5678")]
    public void A_decimal_number_reads_as_its_value(string stored, string display)
    {
        Assert.Equal(display, FactValues.Display(FactType.Number, stored, EnAu, Sydney));
    }

    // ---- lists ------------------------------------------------------------------------------------

    [Fact]
    public void A_list_is_one_item_per_line_with_bullets_and_blank_lines_dropped()
    {
        var stored = Accept(FactType.List, "- Ainslie\n\n* Braddon\r\n   \n• Campbell\n  Dickson  \n");

        Assert.Equal("Ainslie\nBraddon\nCampbell\nDickson", stored);
        Assert.Equal(["Ainslie", "Braddon", "Campbell", "Dickson"], FactValues.Items(stored));
        Assert.Equal("Ainslie, Braddon, Campbell and Dickson", FactValues.Display(FactType.List, stored, EnAu, Sydney));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\n")]
    [InlineData("- \n * \n")]
    public void An_empty_list_is_refused(string input)
    {
        Assert.Contains("at least one item", Refuse(FactType.List, input), StringComparison.Ordinal);
    }

    /// <summary>
    /// Regression (was a bug): TrimStart('-', '*', '•') strips any leading minus sign or asterisk, not just a bullet,
    /// so "-5°C overnight" is stored as "5°C overnight" and "*Boil* water" as "Boil* water".
    /// </summary>
    [Theory]
    [InlineData("-5°C overnight\n- Roads closed", "-5°C overnight\nRoads closed")]
    [InlineData("- -5°C overnight", "-5°C overnight")]
    [InlineData("*Boil* water first", "*Boil* water first")]
    public void Only_a_bullet_is_stripped_from_a_list_item(string input, string stored)
    {
        Assert.Equal(stored, Accept(FactType.List, input));
    }

    [Theory]
    [InlineData("a\nb\nc", "a, b and c")]
    [InlineData("a", "a")]
    [InlineData("a\nb", "a and b")]
    public void A_list_reads_as_a_sentence(string stored, string display)
    {
        Assert.Equal(display, FactValues.Display(FactType.List, stored, EnAu, Sydney));
        Assert.Equal(display, FactValues.JoinList(FactValues.Items(stored)));
    }

    [Fact]
    public void An_empty_list_reads_as_nothing()
    {
        Assert.Equal("", FactValues.JoinList([]));
    }

    // ---- date-times -------------------------------------------------------------------------------

    [Theory]
    [InlineData("2026-11-24T16:00:00+11:00", "2026-11-24T05:00:00.0000000+00:00")]
    [InlineData("2026-11-24T05:00:00Z", "2026-11-24T05:00:00.0000000+00:00")]
    [InlineData("2026-11-24 16:00 +1100", "2026-11-24T05:00:00.0000000+00:00")]
    [InlineData("2026-11-24T00:00:00-05:00", "2026-11-24T05:00:00.0000000+00:00")]
    public void A_time_with_an_offset_is_stored_as_utc(string input, string stored)
    {
        Assert.Equal(stored, Accept(FactType.DateTime, input));
    }

    [Theory]
    [InlineData("2026-11-24 16:00", "2026-11-24T05:00:00.0000000+00:00")] // AEDT, UTC+11
    [InlineData("2026-06-24 16:00", "2026-06-24T06:00:00.0000000+00:00")] // AEST, UTC+10
    [InlineData("2026-11-24T16:00:00", "2026-11-24T05:00:00.0000000+00:00")]
    public void A_time_without_an_offset_is_read_in_the_given_zone(string input, string stored)
    {
        Assert.Equal(stored, Accept(FactType.DateTime, input));
    }

    [Fact]
    public void A_stored_time_reads_in_the_organisation_zone()
    {
        Assert.Equal("Tuesday 24 November 2026, 4:00 pm AEDT",
            FactValues.Display(FactType.DateTime, "2026-11-24T05:00:00.0000000+00:00", EnAu, Sydney));
        Assert.Equal("Wednesday 24 June 2026, 4:00 pm AEST",
            FactValues.Display(FactType.DateTime, "2026-06-24T06:00:00.0000000+00:00", EnAu, Sydney));
    }

    [Theory]
    [InlineData("next Tuesday-ish")]
    [InlineData("soon")]
    [InlineData("2026-13-45 25:00")]
    public void Garbage_is_not_a_time(string input)
    {
        var error = Refuse(FactType.DateTime, input);

        Assert.Contains($"\"{input}\"", error, StringComparison.Ordinal);
        Assert.Contains("not a date and time", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Regression (was a bug): 2:30 am on 4 October 2026 does not exist in Sydney (clocks jump from 2:00 to 3:00);
    /// TimeZoneInfo.ConvertTimeToUtc throws ArgumentException out of TryNormalise instead of it returning false.
    /// </summary>
    [Fact]
    public void A_local_time_skipped_by_daylight_saving_is_refused_not_thrown()
    {
        var error = Record.Exception(() => FactValues.TryNormalise(FactType.DateTime, "2026-10-04 02:30", Sydney, out _, out _));

        Assert.Null(error);
    }

    /// <summary>
    /// Regression (was a bug): dates without an offset are parsed with the invariant (US) culture, so an Australian
    /// "01/02/2026" (1 February) is silently stored as 2 January. It should be refused as ambiguous or read day-first.
    /// </summary>
    [Fact]
    public void An_ambiguous_day_month_date_is_not_silently_read_month_first()
    {
        var ok = FactValues.TryNormalise(FactType.DateTime, "01/02/2026 09:00", Sydney, out var stored, out _);

        Assert.False(ok && stored.StartsWith("2026-01-01T22:00:00", StringComparison.Ordinal),
            $"\"01/02/2026 09:00\" was stored as {stored} (2 January, 9 am Sydney)");
    }

    // ---- phone, email, url ------------------------------------------------------------------------

    [Theory]
    [InlineData("+61 2 5550 1234")]
    [InlineData("1800 160 401")]
    [InlineData("13 11 14")]
    [InlineData("0400-123-456")]
    [InlineData("+1 (555) 010-9999")]
    public void Phone_numbers_are_accepted_as_written(string input)
    {
        Assert.Equal(input, Accept(FactType.Phone, input));
    }

    /// <summary>Regression (was a bug): the pattern needs a digit first, so the usual Australian "(02) 5550 1234" is refused although the message allows brackets.</summary>
    [Fact]
    public void A_phone_number_with_an_area_code_in_brackets_is_accepted()
    {
        Assert.Equal("(02) 5550 1234", Accept(FactType.Phone, "(02) 5550 1234"));
    }

    [Theory]
    [InlineData("call me")]
    [InlineData("123")]
    [InlineData("1800 CALL NOW")]
    [InlineData("+61 2 5550 1234 ext. 5")]
    public void Things_that_are_not_phone_numbers_are_refused(string input)
    {
        Assert.Contains($"\"{input}\" is not a phone number", Refuse(FactType.Phone, input), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("media@example.com")]
    [InlineData("first.last+tag@sub.example.com.au")]
    public void Email_addresses_are_accepted(string input)
    {
        Assert.Equal(input, Accept(FactType.Email, input));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b@example.com")]
    [InlineData("Media Team <media@example.com>")]
    [InlineData("media team@example.com")]
    [InlineData("@example.com")]
    public void Things_that_are_not_email_addresses_are_refused(string input)
    {
        Assert.Contains("not a valid email address", Refuse(FactType.Email, input), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.com/help", "https://example.com/help")]
    [InlineData("http://example.com", "http://example.com/")]
    [InlineData("  https://example.com/a?b=c#d  ", "https://example.com/a?b=c#d")]
    public void Web_addresses_are_accepted(string input, string stored)
    {
        Assert.Equal(stored, Accept(FactType.Url, input));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("ftp://x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("mailto:a@example.com")]
    [InlineData("example.com")]
    [InlineData("/relative/path")]
    public void Anything_but_an_http_or_https_address_is_refused(string input)
    {
        Assert.Contains("is not a web address", Refuse(FactType.Url, input), StringComparison.Ordinal);
    }

    /// <summary>
    /// Regression (was a bug): the value is stored with Uri.ToString(), which un-escapes it, so "%20" becomes a space and
    /// "%22" a quote. The stored address is no longer a valid URL, and [here]({{ facts.url }}) stops being a link.
    /// </summary>
    [Theory]
    [InlineData("https://example.com/a%20b", "https://example.com/a%20b")]
    [InlineData("https://example.com/search?q=%22flood%22%20warning", "https://example.com/search?q=%22flood%22%20warning")]
    public void A_web_address_keeps_its_escapes(string input, string stored)
    {
        Assert.Equal(stored, Accept(FactType.Url, input));
    }

    // ---- every type -------------------------------------------------------------------------------

    [Theory]
    [InlineData(FactType.Text)]
    [InlineData(FactType.Number)]
    [InlineData(FactType.DateTime)]
    [InlineData(FactType.Phone)]
    [InlineData(FactType.Email)]
    [InlineData(FactType.Url)]
    public void A_value_is_required(FactType type)
    {
        Assert.Equal("A value is required.", Refuse(type, "   "));
        Assert.Equal("A value is required.", Refuse(type, null));
    }

    [Theory]
    [InlineData(FactType.Text)]
    [InlineData(FactType.List)]
    [InlineData(FactType.Number)]
    public void Values_over_4000_characters_are_refused(FactType type)
    {
        var tooLong = new string('1', Fact.ValueMaxLength + 1);

        Assert.Equal("The value must be at most 4000 characters.", Refuse(type, tooLong));
    }

    [Fact]
    public void Text_of_exactly_4000_characters_is_accepted_and_trimmed()
    {
        var text = new string('a', Fact.ValueMaxLength);

        Assert.Equal(text, Accept(FactType.Text, "  " + text + "  "));
    }

    [Fact]
    public void Text_is_stored_as_typed_apart_from_surrounding_space()
    {
        Assert.Equal("Australian Federal Police <AFP> & \"partners\"", Accept(FactType.Text, "  Australian Federal Police <AFP> & \"partners\"\n"));
    }

    private static string Accept(FactType type, string? input)
    {
        var ok = FactValues.TryNormalise(type, input, Sydney, out var value, out var error);
        Assert.True(ok, $"{type} \"{input}\" was refused: {error}");
        Assert.Equal("", error);
        return value;
    }

    private static string Refuse(FactType type, string? input)
    {
        var ok = FactValues.TryNormalise(type, input, Sydney, out var value, out var error);
        Assert.False(ok, $"{type} \"{input}\" was accepted as \"{value}\"");
        Assert.NotEmpty(error);
        return error;
    }
}
