#:project ../../src/OtelProfiles/OtelProfiles.csproj
#:property TreatWarningsAsErrors=false
// What span links cost the app's thread, in thread CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID), Linux), which a
// loaded machine inflates far less than BenchmarkDotNet's wall-clock figures: one continuation's execution-context
// switch into a span's context and back (what every await that resumes elsewhere does), a span started and stopped,
// and the clock read the tracker makes per change. Best of 7 rounds. Run:
//   DOTNET_TieredCompilation=0 dotnet run -c Release span-link-cost.cs
// (optimized from the first call: with tiering on, whichever mode is measured first runs partly unoptimized code).
using System.Diagnostics;
using System.Runtime.InteropServices;

var trackerType = Type.GetType("OtelProfiles.Tracing.SampleContextTracker, OtelProfiles")!;
var linksType = Type.GetType("OtelProfiles.ProfileSpanLinks, OtelProfiles")!;
var start = trackerType.GetMethod("Start")!;
var stop = trackerType.GetMethod("Stop")!;
var source = new ActivitySource("probe");
using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
ActivitySource.AddActivityListener(listener);
ContextCallback nothing = _ => { };

ExecutionContext Capture()
{
    ExecutionContext? ctx = null;
    var t = new Thread(() => { source.StartActivity("req"); ctx = ExecutionContext.Capture(); });
    t.Start(); t.Join();
    return ctx!;
}

double CpuNs(Action body, int n)
{
    body(); // warm
    long best = long.MaxValue;
    for (int r = 0; r < 7; r++)
    {
        long t0 = ThreadCpu(); 
        for (int i = 0; i < n; i++) body();
        best = Math.Min(best, ThreadCpu() - t0);
    }
    return (double)best / n;
}

int N = 200_000;
var ctxOff = Capture();
double off = CpuNs(() => ExecutionContext.Run(ctxOff, nothing, null), N);
double spanOff = CpuNs(() => { using var a = source.StartActivity("child"); }, N / 4);
double clock = CpuNs(() => Stopwatch.GetTimestamp(), N);

// The tracker as it runs (its callback on Activity.Current's own AsyncLocal), then with the fallback mirror (the
// tracker's test switch). The mirror's figures include the first callback returning at once: it stays installed.
var preferMirror = trackerType.GetProperty("PreferMirror", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
foreach (bool mirror in new[] { false, true })
{
    preferMirror.SetValue(null, mirror);
    start.Invoke(null, [Enum.ToObject(linksType, 0)]);
    var ctxOn = Capture();
    double on = CpuNs(() => ExecutionContext.Run(ctxOn, nothing, null), N);
    double spanOn = CpuNs(() => { using var a = source.StartActivity("child"); }, N / 4);
    stop.Invoke(null, null);
    Console.WriteLine($"thread CPU ns, tracker {(mirror ? "with the mirror" : "hooked")}: context switch in+out off={off:0.0} on={on:0.0} delta={on - off:0.0}; span start+stop off={spanOff:0.0} on={spanOn:0.0} delta={spanOn - spanOff:0.0}; Stopwatch.GetTimestamp={clock:0.0}");
}

static long ThreadCpu() { clock_gettime(3, out var ts); return ts.Sec * 1_000_000_000 + ts.Nsec; }
[DllImport("libc")] static extern int clock_gettime(int clock, out Timespec ts);
struct Timespec { public long Sec; public long Nsec; }
