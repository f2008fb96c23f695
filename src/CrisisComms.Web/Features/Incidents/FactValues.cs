using System.Globalization;
using System.Text.RegularExpressions;
using CrisisComms.Web.Features.Accounts;

namespace CrisisComms.Web.Features.Incidents;

/// <summary>Validates fact values by type, stores them canonically, and formats them for people.</summary>
public static partial class FactValues
{
    /// <summary>Turns what a person typed into the canonical stored value, or says what is wrong.</summary>
    /// <param name="culture">How people write dates here (en-AU: day first). Without it, only ISO dates (2026-11-24 16:00) are read.</param>
    public static bool TryNormalise(FactType type, string? input, TimeZoneInfo zone, out string value, out string error, CultureInfo? culture = null)
    {
        value = "";
        error = "";
        var text = (input ?? "").Trim();
        if (type != FactType.List && text.Length == 0) { error = "A value is required."; return false; }
        if (text.Length > Fact.ValueMaxLength) { error = $"The value must be at most {Fact.ValueMaxLength} characters."; return false; }

        switch (type)
        {
            case FactType.Text:
                value = text;
                return true;
            case FactType.Number:
                var cleaned = text.Replace(",", "").Replace("_", "").Replace(" ", "");
                if (!decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    error = $"\"{Shorten(text)}\" is not a number (write digits, e.g. 6000000 or 6,000,000).";
                    return false;
                }
                value = number.ToString(CultureInfo.InvariantCulture);
                return true;
            case FactType.List:
                var items = text.Split('\n').Select(i => Bullet().Replace(i.Trim(), "").Trim()).Where(i => i.Length > 0).ToList();
                if (items.Count == 0) { error = "A list needs at least one item (one per line)."; return false; }
                value = string.Join('\n', items);
                return true;
            case FactType.DateTime:
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset) && HasOffset(text))
                {
                    value = withOffset.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
                    return true;
                }
                if (DateTime.TryParseExact(text, IsoLocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local)
                    || (culture is not null && DateTime.TryParse(text, culture, DateTimeStyles.AllowWhiteSpaces, out local)))
                {
                    // No offset given: the organisation's local time.
                    var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
                    if (zone.IsInvalidTime(unspecified))
                    {
                        error = $"{local:yyyy-MM-dd HH:mm} does not exist in {zone.Id} (the clocks jump forward then); use a time before or after.";
                        return false;
                    }
                    value = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture);
                    return true;
                }
                error = $"\"{Shorten(text)}\" is not a date and time (e.g. 2026-11-24 16:00 or 2026-11-24T05:00:00Z).";
                return false;
            case FactType.Phone:
                if (!PhonePattern().IsMatch(text)) { error = $"\"{Shorten(text)}\" is not a phone number (digits, spaces, +, -, brackets)."; return false; }
                value = text;
                return true;
            case FactType.Email:
                if (!EmailRules.IsValid(text)) { error = $"\"{Shorten(text)}\" is not a valid email address."; return false; }
                value = text;
                return true;
            case FactType.Url:
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    error = $"\"{Shorten(text)}\" is not a web address starting with https:// or http://.";
                    return false;
                }
                value = uri.AbsoluteUri; // keeps %20 and friends, so the address still works inside a link
                return true;
            default:
                error = $"Unknown fact type {type}.";
                return false;
        }
    }

    /// <summary>The value as a reader sees it: "6,000,000", "Tuesday 24 November 2026, 4:00 pm AEDT", "a, b and c".</summary>
    public static string Display(FactType type, string value, CultureInfo culture, TimeZoneInfo zone) => type switch
    {
        FactType.Number when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
            => n.ToString("#,##0.############################", culture),
        FactType.DateTime when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            => FormatTime(t, culture, zone),
        FactType.List => JoinList(Items(value)),
        _ => value,
    };

    public static IReadOnlyList<string> Items(string listValue) =>
        listValue.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string JoinList(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };

    /// <summary>A time in the organisation's zone with its abbreviation where known, e.g. "Tuesday 24 November 2026, 4:00 pm AEDT".</summary>
    public static string FormatTime(DateTimeOffset time, CultureInfo culture, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        return local.ToString("dddd d MMMM yyyy, h:mm tt", culture).Replace("AM", "am").Replace("PM", "pm") + " " + ZoneAbbreviation(zone, local);
    }

    private static string ZoneAbbreviation(TimeZoneInfo zone, DateTimeOffset local)
    {
        var known = zone.Id switch
        {
            "Australia/Sydney" or "Australia/Melbourne" or "Australia/Canberra" or "Australia/Hobart" => zone.IsDaylightSavingTime(local) ? "AEDT" : "AEST",
            "Australia/Brisbane" => "AEST",
            "Australia/Adelaide" => zone.IsDaylightSavingTime(local) ? "ACDT" : "ACST",
            "Australia/Darwin" => "ACST",
            "Australia/Perth" => "AWST",
            "Europe/London" => zone.IsDaylightSavingTime(local) ? "BST" : "GMT",
            "UTC" or "Etc/UTC" => "UTC",
            _ => null,
        };
        if (known is not null) return known;
        var offset = local.Offset;
        return "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || OffsetPattern().IsMatch(text);

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    [GeneratedRegex(@"^\+?(?=(?:\D*\d){5})[0-9(][0-9 ()\-]{4,30}$")]
    private static partial Regex PhonePattern();

    /// <summary>A list bullet the person typed: "- ", "* " or "• " (a bare "-5°C" is a value, not a bullet).</summary>
    [GeneratedRegex(@"^[-*•](\s+|$)")]
    private static partial Regex Bullet();

    private static readonly string[] IsoLocalFormats =
        ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];

    [GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial Regex OffsetPattern();
}
