namespace OtelProfiles.Tags;

/// <summary>
/// Tags every profile sample whose stack passes through the annotated member with an attribute
/// <c>key = value</c>.
/// </summary>
/// <remarks>
/// <para>
/// The attribute costs nothing at run time: no code is added to the tagged member and nothing runs when it is
/// called. At compile time the OtelProfiles source generator records which methods carry which tags and emits a
/// module initializer that hands that table to the profiler; when the profiler names a sampled function it looks
/// the function up in the table once and attaches the tags to every sample that has the function on its stack.
/// </para>
/// <para>
/// On a method the tags also cover what the compiler generates for it: the state machine of an async method or
/// iterator, and lambdas and local functions declared in its body. On a property they cover its accessors; on a
/// class or struct they cover every method the type declares. When several tagged frames on one stack carry the
/// same key, the innermost one wins.
/// </para>
/// <para>
/// Keys should follow the OpenTelemetry attribute naming rules (lowercase, dot-separated namespaces, no
/// <c>otel.</c> prefix); the bundled analyzers check this, and warn when the JIT is likely to inline a tagged
/// method (an inlined method has no frame of its own, so its samples cannot be tagged).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [ProfileTag("shop.stage", "payment")]
/// public async Task PayAsync(Order order) { ... }
/// </code>
/// </example>
[AttributeUsage(
    AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property | AttributeTargets.Class | AttributeTargets.Struct,
    AllowMultiple = true,
    Inherited = false)]
public sealed class ProfileTagAttribute : Attribute
{
    /// <summary>Creates a tag with the given attribute key and value.</summary>
    /// <param name="key">The OpenTelemetry attribute key, for example <c>shop.stage</c>.</param>
    /// <param name="value">The attribute value, for example <c>payment</c>.</param>
    public ProfileTagAttribute(string key, string value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The OpenTelemetry attribute key the samples carry.</summary>
    public string Key { get; }

    /// <summary>The attribute value the samples carry.</summary>
    public string Value { get; }
}
