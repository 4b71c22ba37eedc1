using System.Collections.Immutable;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OtelProfiles.Benchmarks.Jobs;

/// <summary>
/// Runs and lists the jobs of each workload in the order they were declared (off, default, each type, 1kHz,
/// dotnet-trace) instead of alphabetically, so the baseline comes first and the peer last.
/// </summary>
internal sealed class JobOrderer : DefaultOrderer
{
    private readonly List<string> _jobIds;

    public JobOrderer(IEnumerable<string> jobIds)
        : base(SummaryOrderPolicy.Declared)
    {
        _jobIds = jobIds.ToList();
    }

    public override IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarksCase, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        base.GetExecutionOrder(benchmarksCase, order).Select((c, i) => (c, i)).OrderBy(x => x.c.Descriptor.Type.Name).ThenBy(x => Rank(x.c)).ThenBy(x => x.i).Select(x => x.c);

    public override IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarksCases, Summary summary) =>
        base.GetSummaryOrder(benchmarksCases, summary).Select((c, i) => (c, i)).OrderBy(x => x.c.Descriptor.Type.Name).ThenBy(x => Rank(x.c)).ThenBy(x => x.i).Select(x => x.c);

    private int Rank(BenchmarkCase benchmarkCase)
    {
        int index = _jobIds.IndexOf(benchmarkCase.Job.Id);
        return index < 0 ? int.MaxValue : index;
    }
}
