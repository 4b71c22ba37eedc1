namespace OtelProfiles.Collection;

/// <summary>The runtime would not open an EventPipe session on this process; the message says why and what fixes it.</summary>
internal sealed class ProfilerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
