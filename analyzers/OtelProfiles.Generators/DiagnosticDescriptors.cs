using Microsoft.CodeAnalysis;

namespace OtelProfiles.Generators;

/// <summary>Every diagnostic the OtelProfiles analyzers report. Ids are tracked in AnalyzerReleases.*.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Usage = "OtelProfiles.Usage";
    private const string Naming = "OtelProfiles.Naming";
    private const string Performance = "OtelProfiles.Performance";

    /// <summary>A member without a body never runs, so it has no frame to tag.</summary>
    public static readonly DiagnosticDescriptor TagOnBodylessMember = new(
        id: "OTP001",
        title: "[ProfileTag] on a member without a body",
        messageFormat: "'{0}' has no body ({1}), so no sample can pass through it; move [ProfileTag] to the implementation",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>An inlined method has no frame of its own.</summary>
    public static readonly DiagnosticDescriptor TaggedMethodLikelyInlined = new(
        id: "OTP002",
        title: "Tagged method is likely to be inlined",
        messageFormat: "'{0}' is small and non-virtual, so the JIT is likely to inline it and its samples would lose the tag; add [MethodImpl(MethodImplOptions.NoInlining)]",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>Asking for inlining defeats the tag.</summary>
    public static readonly DiagnosticDescriptor TaggedMethodAggressivelyInlined = new(
        id: "OTP003",
        title: "Tagged method asks for aggressive inlining",
        messageFormat: "'{0}' is marked MethodImplOptions.AggressiveInlining, so it has no frame of its own and [ProfileTag] cannot apply; use NoInlining instead",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A constant <c>ProfileTags.Set</c> key the runtime check rejects.</summary>
    public static readonly DiagnosticDescriptor ScopedTagKeyInvalid = new(
        id: "OTP013",
        title: "ProfileTags.Set key is not a valid attribute name",
        messageFormat: "'{0}' is not a valid profile tag key (lowercase, dot-separated namespaces, snake_case words, not 'otel.'); ProfileTags.Set throws ArgumentException for it{1}",
        category: Naming,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>A tag needs a key.</summary>
    public static readonly DiagnosticDescriptor TagKeyMissing = new(
        id: "OTP004",
        title: "Tag key is null or empty",
        messageFormat: "The [ProfileTag] key must be a non-empty string",
        category: Naming,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>Keys should follow the OpenTelemetry attribute naming rules.</summary>
    public static readonly DiagnosticDescriptor TagKeyNotOtelName = new(
        id: "OTP005",
        title: "Tag key is not a valid OpenTelemetry attribute name",
        messageFormat: "'{0}' is not a valid OpenTelemetry attribute name (lowercase, dot-separated namespaces, snake_case words){1}",
        category: Naming,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>The <c>otel.</c> namespace belongs to the OpenTelemetry specification.</summary>
    public static readonly DiagnosticDescriptor TagKeyReservedPrefix = new(
        id: "OTP006",
        title: "Tag key uses the reserved 'otel.' namespace",
        messageFormat: "'{0}' is in the 'otel.' namespace, which OpenTelemetry reserves for its own attributes",
        category: Naming,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>An empty value tags nothing useful.</summary>
    public static readonly DiagnosticDescriptor TagValueMissing = new(
        id: "OTP007",
        title: "Tag value is null or empty",
        messageFormat: "The value of tag '{0}' is null or empty; a null value drops the tag",
        category: Naming,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>Only the first value of a repeated key is used.</summary>
    public static readonly DiagnosticDescriptor DuplicateTagKey = new(
        id: "OTP008",
        title: "Duplicate tag key on one member",
        messageFormat: "'{0}' already has a tag with key '{1}'; only the first one is used",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>Overloads share the names of their compiler-generated frames.</summary>
    public static readonly DiagnosticDescriptor ConflictingOverloadTags = new(
        id: "OTP009",
        title: "Overloads sharing a frame name tag a key with different values",
        messageFormat: "Overloads of '{0}' tag '{1}' as both '{2}' and '{3}'; their lambdas, local functions and generic instantiations share frame names, so one value wins for all",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>Many distinct values per key fragment profiles.</summary>
    public static readonly DiagnosticDescriptor HighCardinalityTagKey = new(
        id: "OTP010",
        title: "Tag key has many distinct values",
        messageFormat: "Tag key '{0}' has {1} distinct values in this compilation, more than {2} (set " + Common.KnownNames.MaxTagValuesPerKeyOption + " to change the limit); high-cardinality tags split profiles into many small series",
        category: Performance,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>Lambdas and local functions have no identity the runtime can look up.</summary>
    public static readonly DiagnosticDescriptor UnsupportedTagTarget = new(
        id: "OTP011",
        title: "[ProfileTag] on a lambda or local function is ignored",
        messageFormat: "[ProfileTag] on a {0} is ignored; tag the enclosing method instead (its lambdas and local functions inherit its tags)",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>The registration relies on module initializers (C# 9).</summary>
    public static readonly DiagnosticDescriptor LanguageVersionTooLow = new(
        id: "OTP012",
        title: "[ProfileTag] needs C# 9 or later",
        messageFormat: "[ProfileTag] registers through a module initializer, which needs C# 9 or later; this project uses C# {0}, so its tags are ignored",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
