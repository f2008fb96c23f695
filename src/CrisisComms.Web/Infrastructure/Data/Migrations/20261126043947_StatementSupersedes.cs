using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisComms.Web.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class StatementSupersedes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "SupersedesStatementId",
                table: "Statements",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Statements_SupersedesStatementId",
                table: "Statements",
                column: "SupersedesStatementId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Statements_SupersedesStatementId",
                table: "Statements");

            migrationBuilder.DropColumn(
                name: "SupersedesStatementId",
                table: "Statements");
        }
    }
}
