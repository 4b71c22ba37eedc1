namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// A long-lived object graph of a given size, standing for a service's caches and state: many small objects that
/// point at each other and at strings, then promoted to gen2 by a full collection, as a service's data is after its
/// first minutes. The suite's workloads keep under 1 MB alive; a GC's generation budgets (and so how a little extra
/// long-lived data changes them) depend on how much the process keeps.
/// </summary>
internal static class LiveData
{
    private sealed class Entry
    {
        public required string Key { get; init; }
        public required byte[] Payload { get; init; }
        public Entry? Next { get; set; }
    }

    /// <summary>About <paramref name="megabytes"/> MB of entries in buckets of linked lists; empty for 0.</summary>
    public static object[] Build(int megabytes)
    {
        if (megabytes <= 0)
        {
            return [];
        }

        // Each entry: the object (~40 B), a key string (~50 B) and a 64-byte payload (~90 B): ~180 B.
        int count = (int)(megabytes * 1024L * 1024 / 180);
        var buckets = new object[Math.Max(1, count / 8)];
        for (int i = 0; i < count; i++)
        {
            int bucket = i % buckets.Length;
            buckets[bucket] = new Entry { Key = "entry-" + i.ToString("x8"), Payload = new byte[64], Next = buckets[bucket] as Entry };
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return buckets;
    }
}
