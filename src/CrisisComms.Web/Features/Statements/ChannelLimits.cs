using System.Globalization;
using Markdig;

namespace CrisisComms.Web.Features.Statements;

/// <summary>How an SMS is encoded and split: GSM-7 (160 per single message, 153 per part) or UCS-2 (70, 67).</summary>
public sealed record SmsMeasure(string Encoding, int Units, int Segments, int PerSegment);

/// <summary>Counts for the editor, with warnings where a channel's limit is exceeded.</summary>
public sealed record ChannelReport(int Words, int Characters, SmsMeasure? Sms, IReadOnlyList<string> Warnings);

/// <summary>Word/character counts and channel limits (SMS segments, social post length).</summary>
public static class ChannelLimits
{
    public const int SocialPostLimit = 280;

    // GSM 03.38 default alphabet, and the extension table whose characters take two units.
    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Gsm7Extension = "^{}\\[~]|€\f";

    public static ChannelReport Measure(StatementKind kind, string renderedMarkdown)
    {
        var text = PlainText(renderedMarkdown);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var characters = new StringInfo(text).LengthInTextElements;
        var warnings = new List<string>();
        SmsMeasure? sms = null;

        if (kind == StatementKind.Sms)
        {
            sms = MeasureSms(text);
            if (sms.Encoding == "UCS-2")
            {
                var odd = text.EnumerateRunes().First(r => !r.IsBmp || !IsGsm7((char)r.Value));
                warnings.Add($"Contains characters outside the GSM-7 alphabet (first: '{odd}'), so each SMS part holds only 70 characters.");
            }
            if (sms.Segments > 1)
                warnings.Add($"This SMS is {sms.Units} {(sms.Encoding == "GSM-7" ? "GSM-7" : "UCS-2")} characters: it will be sent as {sms.Segments} messages ({sms.PerSegment} characters each). Keep it to one if you can.");
        }
        if (kind == StatementKind.SocialPost && characters > SocialPostLimit)
            warnings.Add($"This post is {characters} characters; the limit is {SocialPostLimit}.");

        return new ChannelReport(words, characters, sms, warnings);
    }

    public static SmsMeasure MeasureSms(string text)
    {
        if (text.All(IsGsm7))
        {
            var units = text.Sum(c => Gsm7Extension.Contains(c) ? 2 : 1);
            return units <= 160 ? new SmsMeasure("GSM-7", units, units == 0 ? 0 : 1, 160) : new SmsMeasure("GSM-7", units, (units + 152) / 153, 153);
        }
        var ucs = text.Length; // UTF-16 code units: a character outside the BMP (emoji) takes two.
        return ucs <= 70 ? new SmsMeasure("UCS-2", ucs, 1, 70) : new SmsMeasure("UCS-2", ucs, (ucs + 66) / 67, 67);
    }

    public static bool IsGsm7(char c) => Gsm7Basic.Contains(c) || Gsm7Extension.Contains(c);

    /// <summary>What a reader of a plain-text channel sees: Markdown markup removed, whitespace tidied.</summary>
    public static string PlainText(string markdown) =>
        string.Join("\n", Markdown.ToPlainText(markdown ?? "").Split('\n').Select(l => l.TrimEnd())).Trim();
}
