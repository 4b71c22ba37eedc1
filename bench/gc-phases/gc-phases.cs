#:package Microsoft.Diagnostics.Tracing.TraceEvent
// Where each GC's pause goes, from a trace with the runtime's GC keyword at Informational:
//
//   dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:4 --duration 00:00:00:10 -o run.nettrace
//   dotnet run bench/gc-phases/gc-phases.cs -- run.nettrace [more.nettrace ...]
//
// Per generation, the mean of: the whole pause (suspension start to restart end), the suspension, each mark phase
// (time from the previous mark event to this one: stack roots, finalization queue, handles, older generations through
// the card table), the rest of the collection after marking (plan, relocate, compact, which walk stacks and cards
// again), the restart; and the bytes promoted out of gen0 with what marked them. Both processes of a comparison carry
// the same extra session, so its own cost cancels.
using Microsoft.Diagnostics.Tracing;

foreach (string file in args)
{
    var collections = new List<Collection>();
    using (var source = new EventPipeEventSource(file))
    {
        Collection? current = null;
        double suspendStart = -1;
        double suspendEnd = 0;
        double lastMark = 0;
        source.Clr.GCSuspendEEStart += e => suspendStart = e.TimeStampRelativeMSec;
        source.Clr.GCSuspendEEStop += e => suspendEnd = e.TimeStampRelativeMSec;
        source.Clr.GCStart += e =>
        {
            current = new Collection(e.Depth) { SuspendMs = suspendStart >= 0 ? suspendEnd - suspendStart : 0, StartMs = suspendStart };
            lastMark = e.TimeStampRelativeMSec;
        };
        source.Clr.GCMarkWithType += e =>
        {
            if (current is not null && (int)e.Type < Collection.MarkKinds)
            {
                current.MarkMs[(int)e.Type] += e.TimeStampRelativeMSec - lastMark;
                current.MarkedBytes[(int)e.Type] += e.Promoted;
            }

            lastMark = e.TimeStampRelativeMSec;
        };
        source.Clr.GCHeapStats += e =>
        {
            if (current is not null)
            {
                current.PromotedFromGen0 = e.TotalPromotedSize0;
            }
        };
        source.Clr.GCStop += e =>
        {
            if (current is not null)
            {
                current.AfterMarkMs = e.TimeStampRelativeMSec - lastMark;
            }
        };
        source.Clr.GCRestartEEStart += e =>
        {
            if (current is not null)
            {
                current.RestartStartMs = e.TimeStampRelativeMSec;
            }
        };
        source.Clr.GCRestartEEStop += e =>
        {
            if (current is not null && current.StartMs >= 0)
            {
                current.RestartMs = e.TimeStampRelativeMSec - current.RestartStartMs;
                current.PauseMs = e.TimeStampRelativeMSec - current.StartMs;
                collections.Add(current);
            }

            current = null;
            suspendStart = -1;
        };
        source.Process();
    }

    foreach (IGrouping<int, Collection> generation in collections.GroupBy(c => c.Generation).OrderBy(g => g.Key))
    {
        double Us(Func<Collection, double> ms) => generation.Average(ms) * 1000;
        double Kb(int kind) => generation.Average(c => c.MarkedBytes[kind]) / 1024;
        Console.WriteLine(FormattableString.Invariant(
            $"{Path.GetFileName(file)} gen{generation.Key} n={generation.Count()} pause={Us(c => c.PauseMs):0}us suspend={Us(c => c.SuspendMs):0} stack={Us(c => c.MarkMs[0]):0} finalization={Us(c => c.MarkMs[1]):0} handles={Us(c => c.MarkMs[2]):0} older={Us(c => c.MarkMs[3]):0} after_mark={Us(c => c.AfterMarkMs):0} restart={Us(c => c.RestartMs):0} promoted_from_gen0={generation.Average(c => c.PromotedFromGen0) / 1024:0.0}KB marked_by_stack={Kb(0):0.0}KB marked_by_older={Kb(3):0.0}KB"));
    }
}

/// <summary>One collection's phases, in milliseconds of the trace's clock.</summary>
internal sealed class Collection(int generation)
{
    /// <summary>GCMarkWithType kinds kept: 0 stack, 1 finalization queue, 2 handles, 3 older generations (cards), 4 sized refs, 5 overflow, 6-7 others.</summary>
    public const int MarkKinds = 8;

    public int Generation { get; } = generation;

    public double StartMs { get; init; }

    public double SuspendMs { get; init; }

    public double[] MarkMs { get; } = new double[MarkKinds];

    public double[] MarkedBytes { get; } = new double[MarkKinds];

    public double AfterMarkMs { get; set; }

    public double RestartStartMs { get; set; }

    public double RestartMs { get; set; }

    public double PauseMs { get; set; }

    public double PromotedFromGen0 { get; set; }
}
