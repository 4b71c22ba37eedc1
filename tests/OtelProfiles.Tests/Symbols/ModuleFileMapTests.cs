using OtelProfiles.Symbols;

namespace OtelProfiles.Tests.Symbols;

public sealed class ModuleFileMapTests
{
    [Fact]
    public void A_module_reported_again_keeps_the_name_it_has_and_a_changed_one_replaces_it()
    {
        var modules = new ModuleFileMap();
        modules.Add(0x7f00, "/app/Shop.dll");
        string first = modules.Find(0x7f00)!;
        Assert.Equal("Shop.dll", first);

        // Every rundown reports every module again: the same name stays the same (long-lived) string.
        modules.Add(0x7f00, "/app/Shop.dll");
        Assert.Same(first, modules.Find(0x7f00));

        // An id reused by another module gets the new name.
        modules.Add(0x7f00, "/app/Shop.Payments.dll");
        Assert.Equal("Shop.Payments.dll", modules.Find(0x7f00));
        Assert.Null(modules.Find(0x1234));
    }
}
