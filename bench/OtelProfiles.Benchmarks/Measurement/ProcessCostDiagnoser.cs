using System.Collections.Concurrent;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;
using OtelProfiles.Benchmarks.Jobs;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// Runs in the BenchmarkDotNet host and watches each benchmark process from outside: its CPU time and peak working
/// set over the measured iterations, and afterwards the profiles it exported. For the dotnet-trace job it also
/// attaches dotnet-trace to the process before anything runs and stops it after the measured iterations, so the
/// peer is measured by the same engine, in the same run, as our own configurations.
/// </summary>
internal sealed class ProcessCostDiagnoser : IDiagnoser
{
    private readonly ConcurrentDictionary<BenchmarkCase, State> _states = new();

    public IEnumerable<string> Ids => ["OtelProfilesProcessCost"];

    public IEnumerable<IExporter> Exporters => [];

    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        State state = _states.GetOrAdd(parameters.BenchmarkCase, _ => new State());
        switch (signal)
        {
            case HostSignal.BeforeAnythingElse:
                state.ProcessId = parameters.Process.Id;
                if (ProfilingJobs.IsDotnetTrace(parameters.BenchmarkCase.Job))
                {
                    // Attached before warmup so the measured iterations see a session in its steady state.
                    string output = Path.Combine(Path.GetTempPath(), $"otelprofiles-bench-{parameters.Process.Id}.nettrace");
                    state.Peer = DotnetTracePeer.Start(parameters.Process.Id, output);
                    state.PeerStarted = DateTime.UtcNow;
                }

                break;
            case HostSignal.BeforeActualRun:
                state.CpuBefore = ProcessProbe.CpuTime(parameters.Process) + (state.Peer?.CpuTime ?? TimeSpan.Zero);
                break;
            case HostSignal.AfterActualRun:
                state.CpuAfter = ProcessProbe.CpuTime(parameters.Process) + (state.Peer?.CpuTime ?? TimeSpan.Zero);
                state.PeakWorkingSet = ProcessProbe.PeakWorkingSet(parameters.Process);
                if (state.Peer is { } peer)
                {
                    state.TraceBytes = peer.Stop();
                    state.TraceSeconds = (DateTime.UtcNow - state.PeerStarted).TotalSeconds;
                    peer.Dispose();
                    state.Peer = null;
                }

                break;
            case HostSignal.AfterProcessExit:
                state.Peer?.Dispose();
                state.Peer = null;
                break;
        }
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        if (!_states.TryRemove(results.BenchmarkCase, out State? state))
        {
            yield break;
        }

        if (results.TotalOperations > 0 && state.CpuAfter > state.CpuBefore)
        {
            double nsPerOp = (state.CpuAfter - state.CpuBefore).Ticks * 100.0 / results.TotalOperations;
            yield return new Metric(CostMetrics.CpuPerOp, nsPerOp);
        }

        if (state.PeakWorkingSet > 0)
        {
            yield return new Metric(CostMetrics.PeakWorkingSet, state.PeakWorkingSet);
        }

        if (state.ProcessId > 0)
        {
            string directory = BenchEnvironment.ExportDirectoryFor(state.ProcessId);
            ExportFiles exports = ExportFiles.Read(directory);
            if (exports.Requests > 0)
            {
                yield return new Metric(CostMetrics.EffectiveHz, exports.EffectiveHz);
                yield return new Metric(CostMetrics.PausedPercent, exports.PausedPercent);
                yield return new Metric(CostMetrics.ExportKbPerMinute, exports.GzipBytesPerMinute / 1024);
            }

            if (RunCounters.TryRead(BenchEnvironment.CountersPathFor(state.ProcessId)) is { Operations: > 0 } counters)
            {
                yield return new Metric(CostMetrics.AllocatedPerOpWholeRun, counters.AllocatedPerOperation);
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        if (state.TraceBytes > 0 && state.TraceSeconds > 0)
        {
            yield return new Metric(CostMetrics.TraceMbPerMinute, state.TraceBytes * 60 / state.TraceSeconds / (1024 * 1024));
        }
    }

    public void DisplayResults(ILogger logger)
    {
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];

    private sealed class State
    {
        public int ProcessId;
        public TimeSpan CpuBefore;
        public TimeSpan CpuAfter;
        public long PeakWorkingSet;
        public DotnetTracePeer? Peer;
        public DateTime PeerStarted;
        public long TraceBytes;
        public double TraceSeconds;
    }
}
