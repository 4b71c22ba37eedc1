namespace OtelProfiles.Generators.Generator.Model;

/// <summary>What the emitter needs to know about the compilation itself.</summary>
/// <param name="AssemblyName">Used to give the generated class a name no other assembly uses (InternalsVisibleTo
/// would otherwise make two generated classes clash).</param>
/// <param name="RegistryAvailable">The OtelProfiles library is referenced; without it there is nothing to call.</param>
/// <param name="HasModuleInitializerAttribute">The framework defines <c>ModuleInitializerAttribute</c>; if not, a polyfill is emitted.</param>
/// <param name="SupportsModuleInitializers">The language version is C# 9 or later.</param>
internal sealed record CompilationModel(
    string AssemblyName,
    bool RegistryAvailable,
    bool HasModuleInitializerAttribute,
    bool SupportsModuleInitializers);
