namespace OtelProfiles.Generators.Generator;

/// <summary>
/// Names of the generator's incremental steps, so that tests can inspect each step's outputs and reasons
/// (<c>GeneratorRunResult.TrackedSteps</c>).
/// </summary>
internal static class TrackingNames
{
    /// <summary>Each attributed declaration turned into its tagged members.</summary>
    public const string TaggedDeclarations = nameof(TaggedDeclarations);

    /// <summary>The tagged members, flattened.</summary>
    public const string TaggedMembers = nameof(TaggedMembers);

    /// <summary>All tagged members of the compilation.</summary>
    public const string CollectedMembers = nameof(CollectedMembers);

    /// <summary>Facts about the compilation (assembly name, framework support).</summary>
    public const string CompilationFacts = nameof(CompilationFacts);

    /// <summary>The complete model of the emitted file.</summary>
    public const string Registration = nameof(Registration);
}
