using Microsoft.Extensions.Logging;
using OtelProfiles.Tests.Export;
using OtelProfiles.Tracing;

namespace OtelProfiles.Tests.Tracing;

/// <summary><see cref="ProfileTags"/> scopes: flow across await and into tasks, nesting, names, and the value cap.</summary>
[Collection(TrackerCollection.Name)]
public sealed class ProfileTagsTests
{
    [Fact]
    public async Task A_scope_flows_across_await_and_into_tasks_and_ends_where_it_is_disposed()
    {
        Assert.Null(Tag("test.flow"));
        using (ProfileTags.Set("test.flow", "outer"))
        {
            await Task.Yield();
            Assert.Equal("outer", Tag("test.flow"));
            await Task.Delay(1);
            Assert.Equal("outer", Tag("test.flow"));
            Assert.Equal("outer", await Task.Run(() => Tag("test.flow")));

            // A task's own scope stays in the task.
            await Task.Run(async () =>
            {
                using (ProfileTags.Set("test.flow", "in-task"))
                {
                    await Task.Yield();
                    Assert.Equal("in-task", Tag("test.flow"));
                }
            });
            Assert.Equal("outer", Tag("test.flow"));
        }

        Assert.Null(Tag("test.flow"));
    }

    [Fact]
    public async Task Inner_scopes_override_outer_keys_and_keep_the_others()
    {
        using (ProfileTags.Set("test.tier", "gold"))
        using (ProfileTags.Set("test.region", "eu"))
        {
            using (ProfileTags.Set("test.tier", "silver"))
            {
                await Task.Yield();
                Assert.Equal("silver", Tag("test.tier"));
                Assert.Equal("eu", Tag("test.region"));
                Assert.Equal(2, ProfileTags.Current!.Tags.Length);
            }

            Assert.Equal("gold", Tag("test.tier"));
        }
    }

    [Theory]
    [InlineData("Tenant")]
    [InlineData("tenant tier")]
    [InlineData("1tenant")]
    [InlineData("tenant..tier")]
    [InlineData("tenant.")]
    [InlineData("otel.tenant")]
    [InlineData("")]
    public void Keys_are_checked_like_ProfileTag_keys(string key)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ProfileTags.Set(key, "x"));
        Assert.Contains("lowercase ASCII letters", error.Message);
        Assert.Null(ProfileTags.Current);
    }

    [Fact]
    public void Values_past_the_cap_are_exported_as_other_and_the_key_is_logged_once()
    {
        var logger = new CapturingLogger();
        ProfileTagValueLimit.SetLogger(logger);
        for (int i = 0; i < ProfileTagValueLimit.MaxValuesPerKey; i++)
        {
            using (ProfileTags.Set("test.cap", $"v{i}"))
            {
                Assert.Equal($"v{i}", Tag("test.cap"));
            }
        }

        Assert.Empty(logger.Entries);
        for (int i = 0; i < 5; i++)
        {
            using (ProfileTags.Set("test.cap", $"new{i}"))
            {
                Assert.Equal(ProfileTagValueLimit.OtherValue, Tag("test.cap"));
            }
        }

        // A value seen before the cap keeps its name.
        using (ProfileTags.Set("test.cap", "v7"))
        {
            Assert.Equal("v7", Tag("test.cap"));
        }

        CapturedLog line = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("'test.cap' reached 100 distinct values", line.Message);
    }

    private static string? Tag(string key) =>
        ProfileTags.Current?.Tags.Where(t => t.Key == key).Select(t => t.Value).SingleOrDefault();
}
