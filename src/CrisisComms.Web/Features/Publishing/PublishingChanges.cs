using CrisisComms.Web.Features.Live;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>Which changes move a statement's schedule or publication: the filter of the publishing panels.</summary>
public static class PublishingChanges
{
    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal)
    {
        "statement.scheduled", "statement.rescheduled", "statement.unscheduled", "statement.published", "statement.publish-failed",
    };

    public static bool IsPublishingStep(ChangeEvent change) => Actions.Contains(change.Action);
}
