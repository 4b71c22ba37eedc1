using OtelProfiles.Symbols;

namespace OtelProfiles.Tests.Symbols;

public sealed class FrameResolverTests
{
    [Fact]
    public void A_module_announced_after_its_methods_still_names_their_file()
    {
        var methods = new MethodAddressMap();
        var modules = new ModuleFileMap();
        var resolver = new FrameResolver(methods, () => NativeImageMap.Empty, modules);
        methods.Add(0x1000, 0x10, 1, "Shop.Checkout", "Pay", moduleFile: null, moduleId: 77);

        modules.Add(77, "/app/Shop.dll");
        ResolvedFrame frame = resolver.Resolve(0x1008);

        Assert.Equal("Shop.Checkout.Pay", frame.Name);
        Assert.Equal("Shop.dll", frame.File);
        Assert.True(frame.IsManaged);
    }

    [Fact]
    public void Unknown_addresses_name_their_image_or_are_unknown()
    {
        var resolver = new FrameResolver(
            new MethodAddressMap(),
            () => NativeImageMap.Parse(["7f0000000000-7f0000100000 r-xp 00000000 fe:00 1 /usr/lib/libcoreclr.so"]));

        Assert.Equal("[libcoreclr.so]", resolver.Resolve(0x7f0000000100).Name);
        Assert.Equal(FrameResolver.UnknownFrame, resolver.Resolve(0x10).Name);
        Assert.False(resolver.Resolve(0x10).IsManaged);
    }

    [Fact]
    public void A_disposed_resolver_still_names_methods_and_images()
    {
        var methods = new MethodAddressMap();
        methods.Add(0x1000, 0x10, 1, "Shop.Checkout", "Pay", moduleFile: "/app/Shop.dll", moduleId: 77);
        var resolver = new FrameResolver(
            methods,
            () => NativeImageMap.Parse(["7f0000000000-7f0000100000 r-xp 00000000 fe:00 1 /usr/lib/libcoreclr.so"]));

        // Disposing stops only the opening of precompiled images for names (ProfilingRun does it after the last interval).
        resolver.Dispose();

        Assert.Equal("Shop.Checkout.Pay", resolver.Resolve(0x1008).Name);
        Assert.Equal("[libcoreclr.so]", resolver.Resolve(0x7f0000000100).Name);
        Assert.Equal(FrameResolver.UnknownFrame, resolver.Resolve(0x10).Name);
    }
}
