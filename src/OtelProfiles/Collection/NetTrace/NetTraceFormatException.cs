namespace OtelProfiles.Collection.NetTrace;

/// <summary>The stream is not a nettrace stream this reader understands.</summary>
internal sealed class NetTraceFormatException(string message) : Exception(message);
