using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;

namespace CrisisComms.Tests.Features.Publishing;

/// <summary>Tests that start the app as its own process. They run alone (after the parallel tests), so the timings they check are the app's, not a busy CPU's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestsCollection
{
    public const string Name = "Process tests (run alone)";
}

/// <summary>
/// Scheduled statements survive crashes. The built app runs as a separate process on a temp data
/// folder; approved statements are scheduled through the staff API — a few long-lived ones due
/// 20–70 s later, the rest a few at a time, a couple of seconds apart, topped up after each restart —
/// and the process is killed with SIGKILL (<c>kill -9</c>) 20 times, each at a random moment up to
/// 800 ms before or after an upcoming due time (now and then the one after next, so that one falls
/// due while the app is up), plus twice in the middle of its start-up. It stays dead up to 1.2 s and
/// is started again on the same folder. Every statement must end up published exactly once, with the
/// approved revision, never before its time, and on time:
/// <list type="bullet">
/// <item>due while the app was up (ready before the due time, not killed within <see cref="UpBound"/>
/// after it): published within <see cref="UpBound"/> of the due time — the in-process timer's job;</item>
/// <item>otherwise (due while down or starting, or killed just after): published within
/// <see cref="RestartBound"/> of the app next answering /readyz — the start-up sweep's job, with the
/// periodic sweep (every 5 s) as the backstop; the bound is that sweep interval plus 3 s of slack for
/// a busy 2-core machine.</item>
/// </list>
/// Then the audit chain must still verify: no transaction was left half-written by a kill. Time comes
/// from <see cref="TimeProvider.System"/> in the test and the app alike (same machine, same clock).
/// </summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class PublishingCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Password = "Demo-Password-1";
    private const string Incident = "customer-data-breach";

    private const int KillCycles = 20;                                      // kills aimed around due times
    private const int StartUpKillEvery = 10;                                // and after every 10th, one more kill during start-up
    private const double AimAtSecondDue = 0.2;                              // how often a kill lets one due time pass while up and aims at the next
    private const int FinalCount = 3;                                       // scheduled after the last restart, due while the app stays up
    private const int StatementCount = 56;                                  // prepared; those never scheduled are not judged
    private const int LongLivedCount = 6;                                   // scheduled at the start, due 20–70 s later, across many restarts
    private const int KeepAhead = 3;                                        // other statements are scheduled a few at a time...
    private static readonly TimeSpan DueSpacing = TimeSpan.FromSeconds(2.0); // ...about this far apart, so the schedule keeps pace with the kills
    private static readonly TimeSpan ScheduleLead = TimeSpan.FromSeconds(2.3); // the app refuses less than 2 s ahead
    private static readonly TimeSpan KillJitter = TimeSpan.FromMilliseconds(800); // kill 0–800 ms before or after a due time
    private static readonly TimeSpan MaxDeadTime = TimeSpan.FromSeconds(1.2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Publishing:SweepInterval's default: the longest a missed statement waits while the app is up.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);
    /// <summary>Due while the app was up: the precise timer publishes within milliseconds; 1.5 s allows a busy machine.</summary>
    private static readonly TimeSpan UpBound = TimeSpan.FromSeconds(1.5);
    /// <summary>Due while it was down or starting: after it is ready again, one sweep interval plus start-up slack.</summary>
    private static readonly TimeSpan RestartBound = SweepInterval + TimeSpan.FromSeconds(3);

    private readonly TimeProvider _clock = TimeProvider.System;
    private readonly Random _random = new(20261126);
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };
    private AppProcess? _app;
    private string _author = "";

    [Fact]
    public async Task Scheduled_statements_are_published_exactly_once_and_on_time_across_kill_9_restarts()
    {
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = overall.Token;
        var testStarted = _clock.GetUtcNow();
        var app = _app = new AppProcess(_clock);

        app.Start();
        await app.WaitUntilReadyAsync(_http, StartTimeout, ct: ct);

        _author = await TokenAsync("author@demo.local", ct);
        var reviewer = await TokenAsync("reviewer@demo.local", ct);
        var admin = await TokenAsync("admin@demo.local", ct);

        // Approved holding statements (they need only the Reviewer's signature).
        var unscheduled = new Queue<Planned>();
        for (var i = 0; i < StatementCount; i++)
        {
            var created = await SendAsync<CreatedBody>(HttpMethod.Post, $"api/staff/v1/incidents/{Incident}/statements", _author, new { template = "holding-statement" }, HttpStatusCode.Created, ct);
            await SendAsync(HttpMethod.Post, $"api/staff/v1/statements/{created.Id}/submit", _author, null, HttpStatusCode.NoContent, ct);
            await SendAsync(HttpMethod.Post, $"api/staff/v1/statements/{created.Id}/decisions", reviewer, new { revisionId = created.RevisionId, decision = "approve" }, HttpStatusCode.OK, ct);
            unscheduled.Enqueue(new Planned(i, created.Id, created.RevisionId));
        }
        var scheduled = new List<Planned>();
        var now = _clock.GetUtcNow();
        for (var i = 0; i < LongLivedCount; i++)
            await ScheduleAsync(unscheduled.Dequeue(), now + TimeSpan.FromSeconds(20 + 10 * i) + RandomUpTo(TimeSpan.FromSeconds(1)), scheduled, ct);
        await TopUpAsync(unscheduled, scheduled, cyclesDone: 0, ct);
        var prepared = _clock.GetUtcNow();

        // Kill -9 around the due times, stay dead a moment, start again on the same data folder, schedule a few more.
        var kills = new List<string>();
        var aimed = 0;
        for (var cycle = 1; cycle <= KillCycles; cycle++)
        {
            now = _clock.GetUtcNow();
            var jitter = KillJitter * (_random.NextDouble() * 2 - 1);
            var upcoming = scheduled.Select(s => s.DueAt).Where(d => d + jitter > now + TimeSpan.FromMilliseconds(20)).Order().ToList();
            var skip = upcoming.Count > 1 && _random.NextDouble() < AimAtSecondDue ? 1 : 0;
            var target = upcoming.Skip(skip).FirstOrDefault();
            var killAt = target != default ? target + jitter : now + RandomUpTo(KillJitter);
            await WaitUntilAsync(killAt, ct);
            var killed = await app.KillAsync(ct);
            if (target != default) aimed++;
            kills.Add(target != default
                ? $"cycle {cycle,2}: killed run #{killed.Number} at {killed.KillRequestedAt:HH:mm:ss.fff}, {jitter.TotalMilliseconds,5:+0;-0} ms from the due time {target:HH:mm:ss.fff}, {(killed.KillRequestedAt!.Value - killed.ReadyAt!.Value).TotalMilliseconds:0} ms after it was ready{(skip == 1 ? ", letting the one before come due while up" : "")}"
                : $"cycle {cycle,2}: killed run #{killed.Number} at {killed.KillRequestedAt:HH:mm:ss.fff} (no due time left to aim at)");
            await WaitUntilAsync(_clock.GetUtcNow() + RandomUpTo(MaxDeadTime), ct);

            var run = app.Start();
            if (cycle % StartUpKillEvery == 0)
            {
                // Now and then kill it again late in its start-up, while the start-up sweep publishes what fell due meanwhile.
                var quickestRestart = app.Runs.Skip(1).Where(r => r.ReadyAt is not null).Min(r => r.ReadyAt!.Value - r.StartedAt);
                var killDuringStartUpAt = run.StartedAt + quickestRestart * (0.5 + 0.5 * _random.NextDouble());
                await app.WaitUntilReadyAsync(_http, StartTimeout, giveUpAt: killDuringStartUpAt, ct);
                await WaitUntilAsync(killDuringStartUpAt, ct);
                var early = await app.KillAsync(ct);
                kills.Add($"          and run #{early.Number} during its start-up, {(early.KillRequestedAt!.Value - early.StartedAt).TotalMilliseconds:0} ms after it was started" +
                    (early.ReadyAt is { } r ? $" ({(early.KillRequestedAt.Value - r).TotalMilliseconds:0} ms after /readyz first answered)" : " (before /readyz answered)"));
                await WaitUntilAsync(_clock.GetUtcNow() + RandomUpTo(MaxDeadTime), ct);
                app.Start();
            }
            await app.WaitUntilReadyAsync(_http, StartTimeout, ct: ct);
            if (cycle < KillCycles) await TopUpAsync(unscheduled, scheduled, cycle, ct);
        }
        var lastKillCycleEnded = _clock.GetUtcNow();

        // A few more, due while the last run stays up: the in-process timer alone must be on time.
        now = _clock.GetUtcNow();
        for (var i = 0; i < FinalCount && unscheduled.Count > 0; i++)
            await ScheduleAsync(unscheduled.Dequeue(), now + ScheduleLead + TimeSpan.FromMilliseconds(400 * i) + RandomUpTo(TimeSpan.FromMilliseconds(300)), scheduled, ct);

        // Let the last run publish the rest; bounded by the last due time plus the restart bound.
        var settleBy = Max(scheduled.Max(s => s.DueAt), app.Current!.ReadyAt!.Value) + RestartBound + TimeSpan.FromSeconds(2);
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), _clock))
        {
            do
            {
                var list = await SendAsync<List<ListItemBody>>(HttpMethod.Get, $"api/staff/v1/incidents/{Incident}/statements", _author, null, HttpStatusCode.OK, ct);
                var states = list.ToDictionary(x => x.Id, x => x.State);
                if (scheduled.All(s => states.GetValueOrDefault(s.Id) == "published")) break;
            }
            while (_clock.GetUtcNow() < settleBy && await timer.WaitForNextTickAsync(ct));
        }

        var statements = scheduled.OrderBy(s => s.DueAt).ToList();
        foreach (var s in statements)
            s.Final = await SendAsync<StatementBody>(HttpMethod.Get, $"api/staff/v1/statements/{s.Id}", _author, null, HttpStatusCode.OK, ct);
        var publishedAudit = await SendAsync<List<AuditBody>>(HttpMethod.Get, "api/staff/v1/audit?action=statement.published&take=10000", admin, null, HttpStatusCode.OK, ct);
        var verify = await SendAsync<VerifyBody>(HttpMethod.Get, "api/staff/v1/audit/verify", admin, null, HttpStatusCode.OK, ct);
        var finished = _clock.GetUtcNow();

        // Judge every statement.
        var runs = app.Runs;
        var problems = new List<string>();
        var lines = new List<string>();
        var (maxUpLate, maxByLiveRun, maxAfterReady, maxAfterRestart, maxLate) = (TimeSpan.MinValue, TimeSpan.MinValue, TimeSpan.MinValue, TimeSpan.MinValue, TimeSpan.MinValue);
        var (dueWhileUp, byLiveRun, afterRestart) = (0, 0, 0);
        foreach (var s in statements)
        {
            var st = s.Final!;
            var due = st.ScheduledFor ?? s.DueAt;
            var upRun = runs.FirstOrDefault(r => r.ReadyAt <= due && (r.KillRequestedAt is null || r.KillRequestedAt >= due + UpBound));
            var nextReady = runs.FirstOrDefault(r => r.ReadyAt > due);
            var (deadline, why) = upRun is not null
                ? (due + UpBound, $"due while run #{upRun.Number} was up")
                : nextReady is not null
                    ? (nextReady.ReadyAt!.Value + RestartBound, $"due while down or starting; run #{nextReady.Number} ready at {nextReady.ReadyAt:HH:mm:ss.fff}")
                    : (due + RestartBound, "due after the last run was ready");
            var audits = publishedAudit.Count(a => a.EntityId == s.Id.ToString());
            var pubs = string.Join("; ", st.Publications.Select(p => $"{p.PublishedAt:HH:mm:ss.fff} by {p.Trigger} rev {p.RevisionId.ToString()[..8]}"));
            var describe = $"statement #{s.Index} {s.Id} (due {due:HH:mm:ss.fff}, {why}, deadline {deadline:HH:mm:ss.fff}): state {st.State}, publications [{pubs}], {audits} statement.published audit entries";
            lines.Add(describe);

            if (st.ScheduledFor is { } sf && Math.Abs((sf - s.DueAt).TotalMilliseconds) > 1)
                problems.Add($"{describe} — the app stored the schedule as {sf:O}, not the requested {s.DueAt:O}");
            if (st.State != "published") problems.Add($"{describe} — not published");
            if (st.Publications.Count != 1) problems.Add($"{describe} — {st.Publications.Count} publications, expected exactly one");
            if (audits != 1) problems.Add($"{describe} — {audits} 'statement.published' audit entries, expected exactly one");
            foreach (var p in st.Publications)
            {
                if (p.RevisionId != s.RevisionId) problems.Add($"{describe} — published revision {p.RevisionId}, but {s.RevisionId} was approved");
                if (p.PublishedAt < due) problems.Add($"{describe} — published EARLY, {(due - p.PublishedAt).TotalMilliseconds:0} ms before its time");
                if (p.PublishedAt > deadline) problems.Add($"{describe} — published LATE, {(p.PublishedAt - deadline).TotalMilliseconds:0} ms after the deadline");
                if (!runs.Any(r => r.StartedAt <= p.PublishedAt && (r.ExitedAt is null || p.PublishedAt <= r.ExitedAt)))
                    problems.Add($"{describe} — published at a moment when no run of the app was alive (clock confusion?)");
            }
            if (st.Publications.Count == 1)
            {
                var at = st.Publications[0].PublishedAt;
                maxLate = Max(maxLate, at - due);
                if (upRun is not null) { dueWhileUp++; maxUpLate = Max(maxUpLate, at - due); }
                // Which run published it: one that was already ready at the due time, or one started after it.
                var publisher = runs.FirstOrDefault(r => r.StartedAt <= at && (r.ExitedAt is null || at <= r.ExitedAt));
                if (publisher?.ReadyAt is { } ready && ready <= due) { byLiveRun++; maxByLiveRun = Max(maxByLiveRun, at - due); }
                else if (publisher?.ReadyAt is { } r2) { afterRestart++; maxAfterReady = Max(maxAfterReady, at - r2); maxAfterRestart = Max(maxAfterRestart, at - due); }
            }
        }
        if (!verify.Ok) problems.Add($"the audit chain does not verify after the kills: {verify.Message} (first broken entry {verify.FirstBrokenSeq})");
        if (aimed < KillCycles)
            problems.Add($"only {aimed} of {KillCycles} kills could be aimed at a due time: the prepared statements ran out");
        var triggers = statements.SelectMany(s => s.Final!.Publications).GroupBy(p => p.Trigger).Select(g => $"{g.Key} {g.Count()}");
        var summary = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{runs.Count} runs, {runs.Count(r => r.KillRequestedAt is not null)} kills; prepare {(prepared - testStarted).TotalSeconds:0.0} s, kill cycles until {(lastKillCycleEnded - testStarted).TotalSeconds:0.0} s, total {(finished - testStarted).TotalSeconds:0.0} s")
            .AppendLine(CultureInfo.InvariantCulture, $"{statements.Sum(s => s.Final!.Publications.Count)} publications for {statements.Count} scheduled statements (of {StatementCount} prepared); by trigger: {string.Join(", ", triggers)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{dueWhileUp} due while the app was up and stayed up ≥ {UpBound.TotalSeconds} s: max lateness {Ms(maxUpLate)} (bound {UpBound.TotalMilliseconds:0} ms); the rest had the restart bound of {RestartBound.TotalMilliseconds:0} ms after ready")
            .AppendLine(CultureInfo.InvariantCulture, $"{byLiveRun} published by the run that was up at the due time: max lateness {Ms(maxByLiveRun)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{afterRestart} published by a later run: max {Ms(maxAfterReady)} after it was ready (negative: during start-up), max lateness against the due time {Ms(maxAfterRestart)}")
            .AppendLine(CultureInfo.InvariantCulture, $"max lateness against the due time overall {Ms(maxLate)}; audit chain: {verify.Message}")
            .AppendLine(CultureInfo.InvariantCulture, $"the app logged {app.LoggedProblems.Count(l => !l.Contains("XmlKeyManager", StringComparison.Ordinal) && !l.Contains(" late", StringComparison.Ordinal))} errors/warnings other than 'published late' and the data-protection key notice:")
            .AppendLine(string.Join('\n', app.LoggedProblems.Where(l => !l.Contains("XmlKeyManager", StringComparison.Ordinal) && !l.Contains(" late", StringComparison.Ordinal)).Take(30)))
            .AppendLine(string.Join('\n', kills))
            .AppendLine(string.Join('\n', runs))
            .AppendLine(string.Join('\n', lines))
            .ToString();
        output.WriteLine(summary);

        Assert.True(problems.Count == 0,
            $"{problems.Count} problem(s):\n{string.Join('\n', problems)}\n\n{summary}\n{app.Tail(150)}");
    }

    public void Dispose()
    {
        _app?.Dispose(); // kills the process if a failure left it running and deletes the data folder
        _http.Dispose();
    }

    /// <summary>
    /// Schedules more statements while fewer than <see cref="KeepAhead"/> are still to come, each about
    /// <see cref="DueSpacing"/> after the last (never less than <see cref="ScheduleLead"/> from now).
    /// Keeps one back for each kill cycle still to run and for the final batch, so that on a slow
    /// machine (long start-ups, more due times passing per cycle) every kill still has a due time to aim at.
    /// </summary>
    private async Task TopUpAsync(Queue<Planned> unscheduled, List<Planned> scheduled, int cyclesDone, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var upcoming = scheduled.Where(s => s.Index >= LongLivedCount && s.DueAt > now).ToList();
        var last = scheduled.Where(s => s.Index >= LongLivedCount).Select(s => s.DueAt).DefaultIfEmpty(now).Max();
        var reserve = Math.Max(0, KillCycles - cyclesDone - 1) + FinalCount;
        for (var n = upcoming.Count; n < KeepAhead && unscheduled.Count > reserve; n++)
        {
            now = _clock.GetUtcNow();
            last = Max(last + DueSpacing * (0.8 + 0.4 * _random.NextDouble()), now + ScheduleLead + RandomUpTo(TimeSpan.FromMilliseconds(300)));
            await ScheduleAsync(unscheduled.Dequeue(), last, scheduled, ct);
        }
    }

    private async Task ScheduleAsync(Planned statement, DateTimeOffset at, List<Planned> scheduled, CancellationToken ct)
    {
        // On a loaded machine the request can arrive after the planned time stopped being 2 s ahead; the
        // app rightly refuses that, so plan again from the time it answered (the test is about what
        // happens to a schedule, not about how fast it was made).
        for (var attempt = 1; ; attempt++)
        {
            var app = _app!;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseAddress, $"api/staff/v1/statements/{statement.Id}/schedule"))
            {
                Content = JsonContent.Create(new { at = at.ToString("O", CultureInfo.InvariantCulture) }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _author);
            using var response = await _http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NoContent) break;
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.BadRequest || attempt == 3 || at > _clock.GetUtcNow() + ScheduleLead)
                Assert.Fail($"POST schedule of #{statement.Index} for {at:O} answered {(int)response.StatusCode} {response.StatusCode}, expected 204: {text}\n{app.Tail()}");
            app.Note($"schedule of #{statement.Index} for {at:HH:mm:ss.fff} arrived too late ({text}); planning again");
            at = _clock.GetUtcNow() + ScheduleLead + RandomUpTo(TimeSpan.FromMilliseconds(300));
        }
        statement.DueAt = at;
        scheduled.Add(statement);
        _app!.Note($"scheduled statement #{statement.Index} {statement.Id} for {at:HH:mm:ss.fff}");
    }

    private TimeSpan RandomUpTo(TimeSpan max) => max * _random.NextDouble();

    /// <summary>Waits until the wall clock reaches <paramref name="moment"/>, checking it every few milliseconds.</summary>
    private async Task WaitUntilAsync(DateTimeOffset moment, CancellationToken ct)
    {
        if (_clock.GetUtcNow() >= moment) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5), _clock);
        while (_clock.GetUtcNow() < moment && await timer.WaitForNextTickAsync(ct)) { }
    }

    private async Task<string> TokenAsync(string email, CancellationToken ct) =>
        (await SendAsync<TokenBody>(HttpMethod.Post, "api/staff/v1/auth/token", null, new { email, password = Password }, HttpStatusCode.OK, ct)).Token;

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string? token, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, token, body, expected, ct);
        return (await response.Content.ReadFromJsonAsync<T>(ct))!;
    }

    private async Task SendAsync(HttpMethod method, string path, string? token, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, token, body, expected, ct);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? token, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        var app = _app!;
        using var request = new HttpRequestMessage(method, new Uri(app.BaseAddress, path));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await _http.SendAsync(request, ct);
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            Assert.Fail($"{method} /{path} answered {(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}: {text}\n{app.Tail()}");
        }
        return response;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static string Ms(TimeSpan t) => t == TimeSpan.MinValue ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0} ms");

    private sealed class Planned(int index, Guid id, Guid revisionId)
    {
        public int Index { get; } = index;
        public Guid Id { get; } = id;
        public Guid RevisionId { get; } = revisionId;
        public DateTimeOffset DueAt { get; set; }
        public StatementBody? Final { get; set; }
    }

    private sealed record TokenBody(string Token);
    private sealed record CreatedBody(Guid Id, Guid RevisionId);
    private sealed record ListItemBody(Guid Id, string State);
    private sealed record PublicationBody(Guid RevisionId, string Hash, DateTimeOffset PublishedAt, string Trigger);
    private sealed record StatementBody(Guid Id, string State, Guid CurrentRevisionId, DateTimeOffset? ScheduledFor, List<PublicationBody> Publications);
    private sealed record AuditBody(long Seq, DateTimeOffset At, string Action, string EntityId, string Summary);
    private sealed record VerifyBody(bool Ok, long Entries, long? FirstBrokenSeq, string Message);
}
