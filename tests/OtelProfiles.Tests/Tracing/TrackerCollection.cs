namespace OtelProfiles.Tests.Tracing;

/// <summary>
/// Tests of the process-wide span and tag tracker run alone: a profiler started by another test in this process
/// would start and stop the same tracker.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrackerCollection
{
    public const string Name = "Span and tag tracker";
}
