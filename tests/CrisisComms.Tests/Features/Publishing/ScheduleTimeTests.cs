using CrisisComms.Web.Features.Publishing;

namespace CrisisComms.Tests.Features.Publishing;

/// <summary>Local times in Australia/Sydney across both daylight-saving changes.</summary>
public sealed class ScheduleTimeTests
{
    private static readonly TimeZoneInfo Sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    [Fact]
    public void An_ordinary_summer_time_is_eleven_hours_ahead_of_utc()
    {
        Assert.True(ScheduleTime.TryParseLocal("2026-11-27T09:00", Sydney, out var utc, out var note, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 22, 0, 0, TimeSpan.Zero), utc);
        Assert.Null(note);
    }

    [Fact]
    public void An_ordinary_winter_time_is_ten_hours_ahead_of_utc()
    {
        Assert.True(ScheduleTime.TryParseLocal("2026-07-01T09:00", Sydney, out var utc, out _, out _));
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 23, 0, 0, TimeSpan.Zero), utc);
    }

    [Fact]
    public void A_time_skipped_when_clocks_go_forward_is_refused_with_the_reason()
    {
        // Sunday 4 October 2026: 2:00 am AEST becomes 3:00 am AEDT.
        Assert.False(ScheduleTime.TryParseLocal("2026-10-04T02:30", Sydney, out _, out _, out var error));
        Assert.Contains("does not exist", error);
        Assert.True(ScheduleTime.TryParseLocal("2026-10-04T03:00", Sydney, out var after, out _, out _));
        Assert.Equal(new DateTimeOffset(2026, 10, 3, 16, 0, 0, TimeSpan.Zero), after);
    }

    [Fact]
    public void A_time_that_happens_twice_when_clocks_go_back_means_the_first_and_says_so()
    {
        // Sunday 5 April 2026: 3:00 am AEDT becomes 2:00 am AEST, so 2:30 happens twice.
        Assert.True(ScheduleTime.TryParseLocal("2026-04-05T02:30", Sydney, out var utc, out var note, out _));
        Assert.Equal(new DateTimeOffset(2026, 4, 4, 15, 30, 0, TimeSpan.Zero), utc);
        Assert.Contains("happens twice", note);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow morning")]
    [InlineData(null)]
    public void Nonsense_is_refused(string? input)
    {
        Assert.False(ScheduleTime.TryParseLocal(input, Sydney, out _, out _, out var error));
        Assert.NotNull(error);
    }
}

/// <summary>The staff forms read local times the same way (they used to throw on a daylight-saving gap).</summary>
public sealed class StaffTimeTests
{
    private static readonly CrisisComms.Web.Features.Incidents.StaffTime Time = new(
        Microsoft.Extensions.Options.Options.Create(new CrisisComms.Web.Infrastructure.Options.OrganisationOptions { TimeZone = "Australia/Sydney", Culture = "en-AU" }),
        TimeProvider.System);

    [Fact]
    public void A_form_time_in_the_daylight_saving_gap_is_no_value_instead_of_an_error()
    {
        Assert.Null(Time.FromInput("2026-10-04T02:30"));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 22, 0, 0, TimeSpan.Zero), Time.FromInput("2026-11-27T09:00"));
        Assert.Null(Time.FromInput(""));
    }
}
