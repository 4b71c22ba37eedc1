using OtelProfiles.Symbols;

namespace OtelProfiles.Tests.Symbols;

public sealed class MethodAddressMapTests
{
    [Fact]
    public void Resolves_addresses_inside_sized_ranges_only()
    {
        var map = new MethodAddressMap();
        map.Add(0x1000, 0x100, 1, "A", "First", "a.dll");
        map.Add(0x2000, 0x10, 2, "A", "Second", "a.dll");

        Assert.Equal("A.First", map.Resolve(0x1000)?.DisplayName);
        Assert.Equal("A.First", map.Resolve(0x10FF)?.DisplayName);
        Assert.Null(map.Resolve(0x1100));
        Assert.Null(map.Resolve(0x0FFF));
        Assert.Equal("A.Second", map.Resolve(0x200F)?.DisplayName);
        Assert.Null(map.Resolve(0x2010));
    }

    [Fact]
    public void Code_memory_reused_after_a_dynamic_method_was_collected_is_named_after_the_method_there_now()
    {
        // A reflection invoke stub, collected; the runtime then compiles a request delegate's dynamic method into
        // part of the same memory and another one right after it.
        var map = new MethodAddressMap();
        map.Add(0x7000, 0x400, 1, "dynamicClass", "InvokeStub_EventAttribute.set_Version", null);
        Assert.Equal("dynamicClass.InvokeStub_EventAttribute.set_Version", map.Resolve(0x7200)?.DisplayName);

        map.Add(0x7100, 0x80, 2, "dynamicClass", "lambda_method3", null);
        map.Add(0x7180, 0x100, 3, "dynamicClass", "lambda_method4", null);

        Assert.Equal("dynamicClass.lambda_method3", map.Resolve(0x7140)?.DisplayName);
        Assert.Equal("dynamicClass.lambda_method4", map.Resolve(0x7200)?.DisplayName);

        // What the dead method covered and nothing new does is unknown, not named after it.
        Assert.Null(map.Resolve(0x7050));
        Assert.Null(map.Resolve(0x7300));
        Assert.Equal(2, map.Count);

        // A new method that starts before a dead one and spans it: without the dead one, its whole range is named.
        map.Add(0x9100, 0x40, 4, "dynamicClass", "InvokeStub_Dead", null);
        map.Add(0x9000, 0x300, 5, "dynamicClass", "lambda_method5", null);
        Assert.Equal("dynamicClass.lambda_method5", map.Resolve(0x9200)?.DisplayName);
        Assert.Equal("dynamicClass.lambda_method5", map.Resolve(0x9110)?.DisplayName);
    }

    [Fact]
    public void Entry_point_only_methods_cover_up_to_the_next_method_within_a_bound()
    {
        var map = new MethodAddressMap();
        map.Add(0x10000, 0, 7, "R2R", "Precompiled", null);
        map.Add(0x10400, 0x40, 8, "R2R", "Next", null);

        Assert.Equal("R2R.Precompiled", map.Resolve(0x10123)?.DisplayName);
        Assert.Equal("R2R.Next", map.Resolve(0x10401)?.DisplayName);
        Assert.Null(map.Resolve(0x10000 + MethodAddressMap.MaxUnsizedMethodBytes + 0x1000));
    }

    [Fact]
    public void A_rundown_range_is_not_replaced_by_a_later_entry_point_and_code_versions_share_one_symbol()
    {
        var map = new MethodAddressMap();
        MethodSymbol tier0 = map.Add(0x5000, 0x80, 42, "Shop.Checkout", "Pay", "shop.dll");
        map.Add(0x5000, 0, 42, "Shop.Checkout", "Pay", null);
        MethodSymbol tier1 = map.Add(0x9000, 0x40, 42, "Shop.Checkout", "Pay", "shop.dll");

        Assert.Same(tier0, tier1);
        Assert.Same(tier0, map.Resolve(0x507F));
        Assert.Null(map.Resolve(0x5080 + MethodAddressMap.MaxUnsizedMethodBytes - 1) is { } s && s != tier0 ? s : null);
        Assert.Same(tier0, map.FindById(42));
    }

    [Fact]
    public void Methods_share_one_copy_of_each_name_and_make_their_display_name_when_first_asked()
    {
        var map = new MethodAddressMap();

        // Each event's payload decodes into fresh characters: equal names, distinct buffers.
        MethodSymbol first = map.Add(0x1000, 0x10, 1, "Shop.Checkout+<PayAsync>d__4".ToCharArray(), "MoveNext".ToCharArray(), "shop.dll");
        MethodSymbol second = map.Add(0x2000, 0x10, 2, "Shop.Checkout+<PayAsync>d__4".ToCharArray(), "SetStateMachine".ToCharArray(), "shop.dll");
        MethodSymbol third = map.Add(0x3000, 0x10, 3, "Shop.Inventory+<LoadAsync>d__2".ToCharArray(), "MoveNext".ToCharArray(), "shop.dll");

        Assert.Same(first.TypeName, second.TypeName);
        Assert.Same(first.MethodName, third.MethodName);
        Assert.NotSame(first.TypeName, third.TypeName);
        Assert.Equal("Shop.Checkout.PayAsync", first.DisplayName);
        Assert.Same(first.DisplayName, first.DisplayName);
        Assert.Equal("Shop.Checkout+<PayAsync>d__4.MoveNext", first.SystemName);
    }

    [Fact]
    public void A_method_without_an_id_keeps_its_symbol_when_seen_again_and_gets_a_new_one_when_renamed()
    {
        var map = new MethodAddressMap();
        MethodSymbol first = map.Add(0x7000, 0x20, 0, "Dyn", "Stub", null);
        MethodSymbol again = map.Add(0x7000, 0x20, 0, "Dyn", "Stub", "dyn.dll");
        MethodSymbol renamed = map.Add(0x7000, 0x20, 0, "Dyn", "Other", null);
        map.Add(0x8000, 0x20, 5, "Shop.A", "Old", null);
        MethodSymbol renamedUnderId = map.Add(0x8000, 0x20, 5, "Shop.A", "New", null);

        Assert.Same(first, again);
        Assert.Equal("dyn.dll", first.ModuleFile);
        Assert.NotSame(first, renamed);
        Assert.Same(renamed, map.Resolve(0x7010));
        Assert.Same(renamedUnderId, map.Resolve(0x8010));
        Assert.Same(renamedUnderId, map.FindById(5));
        Assert.Null(map.FindById(0));
        Assert.Equal(2, map.Count);
    }

    // While the JIT keeps compiling, an interval's lookups come after additions and rebuild the sorted arrays. A
    // rebuild that made new arrays allocated ~0.7 MB of large objects each time on a map of this size; the arrays now
    // stay and grow only when the map outgrows them.
    [Fact]
    public void A_rebuild_after_an_addition_reuses_its_arrays_and_still_resolves_every_range()
    {
        var map = new MethodAddressMap();
        const int Methods = 10_000;
        for (int i = 0; i < Methods; i++)
        {
            map.Add(0x10_0000 + ((ulong)i * 0x100), 0x80, (ulong)i + 1, "Shop.Generated", "M" + i, "shop.dll");
        }

        Assert.NotNull(map.Resolve(0x10_0010));
        map.Add(0x90_0000, 0x80, 20_001, "Shop.Late", "First", "shop.dll");
        Assert.NotNull(map.Resolve(0x90_0010)); // grows the arrays, with room for more
        map.Add(0x90_1000, 0x80, 20_002, "Shop.Late", "Second", "shop.dll");

        long before = GC.GetAllocatedBytesForCurrentThread();
        MethodSymbol? late = map.Resolve(0x90_1010);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1_000, $"{allocated} bytes allocated by a rebuild after one addition");
        Assert.Equal("Second", late?.MethodName);
        Assert.Equal("M0", map.Resolve(0x10_0010)?.MethodName);
        Assert.Equal("M9999", map.Resolve(0x10_0000 + (9_999UL * 0x100) + 0x7f)?.MethodName);
        Assert.Null(map.Resolve(0x10_0000 + (9_999UL * 0x100) + 0x80)); // past the last generated range
        Assert.Equal("First", map.Resolve(0x90_0010)?.MethodName);
    }
    // The map lives as long as the process and is the profiler's largest structure; each time one of its arrays grows
    // the old one stays on the large object heap until the app's next full collection. A hash table of ranges, sorted
    // copies of it and the merge's scratch arrays allocated 10.0 MB for this map; one sorted table and a short list of
    // ranges waiting to be merged, 4.8 MB (of which the symbols and their names take about 2).
    [Fact]
    public void Twenty_thousand_code_ranges_of_ten_thousand_methods_allocate_under_6_MB()
    {
        string[] names = Enumerable.Range(0, 10_000).Select(i => "M" + i).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var map = new MethodAddressMap();
        for (int i = 0; i < names.Length; i++)
        {
            // Tier 0 and tier 1 code of each method; the interval builder looks up addresses now and then.
            map.Add(0x10_0000 + ((ulong)i * 0x100), 0x80, (ulong)i + 1, "Shop.Generated", names[i], "shop.dll");
            map.Add(0x90_0000 + ((ulong)i * 0x100), 0x80, (ulong)i + 1, "Shop.Generated", names[i], "shop.dll");
            if (i % 500 == 0)
            {
                Assert.NotNull(map.Resolve(0x10_0010));
            }
        }

        Assert.Equal("M9999", map.Resolve(0x90_0000 + (9_999UL * 0x100) + 0x10)?.MethodName);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(20_000, map.Count);
        Assert.True(allocated < 6_000_000, $"{allocated:N0} bytes allocated");
    }

    // Ranges wait in arrival order and are merged into the sorted table in place, at a lookup or when a burst (a
    // rundown) fills the waiting list. Checked against the plain form of the rules, with lookups at random points (at
    // least every 1,000 additions, so that the map merges when the reference sorts: where collected code was reused
    // more than once, which ranges survive depends on when overlaps are settled):
    // same starts (a later entry point keeps a sized range), code memory reused by collected methods (the later of
    // two overlapping ranges wins), entry points without a size.
    [Fact]
    public void Merging_in_place_names_every_address_as_the_rules_say()
    {
        var random = new Random(7);
        var map = new MethodAddressMap();
        var reference = new ReferenceMap();
        for (int step = 0; step < 20_000; step++)
        {
            ulong start = 0x1_0000 + ((ulong)random.Next(4_000) * 0x10);
            ulong size = random.Next(10) == 0 ? 0 : (ulong)random.Next(1, 0x60);
            ulong id = (ulong)random.Next(1, 3_000);
            map.Add(start, size, id, "T", "M" + id, null);
            reference.Add(start, size, (int)id);
            if (random.Next(300) == 0 || step % 1_000 == 999)
            {
                AssertSame(random);
            }
        }

        AssertSame(random);

        void AssertSame(Random random)
        {
            for (int probe = 0; probe < 2_000; probe++)
            {
                ulong address = 0x1_0000 + (ulong)random.Next(4_000 * 0x10 + 0x100);
                int? expected = reference.Resolve(address);
                MethodSymbol? actual = map.Resolve(address);
                Assert.Equal(expected is int e ? "M" + e : null, actual?.MethodName);
            }

            Assert.Equal(reference.Count, map.Count);
        }
    }

    // The rules as a hash table by start, sorted at each lookup after an addition.
    private sealed class ReferenceMap
    {
        private readonly Dictionary<ulong, (ulong Size, int Id, long Added)> _ranges = new();
        private long _added;
        private List<(ulong Start, ulong Size, int Id)> _sorted = [];
        private bool _dirty;

        public int Count
        {
            get
            {
                Rebuild();
                return _sorted.Count;
            }
        }

        public void Add(ulong start, ulong size, int id)
        {
            if (size == 0 && _ranges.ContainsKey(start))
            {
                return;
            }

            _ranges[start] = (size, id, ++_added);
            _dirty = true;
        }

        public int? Resolve(ulong address)
        {
            Rebuild();
            (ulong Start, ulong Size, int Id)? found = null;
            foreach (var range in _sorted)
            {
                if (range.Start <= address)
                {
                    found = range;
                }
            }

            if (found is not { } hit)
            {
                return null;
            }

            ulong offset = address - hit.Start;
            return (hit.Size > 0 ? offset < hit.Size : offset < MethodAddressMap.MaxUnsizedMethodBytes) ? hit.Id : null;
        }

        private void Rebuild()
        {
            if (!_dirty)
            {
                return;
            }

            var sorted = _ranges.OrderBy(pair => pair.Key).ToList();
            var drop = new HashSet<ulong>();
            int previous = -1;
            for (int i = 0; i < sorted.Count; i++)
            {
                if (sorted[i].Value.Size == 0)
                {
                    continue;
                }

                if (previous >= 0 && sorted[i].Key < sorted[previous].Key + sorted[previous].Value.Size)
                {
                    int older = sorted[previous].Value.Added < sorted[i].Value.Added ? previous : i;
                    drop.Add(sorted[older].Key);
                    if (older == i)
                    {
                        continue;
                    }
                }

                previous = i;
            }

            foreach (ulong start in drop)
            {
                _ranges.Remove(start);
            }

            _sorted = sorted.Where(pair => !drop.Contains(pair.Key)).Select(pair => (pair.Key, pair.Value.Size, pair.Value.Id)).ToList();
            _dirty = false;
        }
    }
}
