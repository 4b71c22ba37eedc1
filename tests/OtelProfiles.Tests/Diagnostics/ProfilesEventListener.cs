using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Tests.Diagnostics;

/// <summary>A real <see cref="EventListener"/> on the profiler's EventSource, all levels, keeping every event.</summary>
internal sealed class ProfilesEventListener : EventListener
{
    // Field initialisers run before the base constructor, which already reports existing sources.
    private readonly ConcurrentQueue<EventWrittenEventArgs> _events = new();

    public IReadOnlyList<EventWrittenEventArgs> Events => _events.ToArray();

    /// <summary>Every event as text: its name, its formatted message and each payload value.</summary>
    public string AllText => string.Join(Environment.NewLine, this.Events.Select(Describe));

    /// <summary>The events named <paramref name="name"/> whose string payloads mention <paramref name="marker"/>.</summary>
    public IReadOnlyList<EventWrittenEventArgs> Named(string name, string marker) =>
        this.Events.Where(e => e.EventName == name && e.Payload!.Any(p => p is string s && s.Contains(marker, StringComparison.Ordinal))).ToList();

    public static string Describe(EventWrittenEventArgs e)
    {
        var payload = e.Payload?.ToArray() ?? [];
        var message = e.Message is null ? string.Empty : string.Format(CultureInfo.InvariantCulture, e.Message, payload);
        return $"{e.EventName} [{e.EventId}] {message} | {string.Join(" | ", payload)}";
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == OtelProfilesEventSource.EventSourceName)
        {
            this.EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData) => _events.Enqueue(eventData);
}
