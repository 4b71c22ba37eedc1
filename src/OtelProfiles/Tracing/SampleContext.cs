using System.Diagnostics;

namespace OtelProfiles.Tracing;

/// <summary>
/// What was current on a thread when a sample was taken: the span (after the <see cref="ProfileSpanLinks"/> choice)
/// and the request-scoped tags. A sample table keeps one id per distinct context in its row keys (<see cref="SampleContextTable"/>).
/// Both compare by reference: one span or one tag scope is one object however many threads it hops across.
/// </summary>
/// <param name="Span">The span the sample links to, or null.</param>
/// <param name="Tags">The tags of the innermost <see cref="ProfileTags.Set"/> scope, or null.</param>
internal readonly record struct SampleContext(Activity? Span, ProfileTagSet? Tags)
{
    /// <summary>True when the sample carries neither a link nor tags.</summary>
    public bool IsEmpty => Span is null && Tags is null;
}
