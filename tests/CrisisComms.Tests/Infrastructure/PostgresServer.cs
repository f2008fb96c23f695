using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the tests, started from the installed server binaries: initdb into a temporary
/// folder, pg_ctl start on a free loopback port (its Unix socket in that folder too), one database per test class,
/// and everything stopped and deleted once the test process has exited. One server per test process (<see cref="Shared"/>);
/// a server left behind by a test process that was killed is stopped and deleted by the next one.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, and CI runs as root: then initdb and pg_ctl run as the <c>postgres</c> user
/// (created by Debian's package) through <c>runuser</c>, and the folder belongs to that user.
/// </remarks>
public sealed class PostgresServer
{
    public const string InstallHint = "install PostgreSQL server binaries: apt-get install postgresql";

    /// <summary>Folder under the temp path holding one sub-folder per running test server.</summary>
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "crisiscomms-pg");

    private static readonly Lazy<PostgresServer> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _binDirectory;
    private readonly string? _runAs;

    /// <summary>The test process's server, started on first use. A failure to start fails every test that asks (never a skip).</summary>
    public static PostgresServer Shared => Instance.Value;

    public string Folder { get; }
    public int Port { get; }

    private string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>Superuser connection to the maintenance database (trust authentication on loopback only).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    private PostgresServer(string binDirectory, string? runAs, string folder, int port) =>
        (_binDirectory, _runAs, Folder, Port) = (binDirectory, runAs, folder, port);

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // Short timeouts: a test that waits on the database should fail, not hang the run.
        Timeout = 15,
        CommandTimeout = 60,
    }.ToString();

    /// <summary>A new, empty database; returns its connection string. The app's migrations fill it on start.</summary>
    public string CreateDatabase()
    {
        var name = "cc_" + Guid.NewGuid().ToString("n");
        Execute($"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>, closing whatever connections the app left open.</summary>
    public void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        Execute($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private readonly Lock _hbaLock = new();

    /// <summary>
    /// A login role that must give its password (scram-sha-256) over TCP, unlike the trusted superuser; for tests of a
    /// wrong password. Its line goes first in pg_hba.conf (the first matching line decides), then the server reloads it.
    /// </summary>
    public void CreatePasswordRole(string role, string password)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(role, "^[a-z_][a-z0-9_]*$")) throw new ArgumentException("A plain lower-case role name.", nameof(role));
        Execute($"CREATE ROLE \"{role}\" LOGIN CREATEDB PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'");
        lock (_hbaLock)
        {
            var hba = Path.Combine(DataDirectory, "pg_hba.conf");
            // Written in place, so the file keeps its owner (the server's user).
            var lines = File.ReadAllText(hba);
            File.WriteAllText(hba, $"host all {role} 127.0.0.1/32 scram-sha-256\n" + lines);
        }
        Execute("SELECT pg_reload_conf()");
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A new server of the caller's own (the tests share <see cref="Shared"/>; the benchmarks, which link this file,
    /// start one per run and <see cref="Stop"/> it). It too is stopped and deleted once this process has ended.
    /// </summary>
    public static PostgresServer Start()
    {
        var bin = FindBinaries(Environment.GetEnvironmentVariable("PATH"), "/usr/lib/postgresql");
        var runAs = Environment.IsPrivilegedProcess ? NonRootUser() : null;
        Directory.CreateDirectory(Parent);
        RemoveAbandoned(bin, runAs);

        var folder = Path.Combine(Parent, Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (runAs is not null) Run("chown", ["-R", runAs, folder], runAs: null, what: "give the test server's folder to " + runAs);

        var server = new PostgresServer(bin, runAs, folder, 0);
        try
        {
            // C collation, as SQLite compares text: byte order, case-sensitive.
            server.Tool("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"], "initdb");
        }
        catch (InvalidOperationException)
        {
            server.Delete();
            throw;
        }

        // Another process may take the free port between choosing it and binding it: try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var started = new PostgresServer(bin, runAs, folder, LocalProcesses.FreePort());
            try
            {
                started.Tool("pg_ctl", ["start", "-D", started.DataDirectory, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o", started.ServerOptions()], "pg_ctl start");
                started.CleanUpAfterThisProcess();
                return started;
            }
            catch (InvalidOperationException e)
            {
                var log = Path.Combine(folder, "server.log");
                last = File.Exists(log) ? new InvalidOperationException($"{e.Message} Server log: {string.Join(" / ", File.ReadLines(log).TakeLast(5))}", e) : e;
            }
        }
        server.Delete();
        throw new InvalidOperationException("The PostgreSQL test server did not start.", last);
    }

    /// <summary>Settings for a disposable server: loopback only, socket in its own folder, durability traded for speed.</summary>
    private string ServerOptions() => string.Join(' ',
        $"-p {Port}", $"-k {Folder}", "-c listen_addresses=127.0.0.1",
        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
        // Test classes run in parallel, each app with its own connection pool.
        "-c max_connections=300");

    /// <summary>
    /// Stops the server and deletes its folder once this test process has ended, however it ends. Not from a
    /// ProcessExit handler: the test platform kills a finished test host soon after asking it to exit, and a handler
    /// that stopped the server was seen killed half-way through deleting its files. A detached shell (its own session, so it outlives the host's process tree)
    /// waits for this process to go, sends the postmaster SIGQUIT (immediate shutdown), waits for it, and removes the folder.
    /// </summary>
    private void CleanUpAfterThisProcess()
    {
        var script = "exec </dev/null >/dev/null 2>&1; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 0.2; done; " +
            $"pid=$(head -n 1 '{DataDirectory}/postmaster.pid'); " +
            "if [ -n \"$pid\" ]; then kill -QUIT \"$pid\"; while kill -0 \"$pid\"; do sleep 0.1; done; fi; " +
            $"rm -rf '{Folder}'";
        ScaleOut.OrphanReaper.RunDetached(script, "the clean-up of the PostgreSQL test server");
    }

    /// <summary>Stops the server at once (its data is thrown away) and deletes its folder.</summary>
    public void Stop()
    {
        try
        {
            Tool("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], "pg_ctl stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder still goes.
        }
        Delete();
    }

    private void Delete()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Servers whose test process is gone (killed before it could stop them) are stopped and deleted.</summary>
    private static void RemoveAbandoned(string bin, string? runAs)
    {
        foreach (var folder in Directory.EnumerateDirectories(Parent))
        {
            var ownerFile = Path.Combine(folder, "owner.pid");
            if (!File.Exists(ownerFile))
            {
                // Another test process may have just made the folder and not yet written its owner: leave young ones.
                if (Directory.GetCreationTimeUtc(folder) > TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-1)) continue;
            }
            else if (int.TryParse(File.ReadAllText(ownerFile), CultureInfo.InvariantCulture, out var owner) && IsRunning(owner))
            {
                continue;
            }
            new PostgresServer(bin, runAs, folder, 0).Stop();
        }
    }

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

    private void Tool(string name, IReadOnlyList<string> args, string what) =>
        Run(Path.Combine(_binDirectory, name), args, _runAs, what, workingDirectory: Folder);

    private static void Run(string file, IReadOnlyList<string> args, string? runAs, string what, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(runAs is null ? file : File.Exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (runAs is not null) foreach (var a in new[] { "-u", runAs, "--", file }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        // Messages in English whatever the machine's language, so failures read the same everywhere.
        start.Environment["LC_ALL"] = "C";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file} to {what}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{what} did not finish within 2 minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed (exit code {process.ExitCode}): {error.Result.Trim()} {output.Result.Trim()}".Trim());
    }

    /// <summary>initdb and pg_ctl from PATH, else the newest /usr/lib/postgresql/N/bin (Debian keeps them there, off PATH).</summary>
    internal static string FindBinaries(string? pathVariable, string debianRoot)
    {
        var candidates = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (Directory.Exists(debianRoot))
            candidates.AddRange(Directory.EnumerateDirectories(debianRoot)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin")));
        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                // A symlink on PATH (say /usr/local/bin/initdb) is followed, so pg_ctl finds its postgres beside it.
                var initdb = new FileInfo(Path.Combine(dir, "initdb"));
                var target = initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName;
                var real = Path.GetDirectoryName(target)!;
                return File.Exists(Path.Combine(real, "pg_ctl")) && File.Exists(Path.Combine(real, "postgres")) ? real : dir;
            }
        }
        throw new InvalidOperationException(
            $"The PostgreSQL tests need initdb and pg_ctl, which are neither on PATH nor in {debianRoot}/*/bin: {InstallHint}");
    }

    /// <summary>PostgreSQL will not run as root; Debian's package makes a "postgres" user, else "nobody" will do.</summary>
    private static string NonRootUser()
    {
        var users = File.Exists("/etc/passwd")
            ? File.ReadLines("/etc/passwd").Select(l => l.Split(':')[0]).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        if (users.Contains("postgres")) return "postgres";
        if (users.Contains("nobody")) return "nobody";
        throw new InvalidOperationException($"Running as root, and there is no \"postgres\" or \"nobody\" user to run the PostgreSQL test server as: {InstallHint}");
    }
}
