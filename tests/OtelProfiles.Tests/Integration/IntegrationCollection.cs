namespace OtelProfiles.Tests.Integration;

/// <summary>Child-process profiling tests run one at a time: two sampled workloads on two cores would starve each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IntegrationCollection
{
    public const string Name = "Child-process profiling";
}
