namespace ImageClassifier.Shared.Text;

/// <summary>
/// Members a config may give any component of a kind, beside the component's own: mmengine's
/// runner takes <c>priority</c> off every hook entry before building the hook. The binder and the
/// build-time analyzer both let such a member through when the component does not declare one of
/// that name itself; the host reads its value.
/// </summary>
internal static class KindWideMembers
{
    /// <summary>The hook kind's per-entry <c>priority</c>: a name of mmengine's (<c>"NORMAL"</c>) or an integer 0-100.</summary>
    public const string HookPriority = "priority";

    /// <summary>Whether <paramref name="member"/> may stand on any component of <paramref name="kind"/>.</summary>
    public static bool Contains(string? kind, string member) => kind == "hook" && member == HookPriority;
}
