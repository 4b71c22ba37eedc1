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
}
