using System.Reflection;
using Microsoft.Extensions.Logging;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Tests.Diagnostics;

/// <summary>People filter the profiler's log on event ids: each id names one event, across the whole library.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_message_of_the_library_has_its_own_event_id_and_name()
    {
        var messages = typeof(Log).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.True(messages.Count >= 15, $"only {messages.Count} log messages found");
        var sharedIds = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(sharedIds.Count == 0, "Event ids used twice: " + string.Join("; ", sharedIds));

        var unnamed = messages.Where(m => string.IsNullOrEmpty(m.Attribute!.EventName)).Select(m => m.Method).ToList();
        Assert.True(unnamed.Count == 0, "Log messages without an event name: " + string.Join(", ", unnamed));
    }
}
