using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrisisComms.Tests.ScaleOut;

public sealed partial class TwoInstanceTests
{
    /// <summary>
    /// README § Deployment's nginx example, as written there (only the ports changed), in front of A and B: a reader gets
    /// the public page, a user signs in and uses the dashboard, and WebSockets (the public hub; Blazor's circuits use
    /// the same upgrade) pass through and carry a publication live.
    /// </summary>
    [Fact]
    public Task The_README_nginx_example_in_front_of_both_instances_serves_pages_sign_in_and_websockets() =>
        ExplainedAsync("the README's nginx example in front of A and B", async problems =>
        {
            using var nginx = NginxProxy.Start(A.BaseAddress, B.BaseAddress);
            cluster.Note($"nginx (README example) on {nginx.BaseAddress}");
            var cookies = new CookieContainer();
            using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

            await CheckAsync(problems, "the public page through nginx", async () =>
            {
                using var response = await client.GetAsync("/");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || !body.Contains("Cyber incident affecting customer data", StringComparison.Ordinal))
                    throw new InvalidOperationException($"nginx answered {Describe(response)} {Excerpt(body)}\n{nginx.Tail()}");
            });

            await CheckAsync(problems, "signing in through nginx and opening /dashboard", async () =>
            {
                using (var login = await LoginForm.PostAsync(client, "author@demo.local", AppInstance.DemoPassword))
                    Require(login.StatusCode == HttpStatusCode.Redirect && login.Headers.Location?.OriginalString.EndsWith("/dashboard", StringComparison.Ordinal) == true,
                        $"signing in through nginx should redirect to /dashboard; it answered {Describe(login)}");
                using var dashboard = await client.GetAsync("/dashboard");
                if (dashboard.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"nginx answered {Describe(dashboard)}\n{nginx.Tail()}");
            });

            await CheckAsync(problems, "a WebSocket through nginx: /hubs/status gets 'updated' when a statement is published", async () =>
            {
                var updated = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                // WebSockets only, as a browser uses them: a proxy without the upgrade headers fails here instead of falling back.
                await using var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(nginx.BaseAddress, "/hubs/status"), HttpTransportType.WebSockets)
                    .Build();
                hub.On<JsonElement>("updated", m => updated.TrySetResult(m));
                await hub.StartAsync();
                var author = await TwoInstanceCluster.TokenAsync(A, "author@demo.local");
                var reviewer = await TwoInstanceCluster.TokenAsync(A, "reviewer@demo.local");
                var (id, _) = await ApprovedStatementOnAAsync(author, reviewer, "Published behind nginx " + Marker());
                await TwoInstanceCluster.ApiAsync(A, author, HttpMethod.Post, $"statements/{id}/publish");
                await updated.Task.WaitAsync(Promptly);
            });
        });
}
