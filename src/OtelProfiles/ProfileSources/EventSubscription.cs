using System.Diagnostics.Tracing;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.ProfileSources;

/// <summary>What one event-based source needs from the run's shared <see cref="ProfileEventsSession"/>.</summary>
/// <param name="Keywords">The runtime provider's keywords its types need now (never 0).</param>
/// <param name="Level">The provider's level it needs.</param>
/// <param name="BufferMB">The buffer its events need (the shared session's buffer is the sum of its subscribers').</param>
/// <param name="What">What the events are for, in failure messages ("memory events").</param>
/// <param name="CreateSink">
/// Gives the sink for a newly opened session. Called every time the shared session opens or reopens, because a
/// reopened session is a new stream: state that follows the stream (in-use tracking) starts again. The argument
/// says whether the new session narrows the one it replaces (no keyword added: a switch is narrowing the sources,
/// and the interval in progress ends next, so state of the old stream is still wanted for it).
/// </param>
internal sealed record EventSubscription(long Keywords, EventLevel Level, int BufferMB, string What, Func<bool, INetTraceEventSink> CreateSink);
