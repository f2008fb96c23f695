namespace CrisisComms.Web.Components.Layout;

/// <summary>
/// Marks a staff page whose MudBlazor components open popovers (selects, menus, tooltips). Only on those
/// pages does <see cref="StaffLayout"/> render a <c>MudPopoverProvider</c>: every other circuit saves the
/// provider and its services. (One provider at a time: two would claim the same section outlet.)
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class UsesPopoversAttribute : Attribute;
