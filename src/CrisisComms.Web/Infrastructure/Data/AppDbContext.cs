using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// The one database: Identity tables plus the product's own. This type is the SQLite context (its migrations
/// are in Migrations/); <see cref="PostgresAppDbContext"/> is the same model with PostgreSQL's own migrations.
/// Services always ask for <c>AppDbContext</c> and get whichever Database:Provider chose.
/// </summary>
public class AppDbContext : IdentityDbContext<ApplicationUser>, Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>For a provider's own subclass, whose type keys its own migrations.</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditHead> AuditHeads => Set<AuditHead>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<Fact> Facts => Set<Fact>();
    public DbSet<FactChange> FactChanges => Set<FactChange>();
    public DbSet<Statement> Statements => Set<Statement>();
    public DbSet<StatementRevision> StatementRevisions => Set<StatementRevision>();
    public DbSet<Approval> Approvals => Set<Approval>();
    public DbSet<ApprovalPolicy> ApprovalPolicies => Set<ApprovalPolicy>();
    public DbSet<StatementComment> StatementComments => Set<StatementComment>();
    public DbSet<Publication> Publications => Set<Publication>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    /// <summary>ASP.NET Core's data-protection keys (sign-in cookies, antiforgery, API tokens), shared by every instance.</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<ApplicationUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(ApplicationUser.DisplayNameMaxLength).IsRequired();
        });

        builder.Entity<AuditEntry>(audit =>
        {
            audit.ToTable("AuditEntries");
            audit.HasKey(a => a.Id);
            audit.Property(a => a.ActorName).HasMaxLength(256).IsRequired();
            audit.Property(a => a.Action).HasMaxLength(64).IsRequired();
            audit.Property(a => a.EntityType).HasMaxLength(64).IsRequired();
            audit.Property(a => a.EntityId).HasMaxLength(128).IsRequired();
            audit.Property(a => a.Summary).HasMaxLength(4000).IsRequired();
            audit.HasIndex(a => a.At);
            audit.HasIndex(a => new { a.EntityType, a.EntityId });
            audit.HasIndex(a => a.Seq).IsUnique();
            audit.HasIndex(a => a.Action);
            audit.HasIndex(a => a.ActorId);
            audit.Property(a => a.PrevHash).HasMaxLength(64).IsRequired();
            audit.Property(a => a.Hash).HasMaxLength(64).IsRequired();
            audit.Ignore(a => a.RecordedOrder);
        });

        builder.Entity<AuditHead>(head =>
        {
            head.ToTable("AuditHead");
            head.HasKey(h => h.Id);
            head.Property(h => h.Id).ValueGeneratedNever();
            head.Property(h => h.Hash).HasMaxLength(64).IsRequired();
            head.HasData(new AuditHead { Id = 1, Seq = 0, Hash = AuditChain.Genesis });
        });

        builder.Entity<Incident>(incident =>
        {
            incident.HasKey(i => i.Id);
            incident.Property(i => i.Slug).HasMaxLength(Incident.SlugMaxLength).IsRequired();
            incident.HasIndex(i => i.Slug).IsUnique();
            incident.Property(i => i.Title).HasMaxLength(Incident.TitleMaxLength).IsRequired();
            incident.Property(i => i.Summary).HasMaxLength(Incident.SummaryMaxLength).IsRequired();
            incident.Property(i => i.Severity).HasConversion<string>().HasMaxLength(16);
            incident.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
            incident.Property(i => i.CreatedById).HasMaxLength(64);
            incident.Property(i => i.Version).IsConcurrencyToken();
            incident.HasMany(i => i.Facts).WithOne().HasForeignKey(f => f.IncidentId).OnDelete(DeleteBehavior.Cascade);
            incident.HasIndex(i => i.UpdatedAt);
        });

        builder.Entity<Fact>(fact =>
        {
            fact.HasKey(f => f.Id);
            fact.Property(f => f.Key).HasMaxLength(Fact.KeyMaxLength).IsRequired();
            fact.HasIndex(f => new { f.IncidentId, f.Key }).IsUnique();
            fact.Property(f => f.Label).HasMaxLength(Fact.LabelMaxLength).IsRequired();
            fact.Property(f => f.Type).HasConversion<string>().HasMaxLength(16);
            fact.Property(f => f.Value).HasMaxLength(Fact.ValueMaxLength).IsRequired();
            fact.Property(f => f.UpdatedById).HasMaxLength(64);
            fact.Property(f => f.UpdatedByName).HasMaxLength(256);
            fact.Property(f => f.Version).IsConcurrencyToken();
        });

        builder.Entity<FactChange>(change =>
        {
            change.HasKey(c => c.Id);
            change.Property(c => c.Key).HasMaxLength(Fact.KeyMaxLength);
            change.Property(c => c.Type).HasConversion<string>().HasMaxLength(16);
            change.Property(c => c.OldValue).HasMaxLength(Fact.ValueMaxLength);
            change.Property(c => c.NewValue).HasMaxLength(Fact.ValueMaxLength);
            change.Property(c => c.OldLabel).HasMaxLength(Fact.LabelMaxLength);
            change.Property(c => c.NewLabel).HasMaxLength(Fact.LabelMaxLength);
            change.Property(c => c.ById).HasMaxLength(64);
            change.Property(c => c.ByName).HasMaxLength(256);
            change.HasIndex(c => new { c.IncidentId, c.Key, c.At });
        });

        builder.Entity<Statement>(statement =>
        {
            statement.HasKey(s => s.Id);
            statement.Property(s => s.Kind).HasConversion<string>().HasMaxLength(32);
            statement.Property(s => s.Audience).HasConversion<string>().HasMaxLength(16);
            statement.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
            statement.Property(s => s.TemplateId).HasMaxLength(100);
            statement.Property(s => s.CreatedById).HasMaxLength(64);
            statement.Property(s => s.Version).IsConcurrencyToken();
            statement.HasOne<Incident>().WithMany().HasForeignKey(s => s.IncidentId).OnDelete(DeleteBehavior.Restrict);
            statement.HasMany(s => s.Revisions).WithOne().HasForeignKey(r => r.StatementId).OnDelete(DeleteBehavior.Restrict);
            statement.HasIndex(s => s.IncidentId);
            statement.HasIndex(s => new { s.State, s.ScheduledFor });
            // A correction points at the published statement it corrects ("corrected by" reads this index).
            // Only an index, no foreign key: adding one makes SQLite rebuild the Statements table in
            // several transactions, which a crash mid-upgrade would leave half done. StatementService
            // checks the target exists, and statements are never deleted.
            statement.HasIndex(s => s.SupersedesStatementId);
        });

        builder.Entity<StatementRevision>(revision =>
        {
            revision.HasKey(r => r.Id);
            // Two saves from the same base cannot both become revision N+1.
            revision.HasIndex(r => new { r.StatementId, r.Number }).IsUnique();
            revision.Property(r => r.TitleSource).HasMaxLength(StatementRevision.TitleMaxLength).IsRequired();
            revision.Property(r => r.Title).HasMaxLength(2000).IsRequired();
            revision.Property(r => r.ContentHash).HasMaxLength(64).IsRequired();
            revision.Property(r => r.AuthorId).HasMaxLength(64);
            revision.Property(r => r.AuthorName).HasMaxLength(256);
            revision.Property(r => r.Note).HasMaxLength(200);
        });

        builder.Entity<Approval>(approval =>
        {
            approval.HasKey(a => a.Id);
            approval.Property(a => a.ContentHash).HasMaxLength(64).IsRequired();
            approval.Property(a => a.Role).HasMaxLength(32).IsRequired();
            approval.Property(a => a.UserId).HasMaxLength(64).IsRequired();
            approval.Property(a => a.UserName).HasMaxLength(256);
            approval.Property(a => a.Decision).HasConversion<string>().HasMaxLength(16);
            approval.Property(a => a.Comment).HasMaxLength(Approval.CommentMaxLength);
            approval.Property(a => a.VoidedReason).HasMaxLength(200);
            approval.HasOne<Statement>().WithMany().HasForeignKey(a => a.StatementId).OnDelete(DeleteBehavior.Restrict);
            approval.HasOne<StatementRevision>().WithMany().HasForeignKey(a => a.RevisionId).OnDelete(DeleteBehavior.Restrict);
            approval.HasIndex(a => new { a.StatementId, a.RevisionId });
            approval.Ignore(a => a.IsActive);
        });

        builder.Entity<ApprovalPolicy>(policy =>
        {
            policy.HasKey(p => p.Kind);
            policy.Property(p => p.Kind).HasConversion<string>().HasMaxLength(32);
            policy.Property(p => p.Roles).HasMaxLength(100).IsRequired();
            policy.Property(p => p.UpdatedBy).HasMaxLength(256);
        });

        builder.Entity<Publication>(publication =>
        {
            publication.HasKey(p => p.Id);
            // At most once per statement revision, whatever fires twice.
            publication.HasIndex(p => new { p.StatementId, p.RevisionId }).IsUnique();
            publication.HasIndex(p => p.PublishedAt);
            publication.HasIndex(p => p.IncidentId);
            publication.Property(p => p.ContentHash).HasMaxLength(64).IsRequired();
            publication.Property(p => p.Title).HasMaxLength(2000).IsRequired();
            publication.Property(p => p.Trigger).HasConversion<string>().HasMaxLength(16);
            publication.Property(p => p.PublishedBy).HasMaxLength(256);
            publication.HasOne<Statement>().WithMany().HasForeignKey(p => p.StatementId).OnDelete(DeleteBehavior.Restrict);
            publication.HasOne<StatementRevision>().WithMany().HasForeignKey(p => p.RevisionId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<IdempotencyRecord>(record =>
        {
            record.ToTable("IdempotencyRecords");
            // One key per user: the primary key is what makes two racing retries create one thing.
            record.HasKey(r => new { r.UserId, r.Key });
            record.Property(r => r.UserId).HasMaxLength(64);
            record.Property(r => r.Key).HasMaxLength(IdempotencyRecord.KeyMaxLength);
            record.Property(r => r.Operation).HasMaxLength(64).IsRequired();
            record.Property(r => r.RequestHash).HasMaxLength(64).IsRequired();
            record.HasIndex(r => r.CreatedAt);
        });

        builder.Entity<StatementComment>(comment =>
        {
            comment.HasKey(c => c.Id);
            comment.Property(c => c.Body).HasMaxLength(StatementComment.BodyMaxLength).IsRequired();
            comment.Property(c => c.AuthorId).HasMaxLength(64);
            comment.Property(c => c.AuthorName).HasMaxLength(256);
            comment.HasOne<Statement>().WithMany().HasForeignKey(c => c.StatementId).OnDelete(DeleteBehavior.Restrict);
            comment.HasIndex(c => new { c.StatementId, c.At });
        });
    }

    /// <summary>Links new audit entries onto the hash chain in the same transaction as the change they record.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var added = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await AuditChain.LinkAsync(this, added, cancellationToken);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            return written;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added)
            ? throw new InvalidOperationException("Audit entries must be saved with SaveChangesAsync (it links them onto the hash chain).")
            : base.SaveChanges(acceptAllChangesOnSuccess);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or ORDER BY DateTimeOffset. Every time is stored as UTC ticks
        // (an integer), which sorts correctly; values are always UTC in this product anyway.
        // PostgreSQL keeps the same bigint ticks rather than timestamptz, on purpose: timestamptz holds
        // microseconds, .NET times hold 100 ns ticks, so a time would not read back equal to what was
        // written — and audit hashes cover At.UtcTicks, so every entry written at a non-whole microsecond
        // would then fail verification. Ticks keep times exact, ordering and ranges identical on both
        // providers, and one model for both. (Reading them in psql: to_timestamp(col / 1e7 - 62135596800).)
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
