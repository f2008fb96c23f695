using System.Text;

namespace CrisisComms.Web.Infrastructure.Text;

/// <summary>
/// The one rule for characters in what people type. Single-line fields (titles, names, labels) refuse every control
/// character, bidirectional override/isolate/mark characters, lone surrogates and non-characters; multi-line texts
/// (summaries, bodies, fact values, comments, reasons) allow tab, line feed and carriage return but refuse the rest of
/// C0 and C1, lone surrogates and non-characters. Text that is already stored, or imported, is cleaned on output instead.
/// </summary>
public static class UserText
{
    /// <summary>Null when <paramref name="text"/> is acceptable; otherwise a message naming the field, the character and where it is.</summary>
    public static string? Problem(string fieldLabel, string? text, bool multiLine)
    {
        if (string.IsNullOrEmpty(text)) return null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (IsNonCharacter(char.ConvertToUtf32(c, text[i + 1])))
                    return $"{fieldLabel} contains the non-character U+{char.ConvertToUtf32(c, text[i + 1]):X4} at position {i + 1}; remove it.";
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return $"{fieldLabel} contains a broken character (a lone UTF-16 surrogate U+{(int)c:X4}) at position {i + 1}; retype it.";
            if (IsRefused(c, multiLine))
                return $"{fieldLabel} contains {Describe(c)} (U+{(int)c:X4}) at position {i + 1}; remove it{(multiLine ? "" : " — it must be one line of plain text")}.";
        }
        return null;
    }

    /// <summary>Adds <see cref="Problem"/>'s message under <paramref name="field"/> when there is one; true when the text is acceptable.</summary>
    public static bool Check(IDictionary<string, string[]> errors, string field, string fieldLabel, string? text, bool multiLine)
    {
        if (Problem(fieldLabel, text, multiLine) is not { } message) return true;
        errors[field] = [message];
        return false;
    }

    /// <summary>
    /// Stored or imported text made safe for any output (XML, JSON, HTML): refused characters removed, lone surrogates
    /// dropped; in single-line text, tabs and line breaks become spaces. Returns the same instance when nothing changes.
    /// </summary>
    public static string Clean(string? text, bool multiLine)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (Problem("", text, multiLine) is null) return text;
        var output = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (!IsNonCharacter(char.ConvertToUtf32(c, text[i + 1]))) output.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) continue;
            if (!multiLine && c is '\t' or '\n' or '\r') output.Append(' ');
            else if (!IsRefused(c, multiLine)) output.Append(c);
        }
        return output.ToString();
    }

    private static bool IsRefused(char c, bool multiLine) =>
        (char.IsControl(c) && !(multiLine && c is '\t' or '\n' or '\r'))
        || IsNonCharacter(c)
        || (!multiLine && IsBidiControl(c));

    /// <summary>Overrides and isolates (U+202A–202E, U+2066–2069) and the invisible marks (LRM, RLM, ALM) that reorder or disguise text.</summary>
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';

    private static bool IsNonCharacter(int codePoint) => codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    private static string Describe(char c) => c switch
    {
        '\0' => "a NUL character",
        '\t' => "a tab",
        '\n' or '\r' => "a line break",
        _ when IsBidiControl(c) => "an invisible text-direction control",
        _ when char.IsControl(c) => "a control character",
        _ => "a non-character",
    };
}
