using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Components.Shared;

/// <summary>How staff pages run a service call: the service's refusals become a message to show; anything else is a real error.</summary>
public static class UiAction
{
    /// <summary>Null when the action succeeded; otherwise the reason the service gave (bad field, conflict, not allowed, not found).</summary>
    public static async Task<string?> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (AppValidationException e) { return string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        catch (Exception e) when (e is ConflictException or AccessDeniedException or NotFoundException) { return e.Message; }
    }
}
