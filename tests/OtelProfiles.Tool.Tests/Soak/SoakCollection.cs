namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>
/// The soak runs alone, after the parallel tests: its slopes measure the app, not the other tests competing for the
/// machine's two cores (thread-pool injection under CPU starvation would read as a thread leak).
/// </summary>
[Xunit.CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "Soak";
}
