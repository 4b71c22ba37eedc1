using System.Globalization;
using System.Text;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace OtelProfiles.Benchmarks.Reporting;

/// <summary>
/// Keeps bench/results/latest.md: one section per suite (workloads, micro, demo-export), each rewritten by the
/// run that measured it, with the date, the machine and its load average before and after, then BenchmarkDotNet's
/// GitHub-markdown tables. A suite run alone replaces only its own section.
/// </summary>
internal sealed class ResultsMarkdown
{
    private static readonly string[] SectionOrder = ["workloads", "micro", "demo-export"];
    private readonly string _directory;
    private readonly string _section;
    private readonly StringBuilder _header = new();
    private readonly StringBuilder _body = new();
    private readonly double? _loadBefore = MachineInfo.LoadAverage();
    private readonly DateTime _started = DateTime.UtcNow;

    public ResultsMarkdown(string directory, string section, string title, string command)
    {
        _directory = directory;
        _section = section;
        _header.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`")
            .AppendLine(CultureInfo.InvariantCulture, $"- Started: {_started:yyyy-MM-dd HH:mm} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"- Machine: {MachineInfo.Describe()}");
    }

    public void Add(Summary summary)
    {
        var log = new AccumulationLogger();
        MarkdownExporter.GitHub.ExportToLog(summary, log);
        string name = summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type.Name ?? summary.Title;
        _body.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {name}").AppendLine().AppendLine(log.GetLog().Trim());
    }

    public void AddText(string markdown) => _body.AppendLine().AppendLine(markdown.Trim());

    /// <summary>Writes this section and regenerates latest.md from every section file present.</summary>
    public string Save()
    {
        double? loadAfter = MachineInfo.LoadAverage();
        double worst = Math.Max(_loadBefore ?? 0, loadAfter ?? 0);
        _header.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1 min): {_loadBefore:0.00} before, {loadAfter:0.00} after; took {(DateTime.UtcNow - _started).TotalMinutes:0} min");
        if (worst > MachineInfo.LoadedThreshold)
        {
            _header.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"> **Taken on a loaded machine** (load average up to {worst:0.00} on {Environment.ProcessorCount} cores): other processes competed for the CPU, so these numbers are noisier than on an idle machine.");
        }

        string body = _header.ToString() + _body;
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, _section + ".md"), body);
        string latest = Path.Combine(_directory, "latest.md");
        File.WriteAllText(latest, Combine());
        return latest;
    }

    private string Combine()
    {
        var all = new StringBuilder()
            .AppendLine("# Latest benchmark results")
            .AppendLine()
            .AppendLine("Written by `bench/run-benchmarks` (see bench/README.md); each section is replaced by the run that measured it.")
            .AppendLine();
        foreach (string section in SectionOrder)
        {
            string path = Path.Combine(_directory, section + ".md");
            if (File.Exists(path))
            {
                all.AppendLine(File.ReadAllText(path).TrimEnd()).AppendLine();
            }
        }

        return all.ToString();
    }
}
