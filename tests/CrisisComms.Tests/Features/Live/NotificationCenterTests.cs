using System.Security.Claims;
using CrisisComms.Tests.Features.StatusPage;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Live;

namespace CrisisComms.Tests.Features.Live;

/// <summary>Events addressed to someone reach that person, and only them: approval requested, rejected with the reason, published.</summary>
public sealed class NotificationCenterTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly PublicScenario _s = new(app);
    private NotificationCenter Center => app.Services.GetRequiredService<NotificationCenter>();

    private async Task<string> IdOfAsync(Task<ClaimsPrincipal> who) => (await who).FindFirstValue(ClaimTypes.NameIdentifier)!;

    [Fact]
    public async Task Submitting_asks_the_signers_and_a_rejection_tells_the_author_why()
    {
        var (author, reviewer, approver) = (await IdOfAsync(_s.SignOff.Author), await IdOfAsync(_s.SignOff.Reviewer), await IdOfAsync(_s.SignOff.Approver));
        var marker = PublicScenario.Marker("NOTE");
        var statement = await _s.CreateAsync(await _s.DemoIncidentAsync(), "ceo-apology", "public", marker); // needs Reviewer + Approver
        var arrived = new List<(string User, StaffNotification Note)>();
        void Listen(string user, StaffNotification n) { lock (arrived) arrived.Add((user, n)); }
        Center.Arrived += Listen;
        try
        {
            await _s.SignOff.SubmitAsync(statement);
            await Poll.UntilAsync(() => Center.For(approver).FirstOrDefault(n => n.Text.Contains(marker)), TimeSpan.FromSeconds(5), "the approver's request");
            var request = Assert.Single(Center.For(reviewer), n => n.Text.Contains(marker));
            Assert.Equal(NotificationKind.ApprovalRequested, request.Kind);
            Assert.Equal($"/dashboard/statements/{statement}/review", request.Href);
            Assert.DoesNotContain(Center.For(author), n => n.Text.Contains(marker)); // the author did it

            await _s.SignOff.DecideAsync(await _s.SignOff.Reviewer, statement, await _s.SignOff.CurrentRevisionAsync(statement), Decision.Reject, "The hotline number is wrong.");
            var rejected = await Poll.UntilAsync(() => Center.For(author).FirstOrDefault(n => n.Kind == NotificationKind.Rejected && n.Text.Contains(marker)),
                TimeSpan.FromSeconds(5), "the author's rejection notice");
            Assert.Contains("The hotline number is wrong.", rejected.Text);
            Assert.True(Center.UnreadCount(author) >= 1);
            lock (arrived) Assert.Contains(arrived, a => a.User == author && a.Note.Id == rejected.Id);
        }
        finally
        {
            Center.Arrived -= Listen;
        }
    }

    [Fact]
    public async Task A_publication_tells_the_author_and_marking_read_clears_the_count()
    {
        var author = await IdOfAsync(_s.SignOff.Author);
        var marker = PublicScenario.Marker("PUB");
        await _s.PublishAsync(await _s.DemoIncidentAsync(), marker);

        // The demo author both wrote and published it: published by themselves, so no notice…
        Assert.DoesNotContain(Center.For(author), n => n.Kind == NotificationKind.Published && n.Text.Contains(marker));
        // …but the reviewer's approval (complete: a holding statement needs only the Reviewer) was for them.
        await Poll.UntilAsync(() => Center.For(author).FirstOrDefault(n => n.Kind == NotificationKind.Approved && n.Text.Contains(marker)), TimeSpan.FromSeconds(5), "the approval notice");
        // Open bells hear about it: the bell sits in the layout and stays on screen while the list marks things read.
        var told = new List<string>();
        void Listen(string user) { lock (told) told.Add(user); }
        Center.MarkedRead += Listen;
        try
        {
            Center.MarkAllRead(author);
        }
        finally
        {
            Center.MarkedRead -= Listen;
        }
        Assert.Equal(0, Center.UnreadCount(author));
        lock (told) Assert.Contains(author, told);
    }
}
