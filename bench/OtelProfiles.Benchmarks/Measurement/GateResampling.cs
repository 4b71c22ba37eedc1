using System.Globalization;
using System.Text.RegularExpressions;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// The gate's error rates without running it hundreds of times: from the pairs that real gate runs recorded (the
/// <c>GATE ... pair N: ... ratio=R</c> lines of a log, grouped by workload and injected cost), simulates many gate
/// runs by drawing pairs with replacement and applying the same stopping rule, and prints how often each verdict
/// comes out: at 0% injected every FAIL is a false failure, at 8% every PASS a missed cost.
/// </summary>
internal static partial class GateResampling
{
    /// <param name="logPath">A log of real gate runs.</param>
    /// <param name="runs">Gate runs to simulate per pool.</param>
    /// <param name="maxPairs">The simulated gate's pair limit (bench/ci-overhead-check's, per workload, by default).</param>
    public static int Run(string logPath, int runs, int? maxPairs = null) => Run(logPath, runs, maxPairs, Console.Out);

    /// <param name="output">Where the table goes (the tests read it).</param>
    /// <inheritdoc cref="Run(string, int, int?)"/>
    public static int Run(string logPath, int runs, int? maxPairs, TextWriter output)
    {
        var pools = new Dictionary<(string Workload, string Injected), List<double>>();
        (string Workload, string Injected) current = ("?", "0");
        foreach (string line in File.ReadLines(logPath))
        {
            if (Header().Match(line) is { Success: true } header)
            {
                // The two designs' pairs are pooled apart: the paired-process gate's header says "two processes".
                string workload = header.Groups["workload"].Value + (header.Groups["paired"].Success ? " (two processes)" : "");
                current = (workload, header.Groups["inject"].Value);
            }
            else if (PairLine().Match(line) is { Success: true } pair)
            {
                if (!pools.TryGetValue(current, out List<double>? pool))
                {
                    pools[current] = pool = [];
                }

                pool.Add(double.Parse(pair.Groups["ratio"].Value, CultureInfo.InvariantCulture));
            }
        }

        var random = new Random(20261204);
        output.WriteLine("| workload | injected | pairs recorded | runs simulated | PASS | FAIL | unresolved | mean pairs per run |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (((string workload, string injected), List<double> pool) in pools.OrderBy(p => p.Key.Workload).ThenBy(p => double.Parse(p.Key.Injected, CultureInfo.InvariantCulture)))
        {
            int pass = 0, unresolved = 0;
            long pairs = 0;
            for (int run = 0; run < runs; run++)
            {
                var verdict = new SequentialVerdict(5, 6, maxPairs ?? Gate.GateSettings.DefaultMaxPairs(workload));
                while (!verdict.Decided)
                {
                    verdict.Add(pool[random.Next(pool.Count)]);
                }

                pass += verdict.Verdict == "PASS" ? 1 : 0;
                unresolved += verdict.Resolved ? 0 : 1;
                pairs += verdict.Count;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workload} | {injected}% | {pool.Count} | {runs} | {pass * 100.0 / runs:0.0}% | {(runs - pass) * 100.0 / runs:0.0}% | {unresolved * 100.0 / runs:0.0}% | {pairs / (double)runs:0.0} |"));
        }

        return 0;
    }

    [GeneratedRegex(@"^GATE (?<workload>\w+): (?<paired>two processes, )?.*injected (?<inject>[0-9.]+)%")]
    private static partial Regex Header();

    [GeneratedRegex(@"^GATE \w+ pair \d+: .*ratio=(?<ratio>[0-9.]+)")]
    private static partial Regex PairLine();
}
