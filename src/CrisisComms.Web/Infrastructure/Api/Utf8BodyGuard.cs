using System.Text;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>
/// Refuses an /api JSON body that is not valid UTF-8 (400 naming the byte), before any endpoint reads it.
/// System.Text.Json checks UTF-8 only in the strings it decodes, so a bad byte in a property an endpoint ignores
/// would otherwise pass, and one in a property read later as a <c>JsonElement</c> would fail deep inside a handler.
/// </summary>
internal sealed class Utf8BodyGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase)
            && (request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)))
        {
            request.EnableBuffering();
            if (await FirstInvalidByteAsync(request.Body, context.RequestAborted) is { } at)
                throw new BadHttpRequestException($"The request body is not valid UTF-8: byte {at + 1} cannot be decoded. Send JSON encoded as UTF-8.");
            request.Body.Position = 0;
        }
        await next(context);
    }

    /// <summary>The offset of the first byte that is not part of valid UTF-8, or null; reads the whole stream.</summary>
    internal static async Task<long?> FirstInvalidByteAsync(Stream body, CancellationToken ct)
    {
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length) + 2];
        long offset = 0;
        int read;
        do
        {
            read = await body.ReadAsync(bytes, ct);
            try
            {
                decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
            }
            catch (DecoderFallbackException e)
            {
                return offset + Math.Max(0, e.Index);
            }
            offset += read;
        } while (read > 0);
        return null;
    }
}
