namespace CrisisComms.Tests.Infrastructure;

/// <summary>The test PostgreSQL server's own promises: a missing install fails saying what to install.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public void Without_server_binaries_the_failure_says_what_to_install()
    {
        var empty = Directory.CreateTempSubdirectory("crisiscomms-no-pg-");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.FindBinaries(empty.FullName, Path.Combine(empty.FullName, "postgresql")));
            Assert.Contains("apt-get install postgresql", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Debian_server_binaries_off_the_path_are_found()
    {
        var root = Directory.CreateTempSubdirectory("crisiscomms-fake-pg-");
        try
        {
            foreach (var version in new[] { "13", "15" })
            {
                var bin = Directory.CreateDirectory(Path.Combine(root.FullName, version, "bin")).FullName;
                foreach (var tool in new[] { "initdb", "pg_ctl", "postgres" }) File.WriteAllText(Path.Combine(bin, tool), "");
            }
            Assert.Equal(Path.Combine(root.FullName, "15", "bin"), PostgresServer.FindBinaries("", root.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
