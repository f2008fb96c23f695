using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrisisComms.Tests.Features.Publishing;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// Issue #9: the app as two instances (A and B, separate processes on different ports) behind an imaginary load
/// balancer, sharing one PostgreSQL database and one Redis server. Whatever one instance does, the other must honour
/// or show: a cookie, bearer token or antiforgery token issued by A works on B (data-protection keys in the database);
/// a statement scheduled through A is published exactly once although both instances run the publish timer, the sweep
/// and Hangfire; and open status pages, staff change-feed clients and the output-cached public page on B all follow a
/// publication made by A (SignalR Redis backplane, cross-instance change feed, output-cache eviction on every instance).
/// Each test lists every broken promise it finds, with both instances' logs.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
public sealed partial class TwoInstanceTests(TwoInstanceCluster cluster, ITestOutputHelper output) : IClassFixture<TwoInstanceCluster>
{
    private const string Incident = "customer-data-breach"; // the demo incident: public and unresolved, so "/" shows its latest update

    /// <summary>How soon a change made on one instance must be visible on the other (hub message, change-feed event, public page).</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(5);
    /// <summary>The app refuses schedules less than 2 s ahead; a little more allows a busy machine between computing and sending it.</summary>
    private static readonly TimeSpan ScheduleLead = TimeSpan.FromSeconds(3);
    /// <summary>
    /// After the due time, how long a second publication by the other instance is given to show up: the sweep
    /// (Publishing:SweepInterval, 5 s), Hangfire's polling (1 s) and a busy 2-core machine.
    /// </summary>
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(8);

    private AppInstance A => cluster.A;
    private AppInstance B => cluster.B;

    [Fact]
    public Task A_cookie_signed_in_through_A_works_on_B() => ExplainedAsync("cookie sign-in on A, used on B", async problems =>
    {
        output.WriteLine($"A ready after {A.ReadyAfter?.TotalSeconds:0.0} s, B ready after {B.ReadyAfter?.TotalSeconds:0.0} s (B started once A was ready)");
        cluster.Note("cookie: sign in on A through /Account/Login, then use the cookie on B");

        // Baseline: B sends a signed-out visitor to the login page, so a 200 below means "signed in", not "open to all".
        using (var anonymous = B.CreateClient(new CookieContainer()))
        using (var signedOut = await anonymous.GetAsync("/dashboard"))
            Require(signedOut.StatusCode == HttpStatusCode.Redirect && IsLogin(signedOut.Headers.Location),
                $"B should send a signed-out visitor of /dashboard to the login page; it answered {Describe(signedOut)}");

        // One cookie jar for both, as a browser behind a load balancer has: A and B are the same host (127.0.0.1), only the port differs.
        var cookies = new CookieContainer();
        using var onA = A.CreateClient(cookies);
        using var onB = B.CreateClient(cookies);
        string[] signInCookies;
        using (var login = await LoginForm.PostAsync(onA, "author@demo.local", AppInstance.DemoPassword))
        {
            Require(login.StatusCode == HttpStatusCode.Redirect && login.Headers.Location?.OriginalString.EndsWith("/dashboard", StringComparison.Ordinal) == true,
                $"signing in on A should redirect to /dashboard; A answered {Describe(login)}");
            signInCookies = [.. (login.Headers.TryGetValues("Set-Cookie", out var set) ? set : []).Select(c => c.Split('=', 2)[0])];
        }
        // Only those still in the jar: a sign-in may also delete cookies (an expired Set-Cookie).
        var forA = cookies.GetCookies(A.BaseAddress).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        signInCookies = [.. signInCookies.Where(forA.Contains)];
        Require(signInCookies.Length > 0, "signing in on A should set a cookie");
        using (var dashboardOnA = await onA.GetAsync("/dashboard"))
            Require(dashboardOnA.StatusCode == HttpStatusCode.OK, $"A should show /dashboard to the user it signed in; it answered {Describe(dashboardOnA)}");
        var sentToB = cookies.GetCookies(B.BaseAddress).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Require(signInCookies.All(sentToB.Contains),
            $"the sign-in cookie(s) {string.Join(", ", signInCookies)} set by A should be sent to B as well (sent to B: {string.Join(", ", sentToB)})");

        await CheckAsync(problems, "B shows /dashboard to the user signed in on A", async () =>
        {
            using var response = await onB.GetAsync("/dashboard");
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"B answered {Describe(response)}" +
                    (IsLogin(response.Headers.Location) ? " — B did not accept A's cookie (are the data-protection keys shared?)" : ""));
        });
        await CheckAsync(problems, "B's staff API accepts A's cookie (GET /api/staff/v1/me)", async () =>
        {
            using var response = await onB.GetAsync("/api/staff/v1/me");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !body.Contains("author@demo.local", StringComparison.Ordinal))
                throw new InvalidOperationException($"B answered {Describe(response)} {Excerpt(body)}");
        });
    });

    [Fact]
    public Task A_login_form_served_by_A_can_be_posted_to_B() => ExplainedAsync("antiforgery token issued by A, form posted to B", async problems =>
    {
        cluster.Note("antiforgery: GET /Account/Login on A, POST it to B");
        var cookies = new CookieContainer();
        using var onA = A.CreateClient(cookies);
        using var onB = B.CreateClient(cookies);
        var page = await onA.GetStringAsync("/Account/Login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        Require(token.Length > 0, "A's login form should carry an antiforgery token");

        await CheckAsync(problems, "B accepts the login form (and its antiforgery token and cookie) served by A", async () =>
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["Input.Email"] = "reviewer@demo.local",
                ["Input.Password"] = AppInstance.DemoPassword,
            });
            using var response = await onB.PostAsync("/Account/Login", form);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.EndsWith("/dashboard", StringComparison.Ordinal) != true)
                throw new InvalidOperationException($"B answered {Describe(response)} {Excerpt(body)}" +
                    (response.StatusCode == HttpStatusCode.BadRequest ? " — B refused A's antiforgery token (are the data-protection keys shared?)" : ""));
        });
    });

    [Fact]
    public Task A_bearer_token_issued_by_A_works_on_B() => ExplainedAsync("bearer token from A, used on B", async problems =>
    {
        cluster.Note("bearer: POST /api/staff/v1/auth/token on A, use on B");
        var token = await TwoInstanceCluster.TokenAsync(A, "approver@demo.local");
        var me = await TwoInstanceCluster.ApiAsync(A, token, HttpMethod.Get, "me");
        Require(me.GetProperty("email").GetString() == "approver@demo.local", "A should accept its own token");

        await CheckAsync(problems, "B's staff API accepts A's token (GET /api/staff/v1/me)", async () =>
        {
            var onB = await TwoInstanceCluster.ApiAsync(B, token, HttpMethod.Get, "me");
            if (onB.GetProperty("email").GetString() != "approver@demo.local") throw new InvalidOperationException("B says the token is someone else's: " + onB);
        });
        await CheckAsync(problems, "B's /hubs/changes accepts A's token", async () =>
        {
            await using var hub = ChangesHubClient(B, token, new ConcurrentQueue<ChangeEvent>());
            await hub.StartAsync();
        });
    });

    [Fact]
    public Task A_statement_scheduled_through_A_is_published_exactly_once_and_every_instance_shows_it() =>
        ExplainedAsync("statement scheduled through A", async problems =>
        {
            // Both instances run the timer, the sweep and a Hangfire server, so either may publish: every instance is
            // watched, so whichever did not publish shows whether the publication reached it.
            var watchers = new List<InstanceWatcher>();
            await using var _ = new AsyncDisposables(watchers);
            foreach (var instance in cluster.Instances) watchers.Add(await InstanceWatcher.StartAsync(instance));
            var author = await TwoInstanceCluster.TokenAsync(A, "author@demo.local");
            var reviewer = await TwoInstanceCluster.TokenAsync(A, "reviewer@demo.local");
            var admin = await TwoInstanceCluster.TokenAsync(A, "admin@demo.local");

            var title = "Scale-out scheduled update " + Marker();
            foreach (var w in watchers) await w.WarmPublicPageAsync(title);
            var (id, revisionId) = await ApprovedStatementOnAAsync(author, reviewer, title);

            var due = TimeProvider.System.GetUtcNow() + ScheduleLead;
            cluster.Note($"scheduling {id} through A for {due:HH:mm:ss.fff}");
            await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Post, $"statements/{id}/schedule", new { at = due.ToString("O", CultureInfo.InvariantCulture) });

            var published = await AsyncPoll.UntilAsync(async () =>
            {
                var s = await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Get, $"statements/{id}");
                return s.GetProperty("state").GetString() == "published" ? Tuple.Create(s) : null;
            }, due - TimeProvider.System.GetUtcNow() + DuplicateWindow, $"statement {id} (due {due:HH:mm:ss.fff}) becoming published", TimeSpan.FromMilliseconds(100));
            var seenPublishedAt = TimeProvider.System.GetUtcNow();
            cluster.Note($"statement {id} seen published");
            var publication = published.Item1.GetProperty("publications")[0];
            var publishedAt = publication.GetProperty("publishedAt").GetDateTimeOffset();
            output.WriteLine($"due {due:HH:mm:ss.fff}; published {publishedAt:HH:mm:ss.fff} by {publication.GetProperty("trigger").GetString()} ({(publishedAt - due).TotalMilliseconds:0} ms after its time); seen by the test {seenPublishedAt:HH:mm:ss.fff}");
            if (publishedAt < due) problems.Add($"published EARLY: {publishedAt:O}, due {due:O}");

            foreach (var w in watchers) await w.CheckFollowsAsync(problems, id, title, since: due, output);

            // Exactly once: give the other instance's timer, sweep and Hangfire job every chance to publish again.
            await AsyncPoll.UntilTimeAsync(due + DuplicateWindow, "the window for a duplicate publication passing");
            var final = await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Get, $"statements/{id}");
            var publications = final.GetProperty("publications").EnumerateArray().ToList();
            if (publications.Count != 1)
                problems.Add($"{publications.Count} publications of statement {id}, expected exactly one: {string.Join("; ", publications.Select(p => p.ToString()))}");
            if (publications.Any(p => p.GetProperty("revisionId").GetGuid() != revisionId))
                problems.Add($"a publication is not of the approved revision {revisionId}");
            var audit = await TwoInstanceCluster.ApiAsync(A, admin, HttpMethod.Get, $"audit?statementId={id}&action=statement.published&take=100");
            var auditCount = audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "statement.published");
            if (auditCount != 1) problems.Add($"{auditCount} 'statement.published' audit entries for statement {id}, expected exactly one");
            foreach (var w in watchers)
            {
                var count = w.Changes.Count(e => e.StatementId == id && e.Action == "statement.published");
                if (count > 1) problems.Add($"instance {w.Instance.Name}'s change feed carried {count} 'statement.published' events for {id}, expected one");
            }
            var verify = await TwoInstanceCluster.ApiAsync(A, admin, HttpMethod.Get, "audit/verify");
            if (!verify.GetProperty("ok").GetBoolean()) problems.Add("the audit chain no longer verifies: " + verify);
        });

    [Fact]
    public Task A_statement_published_through_A_reaches_B_s_status_hub_change_feed_and_public_page() =>
        ExplainedAsync("statement published now through A, watched on B", async problems =>
        {
            // Publish-now runs in A's process, so everything B shows of it came across instances.
            await using var onB = await InstanceWatcher.StartAsync(B);
            var author = await TwoInstanceCluster.TokenAsync(A, "author@demo.local");
            var reviewer = await TwoInstanceCluster.TokenAsync(A, "reviewer@demo.local");
            var title = "Scale-out update published on A " + Marker();
            await onB.WarmPublicPageAsync(title);
            var (id, _) = await ApprovedStatementOnAAsync(author, reviewer, title);

            var before = TimeProvider.System.GetUtcNow();
            cluster.Note($"publishing {id} now through A");
            await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Post, $"statements/{id}/publish");
            output.WriteLine($"published through A at {before:HH:mm:ss.fff}–{TimeProvider.System.GetUtcNow():HH:mm:ss.fff}");

            await CheckAsync(problems, "A's own public page shows the update (sanity)", async () =>
            {
                using var client = A.CreateClient();
                await AsyncPoll.UntilAsync(async () => (await client.GetStringAsync("/")).Contains(title, StringComparison.Ordinal) ? "" : null,
                    Promptly, "A's / showing the new update");
            });
            await onB.CheckFollowsAsync(problems, id, title, since: before, output);
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>A public holding statement on the demo incident, written by the author and signed by the reviewer (all through A).</summary>
    private async Task<(Guid Id, Guid RevisionId)> ApprovedStatementOnAAsync(string author, string reviewer, string title)
    {
        var created = await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Post, $"incidents/{Incident}/statements",
            new { kind = "holding-statement", audience = "public", title, body = $"We are publishing this through instance A ({title})." });
        var (id, revisionId) = (created.GetProperty("id").GetGuid(), created.GetProperty("revisionId").GetGuid());
        await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Post, $"statements/{id}/submit");
        await TwoInstanceCluster.ApiAsync(A, reviewer, HttpMethod.Post, $"statements/{id}/decisions", new { revisionId, decision = "approve", comment = "Scale-out test." });
        return (id, revisionId);
    }

    private static HubConnection ChangesHubClient(AppInstance instance, string token, ConcurrentQueue<ChangeEvent> received)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(instance.BaseAddress, ChangesHub.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        hub.On<ChangeEvent>(ChangesHub.ChangeMessage, received.Enqueue);
        return hub;
    }

    /// <summary>
    /// What one instance shows the outside world: a public /hubs/status client, a staff /hubs/changes client (its token
    /// issued by that same instance, so only the change feed is on trial, not the shared keys) and its public page.
    /// </summary>
    private sealed class InstanceWatcher : IAsyncDisposable
    {
        private readonly HubConnection _status;
        private readonly HubConnection _changes;
        private readonly HttpClient _http;

        private InstanceWatcher(AppInstance instance, string token)
        {
            Instance = instance;
            _http = instance.CreateClient();
            _status = new HubConnectionBuilder().WithUrl(new Uri(instance.BaseAddress, "/hubs/status")).Build();
            _status.On<JsonElement>("updated", m => Updated.Enqueue((TimeProvider.System.GetUtcNow(), m)));
            _changes = ChangesHubClient(instance, token, Changes);
        }

        public AppInstance Instance { get; }
        public ConcurrentQueue<(DateTimeOffset At, JsonElement Message)> Updated { get; } = new();
        public ConcurrentQueue<ChangeEvent> Changes { get; } = new();

        public static async Task<InstanceWatcher> StartAsync(AppInstance instance)
        {
            var watcher = new InstanceWatcher(instance, await TwoInstanceCluster.TokenAsync(instance, "author@demo.local"));
            try
            {
                await watcher._status.StartAsync();
                await watcher._changes.StartAsync();
            }
            catch (Exception e)
            {
                await watcher.DisposeAsync();
                throw new InvalidOperationException($"Could not connect to instance {instance.Name}'s hubs: {e.Message}", e);
            }
            return watcher;
        }

        /// <summary>Renders the public page (twice: the second answer comes from the output cache), which must not show <paramref name="title"/> yet.</summary>
        public async Task WarmPublicPageAsync(string title)
        {
            for (var i = 0; i < 2; i++)
            {
                using var response = await _http.GetAsync("/");
                var body = await response.Content.ReadAsStringAsync();
                Require(response.StatusCode == HttpStatusCode.OK, $"instance {Instance.Name}'s / answered {Describe(response)} {Excerpt(body)}");
                Require(!body.Contains(title, StringComparison.Ordinal), $"instance {Instance.Name}'s / shows \"{title}\" before it was published");
            }
        }

        /// <summary>After a publication of <paramref name="statementId"/>: "updated" on /hubs/status, "statement.published" on /hubs/changes, the title on /.</summary>
        public async Task CheckFollowsAsync(List<string> problems, Guid statementId, string title, DateTimeOffset since, ITestOutputHelper output)
        {
            var name = Instance.Name;
            await CheckAsync(problems, $"a /hubs/status client on {name} receives \"updated\"", async () =>
            {
                var (at, _) = await AsyncPoll.UntilAsync(() => Task.FromResult<Tuple<DateTimeOffset, JsonElement>?>(
                        Updated.Where(u => u.At >= since).Select(u => Tuple.Create(u.At, u.Message)).FirstOrDefault()),
                    Promptly, $"\"updated\" on {name}'s /hubs/status",
                    lastSeen: () => $"{Updated.Count} \"updated\" message(s) in all, at {string.Join(", ", Updated.Select(u => u.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}");
                output.WriteLine($"{name}: \"updated\" at {at:HH:mm:ss.fff}");
            });
            await CheckAsync(problems, $"a /hubs/changes client on {name} receives \"statement.published\"", async () =>
            {
                var change = await Poll.UntilAsync(() => Changes.FirstOrDefault(e => e.StatementId == statementId && e.Action == "statement.published"),
                    Promptly, $"\"statement.published\" for {statementId} on {name}'s /hubs/changes (it saw: {string.Join(", ", Changes.Where(e => e.StatementId == statementId).Select(e => e.Action))})");
                output.WriteLine($"{name}: change-feed {change.Action} #{change.Seq}");
            });
            await CheckAsync(problems, $"{name}'s public page / shows the update (output cache evicted on {name})", async () =>
            {
                string last = "";
                await AsyncPoll.UntilAsync(async () =>
                {
                    using var response = await _http.GetAsync("/");
                    last = $"{(int)response.StatusCode}, Age {response.Headers.Age}, ETag {response.Headers.ETag}";
                    return (await response.Content.ReadAsStringAsync()).Contains(title, StringComparison.Ordinal) ? "" : null;
                }, Promptly, $"{name}'s / showing \"{title}\"", lastSeen: () => last);
                output.WriteLine($"{name}: / shows the update at {TimeProvider.System.GetUtcNow():HH:mm:ss.fff}");
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _status.DisposeAsync();
            await _changes.DisposeAsync();
            _http.Dispose();
        }
    }

    private sealed class AsyncDisposables(List<InstanceWatcher> items) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var item in items) await item.DisposeAsync();
        }
    }

    /// <summary>Runs a scenario that lists what is broken; fails once with every problem and both instances' logs.</summary>
    private async Task ExplainedAsync(string scenario, Func<List<string>, Task> body)
    {
        var problems = new List<string>();
        try
        {
            await body(problems);
        }
        catch (Exception e)
        {
            problems.Add($"the scenario stopped early: {e}");
        }
        // An instance that stopped (crashed, or was signalled from outside) explains every later "connection refused".
        foreach (var gone in cluster.Instances.Where(i => i.HasExited))
            problems.Insert(0, $"instance {gone.Name} is no longer running (see the end of its log)");
        if (problems.Count > 0)
            Assert.Fail($"Two instances, {scenario}: {problems.Count} problem(s)\n- {string.Join("\n- ", problems)}\n{cluster.Logs()}");
    }

    /// <summary>One promise among several: a failure is listed and the scenario goes on to check the rest.</summary>
    private static async Task CheckAsync(List<string> problems, string promise, Func<Task> check)
    {
        try
        {
            await check();
        }
        catch (Exception e)
        {
            problems.Add($"{promise}: NO — {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A precondition: without it the rest of the scenario means nothing, so it stops here.</summary>
    private static void Require(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException(message);
    }

    private static bool IsLogin(Uri? location) => location?.OriginalString.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase) == true;

    private static string Describe(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {response.StatusCode}{(response.Headers.Location is { } l ? " → " + l : "")}";

    private static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";

    private static string Marker() => Guid.NewGuid().ToString("n")[..10];
}
