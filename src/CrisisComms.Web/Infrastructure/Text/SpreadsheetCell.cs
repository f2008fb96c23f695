namespace CrisisComms.Web.Infrastructure.Text;

/// <summary>
/// Makes a CSV cell open as text, never as a formula, in Excel, LibreOffice or Google Sheets (CSV/formula injection).
/// Spreadsheets skip leading spaces (including no-break spaces) before deciding a cell is a formula, and some treat a
/// leading tab or CR the same way, so a cell is prefixed with a single quote when its first character is a tab, CR or
/// LF, or when its first non-space character is = + - @ (or their full-width forms), a tab or a CR.
/// </summary>
public static class SpreadsheetCell
{
    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value ?? "";
        if (value[0] is '\t' or '\r' or '\n') return "'" + value;
        var i = 0;
        while (i < value.Length && value[i] is ' ' or '\u00A0' or '\u2007' or '\u202F' or '\u3000' or '\u2000' or '\u2001' or '\u2002' or '\u2003' or '\u2009' or '\u200A' or '\u200B' or '\uFEFF') i++;
        return i < value.Length && IsTrigger(value[i]) ? "'" + value : value;
    }

    private static bool IsTrigger(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20';
}
