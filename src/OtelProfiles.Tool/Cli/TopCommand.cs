using System.CommandLine;
using System.Globalization;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Decoding;

namespace OtelProfiles.Tool.Cli;

/// <summary><c>otel-profiles top &lt;inputs&gt;</c>: the functions with the most self (or total) value, as a terminal table.</summary>
internal static class TopCommand
{
    public static Command Create()
    {
        var inputs = CommonOptions.Inputs();
        var limit = new Option<int>("--limit", "-n") { Description = "Rows per table", DefaultValueFactory = _ => 20 };
        var sort = new Option<string>("--sort") { Description = "Order by self or total", DefaultValueFactory = _ => "self" };
        sort.AcceptOnlyFromAmong("self", "total");
        var service = CommonOptions.Service();
        var type = CommonOptions.Type();
        var filter = CommonOptions.Filter();
        var quiet = CommonOptions.Quiet();
        var maxInput = CommonOptions.MaxInputSize();
        var gauge = CommonOptions.Gauge();
        var command = new Command("top", "Print the top functions by self or total value")
        {
            inputs, limit, sort, service, type, filter, quiet, maxInput, gauge,
        };

        command.SetAction(parse => CliRunner.Run(() =>
        {
            var progress = parse.GetValue(quiet) ? null : Console.Error;
            var profiles = ProfileSelection.Select(
                OtlpFileReader.ReadAll(parse.GetValue(inputs)!, progress, Units.ParseSize(parse.GetValue(maxInput)!, "--max-input-size")), parse.GetValue(service), parse.GetValue(type));
            var sampleFilter = new SampleFilter(parse.GetValue(filter) ?? []);
            var gaugeMode = GaugeAggregation.Parse(parse.GetValue(gauge), "--gauge");
            foreach (var group in ProfileSelection.ByServiceAndType(profiles))
            {
                var combined = GaugeAggregation.Combine(group, gaugeMode);
                var rows = TopFunctions.Compute(combined, sampleFilter, gaugeMode);
                if (parse.GetValue(sort) == "total")
                {
                    rows = rows.OrderByDescending(r => r.Total).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
                }

                var grand = combined.Sum(p => p.Samples.Where(sampleFilter.Matches).Sum(s => s.Value));
                Console.Out.Write(Render(group.Key.Service, group.Key.Type, rows.Take(parse.GetValue(limit)).ToList(), grand));
                Console.Out.WriteLine();
            }
        }));
        return command;
    }

    /// <summary>Formats one table; separate from the command so tests can check it.</summary>
    internal static string Render(string service, string profileType, IReadOnlyList<FunctionTotals> rows, long grandTotal)
    {
        var unit = ProfileTypeNames.UnitOf(profileType);
        string Pct(long v) => grandTotal == 0 ? "0.0%" : (100.0 * v / grandTotal).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var selfWidth = Math.Max(4, rows.Select(r => r.Self.ToString(CultureInfo.InvariantCulture).Length).DefaultIfEmpty(0).Max());
        var totalWidth = Math.Max(5, rows.Select(r => r.Total.ToString(CultureInfo.InvariantCulture).Length).DefaultIfEmpty(0).Max());
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{TerminalText.Safe(service)}  {TerminalText.Safe(profileType)}  total {grandTotal} {TerminalText.Safe(unit)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"self".PadLeft(selfWidth)}  {"self%",6}  {"total".PadLeft(totalWidth)}  {"total%",6}  function");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{row.Self.ToString(CultureInfo.InvariantCulture).PadLeft(selfWidth)}  {Pct(row.Self),6}  {row.Total.ToString(CultureInfo.InvariantCulture).PadLeft(totalWidth)}  {Pct(row.Total),6}  {TerminalText.Safe(row.Name)}");
        }

        return text.ToString();
    }
}
