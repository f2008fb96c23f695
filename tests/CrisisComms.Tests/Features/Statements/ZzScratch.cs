using System.Diagnostics;
using System.Text;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

public sealed class ZzScratch
{
    [Fact]
    public void Dump()
    {
        var sb = new StringBuilder();
        var r = new StatementRenderer();
        var model = new LiquidModel(new Dictionary<string, string?> { ["name"] = "Org" },
            new Dictionary<string, string?> { ["title"] = "T" }, new Dictionary<string, TemplateFact>());
        foreach (var b in new[] { "{% for i in (1..2147483647) %}x{% endfor %}", "{% for i in (0..2147483647) %}x{% endfor %}", "{% for i in (1..10000000) %}x{% endfor %}", "{% for i in (1..100000000) %}x{% endfor %}",
            "{% for i in (1..300000) %}{% endfor %}", "{% for i in (1..199000) %}{% endfor %}", "{% for i in (1..100) %}{% for j in (1..100) %}{{ i }}{% endfor %}{% endfor %}" })
        {
            var sw = Stopwatch.StartNew();
            try { var o = r.Render("T", b, model); sb.AppendLine($"{b}: {sw.ElapsedMilliseconds} ms ok={o.Ok} {string.Join("|", o.Problems)} len={o.Result?.Html.Length} peak={Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB"); }
            catch (Exception e) { sb.AppendLine($"{b}: {sw.ElapsedMilliseconds} ms THREW {e.GetType()}: {e.Message}"); }
        }
        File.WriteAllText("/tmp/wt3-scratch.txt", sb.ToString());
    }
}
