namespace OtelProfiles.Generators.Common;

/// <summary>Names of the library types the generator and analyzers look for.</summary>
internal static class KnownNames
{
    /// <summary>The request-scoped tags API (<c>ProfileTags.Set(key, value)</c>).</summary>
    public const string ProfileTags = "OtelProfiles.ProfileTags";

    /// <summary>The attribute users put on members.</summary>
    public const string ProfileTagAttribute = "OtelProfiles.Tags.ProfileTagAttribute";

    /// <summary>The registry the generated module initializer calls.</summary>
    public const string ProfileTagRegistry = "OtelProfiles.Tags.ProfileTagRegistry";

    /// <summary>Recognized by the compiler by name, so a polyfill works where the framework lacks it.</summary>
    public const string ModuleInitializerAttribute = "System.Runtime.CompilerServices.ModuleInitializerAttribute";

    /// <summary>The pseudo-attribute that controls inlining.</summary>
    public const string MethodImplAttribute = "System.Runtime.CompilerServices.MethodImplAttribute";

    /// <summary>The .editorconfig key that sets the high-cardinality threshold (OTP010).</summary>
    public const string MaxTagValuesPerKeyOption = "otelprofiles.max_tag_values_per_key";

    /// <summary>Default for <see cref="MaxTagValuesPerKeyOption"/>.</summary>
    public const int DefaultMaxTagValuesPerKey = 50;
}
