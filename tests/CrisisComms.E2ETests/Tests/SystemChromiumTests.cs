using System.Text;
using CrisisComms.E2ETests.Infrastructure;

namespace CrisisComms.E2ETests.Tests;

/// <summary>The fixture's self-setup when /usr/bin/chromium is missing, checked against a fake command runner.</summary>
public sealed class SystemChromiumTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crisiscomms-e2e", "chromium-" + Guid.NewGuid().ToString("n"));
    private readonly List<string> _commands = [];

    private string MissingExecutable => Path.Combine(_folder, "chromium");

    public SystemChromiumTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CommandRunner FakeApt(bool succeeds, bool createsExecutable) => (file, args, log) =>
    {
        _commands.Add($"{file} {string.Join(' ', args)}");
        if (createsExecutable && args.Contains("install")) File.WriteAllText(MissingExecutable, "#!/bin/sh\n");
        return Task.FromResult(succeeds);
    };

    [Fact]
    public async Task Missing_browser_without_root_fails_with_install_instructions_and_runs_nothing()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            () => SystemChromium.EnsureInstalledAsync(MissingExecutable, isRoot: false, FakeApt(succeeds: true, createsExecutable: true)));

        Assert.Contains("install Debian's chromium package (`sudo apt-get install -y chromium`)", e.Message);
        Assert.Empty(_commands);
    }

    [Fact]
    public async Task Missing_browser_as_root_runs_apt_get_update_then_install()
    {
        await SystemChromium.EnsureInstalledAsync(MissingExecutable, isRoot: true, FakeApt(succeeds: true, createsExecutable: true));

        Assert.Equal(["apt-get update", "apt-get install -y chromium"], _commands);
    }

    [Fact]
    public async Task Failed_install_as_root_fails_with_install_instructions()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            () => SystemChromium.EnsureInstalledAsync(MissingExecutable, isRoot: true, FakeApt(succeeds: false, createsExecutable: false)));

        Assert.Contains("sudo apt-get install -y chromium", e.Message);
        Assert.Equal(["apt-get update"], _commands);
    }

    [Fact]
    public async Task Present_browser_needs_nothing()
    {
        File.WriteAllText(MissingExecutable, "#!/bin/sh\n");

        await SystemChromium.EnsureInstalledAsync(MissingExecutable, isRoot: false, FakeApt(succeeds: false, createsExecutable: false));

        Assert.Empty(_commands);
    }
}
