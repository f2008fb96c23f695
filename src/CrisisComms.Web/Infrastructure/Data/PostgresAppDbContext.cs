using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// <see cref="AppDbContext"/> on PostgreSQL (Database:Provider = "Postgres"). The model is the same; only the
/// type differs, because EF Core finds a context's migrations by its type: these are in Migrations/Postgres,
/// generated for PostgreSQL's column types, and the SQLite ones in Migrations/ stay exactly as they were.
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);
