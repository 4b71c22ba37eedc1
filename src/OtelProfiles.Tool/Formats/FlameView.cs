using OtelProfiles.Tool.Analysis;

namespace OtelProfiles.Tool.Formats;

/// <summary>One flame graph to show: a tree with its title and unit, either plain or a diff.</summary>
/// <param name="Title">What the view shows, for example "shop cpu:samples/count".</param>
/// <param name="ProfileType">The profile type of the values.</param>
/// <param name="Root">The tree (for a diff, built by <see cref="FlameTreeBuilder.BuildDiff"/>).</param>
/// <param name="IsDiff">True when <paramref name="Root"/> carries baseline values too.</param>
internal sealed record FlameView(string Title, string ProfileType, FlameNode Root, bool IsDiff = false);
