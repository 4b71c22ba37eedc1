using System.Reflection;
using System.Runtime.CompilerServices;

namespace OtelProfiles.Tags;

/// <summary>
/// Finds, by reflection, every method whose stack frames stand for a tagged source method: the method itself, the
/// <c>MoveNext</c> of its async/iterator state machine, and the lambdas and local functions declared in its body
/// (with their own state machines).
/// </summary>
/// <remarks>
/// <para>
/// State machines are found through <see cref="StateMachineAttribute"/>, the common base of
/// <see cref="AsyncStateMachineAttribute"/>, <see cref="IteratorStateMachineAttribute"/> and
/// <see cref="AsyncIteratorStateMachineAttribute"/>, which the compiler puts on the kick-off method; the
/// <c>&lt;M&gt;d__N</c> type name is never guessed.
/// </para>
/// <para>
/// Lambdas and local functions carry no attribute that links them to their method, only their name. Observed with the
/// .NET 10 SDK compiler and runtime (EventPipe MethodLoadVerbose; type | method):
/// <list type="bullet">
/// <item>lambda without captures: <c>Ns.Work+&lt;&gt;c | &lt;WithLambdas&gt;b__4_0</c> (generic method: <c>Ns.Lams+&lt;&gt;c__7`1</c>);</item>
/// <item>capturing lambda: <c>Ns.Work+&lt;&gt;c__DisplayClass4_0 | &lt;WithLambdas&gt;b__1</c>;</item>
/// <item>lambda capturing only <c>this</c>: on the type itself, <c>Ns.Lams | &lt;.ctor&gt;b__1_0</c>, <c>&lt;get_P&gt;b__3_0</c>;</item>
/// <item>local function: <c>Ns.Work | &lt;WithLambdas&gt;g__Local|4_2</c>, or in the display class <c>&lt;WithLambdas&gt;g__LocalCapture|3</c>;</item>
/// <item>lambdas and local functions nested in a lambda still use the outermost method's name: <c>&lt;Nested&gt;b__1</c>, <c>&lt;Nested&gt;g__Lf|2</c>;</item>
/// <item>async local functions and lambdas have their own state machine: <c>Ns.Work+&lt;&gt;c__DisplayClass4_0+&lt;&lt;WithLambdas&gt;g__LocalAsync|5&gt;d | MoveNext</c>.</item>
/// </list>
/// So a method <c>M</c> owns the methods named <c>&lt;M&gt;b__…</c> and <c>&lt;M&gt;g__…</c> declared in its type or in the
/// type's compiler-generated nested types. Overloads share that prefix, so their lambdas cannot be told apart: each
/// overload's tags cover all of them (analyzer OTP009 reports overloads whose tags conflict).
/// </para>
/// </remarks>
internal static class TaggedFrameDiscovery
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    /// <summary>Methods and constructors <paramref name="type"/> declares itself.</summary>
    public static IEnumerable<MethodBase> DeclaredMethods(Type type) =>
        type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));

    /// <summary>
    /// Every method whose frames stand for <paramref name="root"/>, including <paramref name="root"/> itself.
    /// <paramref name="generatedMethods"/> are the compiler-generated methods of the root's type (see
    /// <see cref="CompilerGeneratedMethods"/>), computed once per type by the caller.
    /// </summary>
    public static IEnumerable<MethodBase> FramesOf(MethodBase root, IReadOnlyList<MethodBase> generatedMethods)
    {
        yield return root;
        if (StateMachineMoveNext(root) is { } moveNext)
        {
            yield return moveNext;
        }

        var lambdaPrefix = "<" + root.Name + ">b__";
        var localPrefix = "<" + root.Name + ">g__";
        foreach (var generated in generatedMethods)
        {
            if (generated.Name.StartsWith(lambdaPrefix, StringComparison.Ordinal) ||
                generated.Name.StartsWith(localPrefix, StringComparison.Ordinal))
            {
                yield return generated;
                if (StateMachineMoveNext(generated) is { } generatedMoveNext)
                {
                    yield return generatedMoveNext;
                }
            }
        }
    }

    /// <summary>
    /// Methods the compiler generated for lambdas and local functions of <paramref name="type"/>'s members: those
    /// declared on the type itself with a '&lt;' name, and all methods of its compiler-generated nested types
    /// (closure classes <c>&lt;&gt;c</c>, display classes, state machines), recursively.
    /// </summary>
    public static IReadOnlyList<MethodBase> CompilerGeneratedMethods(Type type)
    {
        var result = new List<MethodBase>();
        foreach (var method in DeclaredMethods(type))
        {
            if (method.Name.StartsWith('<'))
            {
                result.Add(method);
            }
        }

        foreach (var nested in type.GetNestedTypes(BindingFlags.NonPublic))
        {
            if (nested.Name.StartsWith('<'))
            {
                AddAllMethods(nested, result);
            }
        }

        return result;
    }

    /// <summary>The <c>MoveNext</c> of the state machine the compiler generated for an async method or iterator.</summary>
    public static MethodBase? StateMachineMoveNext(MethodBase method)
    {
        var attribute = method.GetCustomAttribute<StateMachineAttribute>(inherit: false);
        return attribute?.StateMachineType.GetMethod("MoveNext", Declared, binder: null, Type.EmptyTypes, modifiers: null);
    }

    private static void AddAllMethods(Type type, List<MethodBase> result)
    {
        result.AddRange(DeclaredMethods(type));
        foreach (var nested in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
        {
            AddAllMethods(nested, result);
        }
    }
}
