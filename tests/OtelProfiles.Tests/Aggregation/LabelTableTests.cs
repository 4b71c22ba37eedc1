using OtelProfiles.Aggregation;

namespace OtelProfiles.Tests.Aggregation;

public sealed class LabelTableTests
{
    [Fact]
    public void Names_get_stable_labels_by_handle_or_by_characters()
    {
        var table = new LabelTable();
        int bytes = table.ForHandle(0x1000, "System.Byte[]");
        int strings = table.ForName("System.String".AsSpan());
        Assert.Equal(bytes, table.ForHandle(0x1000, "ignored: the handle is known"));
        Assert.Equal(bytes, table.ForName("System.Byte[]"));
        Assert.Equal(bytes, table.ForHandle(0x2000, "System.Byte[]")); // another handle, same name (a reloaded type)
        Assert.NotEqual(bytes, strings);
        Assert.Equal("System.Byte[]", table.Name(bytes));
        Assert.Equal("System.String", table.Name(strings));
    }

    [Fact]
    public void Many_names_stay_distinct_after_the_table_grows()
    {
        var table = new LabelTable();
        var labels = Enumerable.Range(0, 1000).Select(i => table.ForName($"Type{i}")).ToList();
        Assert.Equal(1000, labels.Distinct().Count());
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(labels[i], table.ForName($"Type{i}")));
        Assert.Equal(1000, table.Count);
    }
}
