using System.Globalization;
using System.Security.Claims;
using System.Text;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Data;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Web.Features.Audit;

/// <summary>Filters for the audit trail; null means "any". <see cref="AfterSeq"/> asks only for entries newer than one already shown.</summary>
public sealed record AuditFilter(
    Guid? IncidentId = null, Guid? StatementId = null, string? User = null, string? Action = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Take = 500, long? AfterSeq = null)
{
    /// <summary>Whether a change just committed is an entry this filter would list (the same rules as the query).</summary>
    public bool Matches(ChangeEvent change)
    {
        if (change.IsPresence) return false;
        if (IncidentId is { } incident && change.IncidentId != incident) return false;
        if (StatementId is { } statement && !(change.EntityType == "statement" && change.EntityId == statement.ToString())) return false;
        if (!string.IsNullOrWhiteSpace(User))
        {
            var user = User.Trim();
            if (!change.ActorName.Contains(user, StringComparison.OrdinalIgnoreCase) && change.ActorId != user) return false;
        }
        if (!string.IsNullOrWhiteSpace(Action) && !change.Action.StartsWith(Action.Trim(), StringComparison.Ordinal)) return false;
        if (From is { } from && change.At < from) return false;
        if (To is { } to && change.At > to) return false;
        return true;
    }
}

/// <summary>Reading, exporting and verifying the audit trail (Admin, Reviewer and Approver: those who answer for sign-off).</summary>
public sealed class AuditService(AppDbContext db, StaffAuthorizer authorizer)
{
    public static readonly string[] Readers = [StaffRoles.Admin, StaffRoles.Reviewer, StaffRoles.Approver];

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(ClaimsPrincipal actor, AuditFilter filter)
    {
        await authorizer.RequireAsync(actor, Readers);
        var query = db.AuditEntries.AsNoTracking();
        if (filter.IncidentId is { } incident)
        {
            var incidentKey = incident.ToString();
            var statementKeys = await db.Statements.Where(s => s.IncidentId == incident).Select(s => s.Id.ToString()).ToListAsync();
            query = query.Where(a => (a.EntityType == "incident" && a.EntityId == incidentKey) || (a.EntityType == "statement" && statementKeys.Contains(a.EntityId)));
        }
        if (filter.StatementId is { } statement)
        {
            var key = statement.ToString();
            query = query.Where(a => a.EntityType == "statement" && a.EntityId == key);
        }
        if (!string.IsNullOrWhiteSpace(filter.User))
        {
            var user = filter.User.Trim().ToLowerInvariant();
            query = query.Where(a => a.ActorName.ToLower().Contains(user) || a.ActorId == filter.User.Trim());
        }
        if (!string.IsNullOrWhiteSpace(filter.Action)) query = query.Where(a => a.Action.StartsWith(filter.Action.Trim()));
        if (filter.From is { } from) query = query.Where(a => a.At >= from);
        if (filter.To is { } to) query = query.Where(a => a.At <= to);
        if (filter.AfterSeq is { } after) query = query.Where(a => a.Seq > after);
        return await query.OrderByDescending(a => a.Seq).Take(Math.Clamp(filter.Take, 1, 100_000)).ToListAsync();
    }

    public async Task<AuditVerification> VerifyAsync(ClaimsPrincipal actor)
    {
        await authorizer.RequireAsync(actor, Readers);
        return await AuditChain.VerifyAsync(db);
    }

    /// <summary>CSV with a header row; times in UTC ISO 8601. Formula-looking cells are neutralised for spreadsheets.</summary>
    public static string ToCsv(IEnumerable<AuditEntry> entries)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { Injection = CsvInjection.Escape, FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        csv.WriteRecords(entries.Select(e => new AuditCsvRow
        {
            Seq = e.Seq,
            At = e.At.ToString("O", CultureInfo.InvariantCulture),
            // Every text cell, not just those CsvHelper's own escaping recognises (it misses a formula after leading spaces).
            Actor = SpreadsheetCell.Neutralise(e.ActorName),
            ActorId = SpreadsheetCell.Neutralise(e.ActorId),
            Action = SpreadsheetCell.Neutralise(e.Action),
            EntityType = SpreadsheetCell.Neutralise(e.EntityType),
            EntityId = SpreadsheetCell.Neutralise(e.EntityId),
            Summary = SpreadsheetCell.Neutralise(e.Summary),
            PrevHash = SpreadsheetCell.Neutralise(e.PrevHash),
            Hash = SpreadsheetCell.Neutralise(e.Hash),
        }));
        return writer.ToString();
    }
}

/// <summary>One CSV row of the audit export (the CsvHelper source generator writes it).</summary>
[CsvRecord]
public sealed partial class AuditCsvRow
{
    public long Seq { get; set; }
    public string At { get; set; } = "";
    public string Actor { get; set; } = "";
    public string ActorId { get; set; } = "";
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string Summary { get; set; } = "";
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";
}
