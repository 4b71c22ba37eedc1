namespace OtelProfiles.Benchmarks.Tests.Gate;

/// <summary>
/// The tests that start the real gate run one at a time and alone: its two child processes share the machine's cores
/// and compare their CPU per operation, which other busy tests would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GateProcessCollection
{
    public const string Name = "Gate processes";
}
