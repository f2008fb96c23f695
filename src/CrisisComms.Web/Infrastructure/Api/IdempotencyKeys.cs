using System.Security.Cryptography;
using System.Text;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>
/// The <c>Idempotency-Key</c> request header (IETF draft "The Idempotency-Key HTTP Header Field"): a client-chosen
/// key that makes a retried or double-clicked create return what the first one created instead of a second copy.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>The key as sent (surrounding quotes and spaces removed); null when absent. Bad keys are a 400 naming the header.</summary>
    public static string? Read(string? value)
    {
        if (value is null) return null;
        var key = value.Trim();
        // The draft spells the key as a structured-field string ("..."); plain tokens are accepted too.
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"') key = key[1..^1];
        if (key.Length == 0)
            throw new AppValidationException(Header, $"The {Header} header is empty; send a unique value per request (a UUID is fine), or leave the header out.");
        if (key.Length > Data.IdempotencyRecord.KeyMaxLength)
            throw new AppValidationException(Header, $"The {Header} header must be at most {Data.IdempotencyRecord.KeyMaxLength} characters (it is {key.Length}).");
        if (key.Any(c => c < 0x21 || c > 0x7e))
            throw new AppValidationException(Header, $"The {Header} header may hold only visible ASCII characters (no spaces or control characters).");
        return key;
    }

    /// <summary>SHA-256 (hex) over the operation and its input fields, in order; nulls and empty strings differ.</summary>
    public static string Fingerprint(string operation, params object?[] parts)
    {
        var text = new StringBuilder(operation);
        foreach (var part in parts)
        {
            text.Append('\u001f');
            text.Append(part is null ? "\u0000" : Convert.ToString(part, System.Globalization.CultureInfo.InvariantCulture));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
