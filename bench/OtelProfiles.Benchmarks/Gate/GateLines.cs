using System.Globalization;
using OtelProfiles.Benchmarks.Measurement;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The lines both gates print at their start and end, in the one format that scripts and
/// <see cref="GateResampling"/> read: <c>GATE label: [two processes, ]warmup ... injected P% ...</c> and
/// <c>GATE RESULT workload=... verdict=...</c>.
/// </summary>
internal static class GateLines
{
    /// <summary>How the gate names a workload: its class name without "Workload".</summary>
    public static string Label(ProfiledWorkload workload) => workload.GetType().Name.Replace("Workload", "", StringComparison.Ordinal);

    /// <param name="design">What comes before the settings: "two processes, " for the paired-process gate, "" for the in-process one.</param>
    public static string Header(string label, string design, GateSettings settings) => string.Create(CultureInfo.InvariantCulture,
        $"GATE {label}: {design}warmup {settings.WarmupSeconds} s + {settings.ProfilerWarmupSeconds} s profiled, phases of {settings.PhaseSeconds} s (settle {settings.SettleSeconds} s), {settings.MinPairs}-{settings.MaxPairs} pairs, budget {settings.BudgetPercent}%, injected {settings.InjectPercent}%, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

    public static string Result(string label, SequentialVerdict verdict, GateSettings settings) => string.Create(CultureInfo.InvariantCulture,
        $"GATE RESULT workload={label} verdict={verdict.Verdict} overhead_percent={verdict.OverheadPercent:0.00} low={verdict.LowPercent:0.00} high={verdict.HighPercent:0.00} pairs={verdict.Count} injected={settings.InjectPercent} resolved={(verdict.Resolved ? "yes" : "no")}");
}
