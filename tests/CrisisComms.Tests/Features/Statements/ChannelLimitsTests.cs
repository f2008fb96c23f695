using System.Text;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>SMS segments (GSM-7 and UCS-2), social post length and word/character counts.</summary>
public sealed class ChannelLimitsTests
{
    // ---- GSM-7 ------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1, 1, 160)]
    [InlineData(160, 1, 160)]
    [InlineData(161, 2, 153)]
    [InlineData(306, 2, 153)]
    [InlineData(307, 3, 153)]
    [InlineData(459, 3, 153)]
    [InlineData(460, 4, 153)]
    public void Gsm7_text_is_160_in_one_message_then_153_per_part(int length, int segments, int perSegment)
    {
        var sms = ChannelLimits.MeasureSms(new string('a', length));

        Assert.Equal(new SmsMeasure("GSM-7", length, segments, perSegment), sms);
    }

    [Fact]
    public void Empty_text_is_no_message()
    {
        Assert.Equal(new SmsMeasure("GSM-7", 0, 0, 160), ChannelLimits.MeasureSms(""));
    }

    [Theory]
    [InlineData('€')]
    [InlineData('{')]
    [InlineData('}')]
    [InlineData('[')]
    [InlineData(']')]
    [InlineData('~')]
    [InlineData('^')]
    [InlineData('|')]
    [InlineData('\\')]
    public void Extension_characters_count_two_units(char c)
    {
        Assert.True(ChannelLimits.IsGsm7(c));
        Assert.Equal(new SmsMeasure("GSM-7", 2, 1, 160), ChannelLimits.MeasureSms(c.ToString()));

        // 80 of them fill one message exactly; one more needs a second.
        Assert.Equal(new SmsMeasure("GSM-7", 160, 1, 160), ChannelLimits.MeasureSms(new string(c, 80)));
        Assert.Equal(new SmsMeasure("GSM-7", 162, 2, 153), ChannelLimits.MeasureSms(new string(c, 81)));
    }

    [Fact]
    public void One_extension_character_tips_159_plain_characters_into_two_messages()
    {
        Assert.Equal(new SmsMeasure("GSM-7", 161, 2, 153), ChannelLimits.MeasureSms(new string('a', 159) + "€"));
    }

    [Theory]
    [InlineData('é')]
    [InlineData('è')]
    [InlineData('Ç')]
    [InlineData('Ä')]
    [InlineData('ñ')]
    [InlineData('£')]
    [InlineData('@')]
    [InlineData('_')]
    [InlineData('Δ')]
    [InlineData('\n')]
    public void Characters_of_the_gsm7_alphabet_count_one_unit(char c)
    {
        Assert.True(ChannelLimits.IsGsm7(c));
        Assert.Equal(new SmsMeasure("GSM-7", 1, 1, 160), ChannelLimits.MeasureSms(c.ToString()));
    }

    // ---- UCS-2 ------------------------------------------------------------------------------------

    [Theory]
    [InlineData('ç')] // lower-case c cedilla is not GSM-7 (capital Ç is)
    [InlineData('’')] // curly apostrophe, the usual culprit from word processors
    [InlineData('“')]
    [InlineData('–')] // en dash
    [InlineData('á')]
    [InlineData('`')]
    public void One_character_outside_gsm7_switches_to_ucs2(char odd)
    {
        Assert.False(ChannelLimits.IsGsm7(odd));

        Assert.Equal(new SmsMeasure("UCS-2", 70, 1, 70), ChannelLimits.MeasureSms(new string('a', 69) + odd));
        Assert.Equal(new SmsMeasure("UCS-2", 71, 2, 67), ChannelLimits.MeasureSms(new string('a', 70) + odd));
    }

    [Theory]
    [InlineData(70, 1, 70)]
    [InlineData(71, 2, 67)]
    [InlineData(134, 2, 67)]
    [InlineData(135, 3, 67)]
    [InlineData(201, 3, 67)]
    [InlineData(202, 4, 67)]
    public void Ucs2_text_is_70_in_one_message_then_67_per_part(int length, int segments, int perSegment)
    {
        var sms = ChannelLimits.MeasureSms("ç" + new string('a', length - 1));

        Assert.Equal(new SmsMeasure("UCS-2", length, segments, perSegment), sms);
    }

    [Fact]
    public void An_emoji_counts_two_utf16_units()
    {
        Assert.Equal(new SmsMeasure("UCS-2", 2, 1, 70), ChannelLimits.MeasureSms("🔥"));
        Assert.Equal(new SmsMeasure("UCS-2", 70, 1, 70), ChannelLimits.MeasureSms(new string('a', 68) + "🔥"));
        Assert.Equal(new SmsMeasure("UCS-2", 71, 2, 67), ChannelLimits.MeasureSms(new string('a', 69) + "🔥"));
    }

    [Fact]
    public void Extension_characters_in_ucs2_text_count_one_unit_like_any_other()
    {
        Assert.Equal(new SmsMeasure("UCS-2", 3, 1, 70), ChannelLimits.MeasureSms("ç€{"));
    }

    // ---- Measure: warnings per channel --------------------------------------------------------------

    [Fact]
    public void A_one_part_gsm7_sms_has_no_warnings()
    {
        var report = ChannelLimits.Measure(StatementKind.Sms, new string('a', 160));

        Assert.Equal(new SmsMeasure("GSM-7", 160, 1, 160), report.Sms);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void A_multi_part_sms_warns_with_the_number_of_messages()
    {
        var report = ChannelLimits.Measure(StatementKind.Sms, new string('a', 161));

        var warning = Assert.Single(report.Warnings);
        Assert.Contains("2 messages", warning, StringComparison.Ordinal);
        Assert.Contains("161", warning, StringComparison.Ordinal);
        Assert.Contains("GSM-7", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ucs2_sms_warns_naming_the_first_odd_character()
    {
        var report = ChannelLimits.Measure(StatementKind.Sms, "Water’s off");

        Assert.Equal("UCS-2", report.Sms!.Encoding);
        var warning = Assert.Single(report.Warnings);
        Assert.Contains("'’'", warning, StringComparison.Ordinal);
        Assert.Contains("70", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_ucs2_sms_warns_about_both()
    {
        var report = ChannelLimits.Measure(StatementKind.Sms, "ç" + new string('a', 70));

        Assert.Equal(2, report.Warnings.Count);
        Assert.Contains(report.Warnings, w => w.Contains("outside the GSM-7 alphabet", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("2 messages", StringComparison.Ordinal) && w.Contains("UCS-2", StringComparison.Ordinal));
    }

    /// <summary>
    /// Regression (was a bug): the warning quotes the first UTF-16 unit that is not GSM-7; for an emoji that is half
    /// a surrogate pair, so the message holds a lone surrogate (shown as '�', and strict UTF-8 encoders throw on it).
    /// </summary>
    [Fact]
    public void A_ucs2_warning_quotes_a_whole_emoji_not_half_of_one()
    {
        var warning = Assert.Single(ChannelLimits.Measure(StatementKind.Sms, "Update 🔥").Warnings);

        Assert.DoesNotContain(Rune.ReplacementChar, warning.EnumerateRunes()); // no half surrogate pair
        Assert.Contains("'🔥'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_social_post_over_280_characters_warns()
    {
        var over = ChannelLimits.Measure(StatementKind.SocialPost, new string('a', 281));
        var at = ChannelLimits.Measure(StatementKind.SocialPost, new string('a', 280));

        Assert.Equal(281, over.Characters);
        Assert.Contains("281", Assert.Single(over.Warnings), StringComparison.Ordinal);
        Assert.Contains("280", over.Warnings[0], StringComparison.Ordinal);
        Assert.Equal(280, at.Characters);
        Assert.Empty(at.Warnings);
        Assert.Null(at.Sms);
    }

    [Fact]
    public void Other_kinds_have_no_channel_warnings()
    {
        var report = ChannelLimits.Measure(StatementKind.MediaRelease, new string('a', 2000) + " ç 🔥");

        Assert.Empty(report.Warnings);
        Assert.Null(report.Sms);
    }

    // ---- Counting what a reader sees --------------------------------------------------------------

    [Theory]
    [InlineData("**bold**", 4, 1)]
    [InlineData("*em* and __strong__", 13, 3)]
    [InlineData("# Heading", 7, 1)]
    [InlineData("[link text](https://example.com/a/very/long/address)", 9, 2)]
    [InlineData("`code`", 4, 1)]
    [InlineData("- one\n- two", 7, 2)]
    [InlineData("  spaced   out  ", 12, 2)] // outer space trimmed, inner space is what the reader gets
    [InlineData("", 0, 0)]
    public void Markdown_markup_is_not_counted(string markdown, int characters, int words)
    {
        var report = ChannelLimits.Measure(StatementKind.SocialPost, markdown);

        Assert.Equal(characters, report.Characters);
        Assert.Equal(words, report.Words);
    }

    [Fact]
    public void Sms_segments_are_counted_on_the_plain_text()
    {
        // 160 visible characters wrapped in bold markup: still one message.
        var report = ChannelLimits.Measure(StatementKind.Sms, "**" + new string('a', 160) + "**");

        Assert.Equal(new SmsMeasure("GSM-7", 160, 1, 160), report.Sms);
        Assert.Empty(report.Warnings);
    }

    [Theory]
    [InlineData("One two three", 3)]
    [InlineData("One  two\tthree\nfour", 4)]
    [InlineData("Call 1800 160 401 now.", 5)]
    [InlineData("   ", 0)]
    [InlineData("well-known e-mail", 2)]
    public void Words_are_separated_by_whitespace(string text, int words)
    {
        Assert.Equal(words, ChannelLimits.Measure(StatementKind.Faq, text).Words);
    }

    [Fact]
    public void Plain_text_keeps_ampersands_and_angle_brackets_as_typed()
    {
        Assert.Equal("Fish & chips <3", ChannelLimits.PlainText("Fish & chips <3"));
        Assert.Equal(15, ChannelLimits.Measure(StatementKind.SocialPost, "Fish & chips <3").Characters);
    }
}
