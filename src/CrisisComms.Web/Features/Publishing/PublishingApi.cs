using System.Globalization;
using System.Security.Claims;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Features.Publishing;

public sealed record ScheduleBody(string? At);
public sealed record SequenceBody(string? Start, List<SequenceEntry>? Statements);
public sealed record SequenceEntry(Guid? Id, string? Offset);

/// <summary>Staff API: schedule, unschedule, publish now, schedule a sequence.</summary>
public static class PublishingApi
{
    public static void MapPublishingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapStaffApiGroup().WithTags("Publishing");

        api.MapPost("/statements/{id:guid}/schedule", async (Guid id, ScheduleBody body, ClaimsPrincipal user, PublishingService publishing) =>
        {
            await publishing.ScheduleAsync(user, id, ParseTime(body.At, "at"));
            return TypedResults.NoContent();
        }).WithSummary("Schedule (or reschedule) an approved statement: {at: ISO 8601 with offset}.");

        api.MapPost("/statements/{id:guid}/unschedule", async (Guid id, ClaimsPrincipal user, PublishingService publishing) =>
        {
            await publishing.UnscheduleAsync(user, id);
            return TypedResults.NoContent();
        }).WithSummary("Scheduled → approved.");

        api.MapPost("/statements/{id:guid}/publish", async (Guid id, ClaimsPrincipal user, PublishingService publishing) =>
        {
            var p = await publishing.PublishNowAsync(user, id);
            return TypedResults.Ok(new { revisionId = p.RevisionId, hash = p.ContentHash, publishedAt = p.PublishedAt, trigger = KebabCase.Of(p.Trigger) });
        }).WithSummary("Publish an approved or scheduled statement now.");

        api.MapPost("/schedule-sequence", async (SequenceBody body, ClaimsPrincipal user, PublishingService publishing) =>
        {
            var start = ParseTime(body.Start, "start");
            var items = (body.Statements ?? []).Select((s, i) =>
            {
                if (s.Id is null) throw new AppValidationException($"statements[{i}].id", "Each entry needs the statement id.");
                if (!TimeSpan.TryParse(s.Offset ?? "0", CultureInfo.InvariantCulture, out var offset) || offset < TimeSpan.Zero)
                    throw new AppValidationException($"statements[{i}].offset", $"\"{s.Offset}\" is not an offset like 00:05:00.");
                if (offset > DateTimeOffset.MaxValue.UtcDateTime - start.UtcDateTime)
                    throw new AppValidationException($"statements[{i}].offset", $"\"{s.Offset}\" after the start is beyond the year 9999.");
                return new SequenceItem(s.Id.Value, offset);
            }).ToList();
            await publishing.ScheduleSequenceAsync(user, start, items);
            return TypedResults.NoContent();
        }).WithSummary("Schedule several approved statements at offsets from a start time: {start, statements: [{id, offset: \"00:05:00\"}]}.");
    }

    private static DateTimeOffset ParseTime(string? text, string field)
    {
        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 9))
            return t;
        throw new AppValidationException(field, $"{field} must be an ISO 8601 time with an offset, e.g. 2026-11-27T09:00:00+11:00.");
    }
}
