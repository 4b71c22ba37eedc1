namespace OtelProfiles.Export;

/// <summary>Where and how finished profiles are sent.</summary>
internal enum ProfilesExportProtocol
{
    /// <summary>OTLP/gRPC, <c>ProfilesService/Export</c>.</summary>
    Grpc,

    /// <summary>OTLP/HTTP with protobuf bodies.</summary>
    HttpProtobuf,

    /// <summary>One OTLP protobuf file per export into a directory.</summary>
    File,
}
