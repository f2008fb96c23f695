using System.Diagnostics;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>The test Redis server's own promises: it starts, answers PING on loopback, stops without leaving anything behind, and a missing install says what to install.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task A_server_starts_answers_ping_and_stops_leaving_nothing_behind()
    {
        var server = RedisServer.Start();
        var (pid, folder) = (server.ProcessId, server.Folder);
        try
        {
            Assert.True(server.Ping(TimeSpan.FromSeconds(2)), "a started server should answer PING with +PONG\n" + server.Tail());
            Assert.Equal($"127.0.0.1:{server.Port}", server.Configuration);
            Assert.True(Directory.Exists(folder), "the server's temp folder should exist while it runs");
        }
        finally
        {
            server.Stop();
        }

        Assert.True(server.HasExited, "the process should be gone after Stop");
        Assert.False(Directory.Exists(folder), "the server's temp folder should be deleted by Stop");
        Assert.False(IsRunning(pid), "no redis-server should be left running");
        // The port is free again: nothing answers there any more.
        await Poll.UntilAsync(() => server.Ping(TimeSpan.FromMilliseconds(500)) ? null : "refused", TimeSpan.FromSeconds(5), "the stopped server's port refusing connections");
    }

    [Fact]
    public void The_shared_server_is_one_per_test_process()
    {
        var first = RedisServer.Shared;
        Assert.Same(first, RedisServer.Shared);
        Assert.True(first.Ping(TimeSpan.FromSeconds(2)), "the shared server should answer PING\n" + first.Tail());
    }

    [Fact]
    public void Without_redis_server_the_failure_says_what_to_install()
    {
        var empty = Directory.CreateTempSubdirectory("crisiscomms-no-redis-");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => RedisServer.FindExecutable(empty.FullName, [Path.Combine(empty.FullName, "bin")]));
            Assert.Contains("apt-get install redis-server", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_server_outliving_its_test_host_is_killed_and_its_folder_deleted()
    {
        // Stand-ins: a "test host" and a "server" whose working directory is its own folder, as redis-server's is.
        var folder = Directory.CreateTempSubdirectory("crisiscomms-reaper-").FullName;
        using var host = Sleeper(Path.GetTempPath());
        using var server = Sleeper(folder);
        using var bystander = Sleeper(Path.GetTempPath());
        try
        {
            OrphanReaper.KillWhenHostExits(server.Id, folder, hostPid: host.Id);
            Assert.False(server.HasExited, "the server must live as long as its host");

            host.Kill();
            await Poll.UntilAsync(() => server.HasExited && !Directory.Exists(folder) ? "" : null, TimeSpan.FromSeconds(10), "the orphaned server being killed and its folder deleted");
            Assert.False(bystander.HasExited, "only the server is killed");
        }
        finally
        {
            foreach (var p in new[] { host, server, bystander }) if (!p.HasExited) p.Kill();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static Process Sleeper(string workingDirectory) =>
        Process.Start(new ProcessStartInfo("/bin/sleep", "600") { WorkingDirectory = workingDirectory, UseShellExecute = false })
        ?? throw new InvalidOperationException("Could not start /bin/sleep.");

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
