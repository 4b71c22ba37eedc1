using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Generator.Model;

/// <summary>Everything the emitted registration file contains.</summary>
/// <param name="Compilation">Facts about the compilation.</param>
/// <param name="Members">Tagged members, sorted so that the output does not depend on file order.</param>
internal sealed record RegistrationModel(CompilationModel Compilation, EquatableArray<TaggedMemberModel> Members);
