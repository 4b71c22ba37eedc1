// Which references from older objects to ephemeral (gen0/gen1) ones a heap holds, and how many GC cards they dirty.
//
//   dotnet-dump collect -p PID --type Heap -o app.dmp
//   dotnet run -c Release --project bench/OtelProfiles.HeapCards -- app.dmp [top-rows]
//
// A gen0 collection scans every set card of the older generations for references into the ephemeral ones; a card
// whose references lead only to gen1 objects is scanned for nothing, and when such cards dominate the GC raises
// the collection to gen1 (its "low card efficiency" rule). References spread over large arrays cost a card each.
// Then what keeps young data alive (stack frames, handles, older objects) and how much of it.
using Microsoft.Diagnostics.Runtime;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: OtelProfiles.HeapCards <heap dump> [top rows]");
    return 2;
}

const int CardShift = 8; // 256-byte cards on 64-bit
int top = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
using DataTarget target = DataTarget.LoadDump(args[0]);
// The DAC of the runtime this tool runs on: the dump comes from this machine (symbol servers are not reachable). Its
// build may not match the dump's byte for byte, so the check is relaxed; the heap walk only needs the same version.
string dacName = OperatingSystem.IsWindows() ? "mscordaccore.dll" : OperatingSystem.IsMacOS() ? "libmscordaccore.dylib" : "libmscordaccore.so";
ClrRuntime runtime = target.ClrVersions[0].CreateRuntime(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), dacName), ignoreMismatch: true);
ClrHeap heap = runtime.Heap;

var edges = new Dictionary<string, (int References, HashSet<ulong> Cards)>();
var objects = new Dictionary<string, long>();
var gen1Bytes = new Dictionary<string, long>();
var oldToYoung = new List<(string Holder, ClrObject Young)>(); // for the keepers' report below: one heap walk serves both
foreach (ClrObject holder in heap.EnumerateObjects())
{
    if (!holder.IsValid || holder.Type is null)
    {
        continue;
    }

    int holderAge = Age(holder.Address);
    string generation = Label(holderAge);
    objects[generation] = objects.GetValueOrDefault(generation) + (long)holder.Size;
    if (holderAge == 1)
    {
        gen1Bytes[holder.Type.Name ?? "?"] = gen1Bytes.GetValueOrDefault(holder.Type.Name ?? "?") + (long)holder.Size;
    }

    if (holderAge < 1 || !holder.Type.ContainsPointers)
    {
        continue;
    }

    foreach (ClrReference reference in holder.EnumerateReferencesWithFields(carefully: false, considerDependantHandles: false))
    {
        int targetAge = reference.Object.Address == 0 ? -1 : Age(reference.Object.Address);
        if (targetAge < 0 || targetAge > 1 || targetAge >= holderAge)
        {
            continue;
        }

        if (holderAge == 2)
        {
            oldToYoung.Add((holder.Type.Name ?? "?", reference.Object));
        }

        string key = $"{Label(holderAge)} -> {Label(targetAge)}  {holder.Type.Name} -> {reference.Object.Type?.Name}";
        (int count, HashSet<ulong> cards) = edges.TryGetValue(key, out var edge) ? edge : (0, new HashSet<ulong>());
        cards.Add((holder.Address + (ulong)reference.Offset) >> CardShift);
        edges[key] = (count + 1, cards);
    }
}

Console.WriteLine("heap KB by generation: " + string.Join("  ", objects.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value / 1024}")));
Console.WriteLine($"older -> ephemeral references: {edges.Values.Sum(e => e.References)} in {edges.Values.SelectMany(e => e.Cards).Distinct().Count()} cards");
foreach (var edge in edges.OrderByDescending(e => e.Value.Cards.Count).Take(top))
{
    Console.WriteLine($"{edge.Value.References,8} refs {edge.Value.Cards.Count,6} cards  {edge.Key}");
}

Console.WriteLine("gen1 KB by type:");
foreach (var type in gen1Bytes.OrderByDescending(t => t.Value).Take(top))
{
    Console.WriteLine($"{type.Value / 1024,8}  {type.Key}");
}

// What keeps young data alive: each root (a thread's stack frame, a handle) and each older object that reaches
// ephemeral objects, with the young bytes behind it (counted once, roots first). Young data the process keeps for a
// while costs every gen0 collection: this GC leaves a small set of survivors in gen0, so they are marked and moved
// again each time, and older objects that reach them are found through the card table.
var reached = new HashSet<ulong>();
var keepers = new Dictionary<string, long>();
foreach (ClrRoot root in heap.EnumerateRoots())
{
    if (root.Object.IsValid && Age(root.Object.Address) is 0 or 1)
    {
        string where = root is ClrStackRoot stackRoot
            ? $"stack of {stackRoot.StackFrame?.Thread?.OSThreadId:x}: {stackRoot.StackFrame?.Method?.Signature ?? stackRoot.StackFrame?.FrameName}"
            : root.RootKind.ToString();
        Keep($"{where} -> {root.Object.Type?.Name}", root.Object);
    }
}

foreach ((string holder, ClrObject young) in oldToYoung)
{
    Keep($"old {holder} -> {young.Type?.Name}", young);
}

Console.WriteLine("young KB kept alive, by what reaches it:");
foreach (var keeper in keepers.Where(k => k.Value > 0).OrderByDescending(k => k.Value).Take(top))
{
    Console.WriteLine($"{keeper.Value / 1024.0,8:0.0}  {keeper.Key}");
}

return 0;

void Keep(string keeper, ClrObject start)
{
    long bytes = 0;
    var pending = new Stack<ClrObject>();
    pending.Push(start);
    while (pending.Count > 0)
    {
        ClrObject next = pending.Pop();
        if (!next.IsValid || !reached.Add(next.Address))
        {
            continue;
        }

        bytes += (long)next.Size;
        foreach (ClrObject reference in next.EnumerateReferences())
        {
            if (Age(reference.Address) is 0 or 1)
            {
                pending.Push(reference);
            }
        }
    }

    keepers[keeper] = keepers.GetValueOrDefault(keeper) + bytes;
}

// 0 and 1 ephemeral; the large, pinned and frozen heaps count as the oldest generation.
int Age(ulong address) => heap.GetSegmentByAddress(address)?.GetGeneration(address) switch
{
    Generation.Generation0 => 0,
    Generation.Generation1 => 1,
    Generation.Generation2 or Generation.Large or Generation.Pinned or Generation.Frozen => 2,
    _ => -1,
};

static string Label(int age) => age switch { 0 => "gen0", 1 => "gen1", _ => "old" };
