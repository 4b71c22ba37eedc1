using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace OtelProfiles.Tracing;

/// <summary>
/// Gives <see cref="Activity.Current"/>'s own AsyncLocal a change callback, so that the tracker hears of every change
/// of the current span (a set, or an execution context that flows in or out) without a mirror of its own.
/// </summary>
/// <remarks>
/// <see cref="Activity"/> keeps its current value in a private static <c>AsyncLocal&lt;Activity?&gt;</c> created
/// without a callback. The tracker used to mirror every set into an AsyncLocal of its own that has one; each mirror
/// set costs the app a second execution context and a copy of its AsyncLocal map, 150–230 ns per set on the ASP.NET
/// Core gate workload (two per request: 0.5–0.8% of its CPU). With the callback on the original, a set costs only the
/// callback and the runtime's bookkeeping of it.
/// <para>
/// Both fields are private implementation details (<c>Activity.s_current</c> in System.Diagnostics.DiagnosticSource,
/// <c>AsyncLocal&lt;T&gt;._valueChangedHandler</c> in CoreLib, as of .NET 10). When either is missing (another version
/// of the assembly) or the callback is already someone else's, <see cref="TryInstall"/> says no and the tracker keeps
/// its mirror. Once installed the callback stays for the life of the process: the runtime calls the handler of every
/// local an execution context has registered for notifications without a null check, so removing it could fail the
/// app. The tracker's handler returns at once while no profiler run tracks.
/// </para>
/// </remarks>
internal static class ActivityCurrentHook
{
    private static readonly object Gate = new();
    private static Action<AsyncLocalValueChangedArgs<Activity?>>? _installed;

    /// <summary>
    /// Puts <paramref name="handler"/> on <see cref="Activity.Current"/>'s AsyncLocal. True when it is there now (put
    /// by this call or an earlier one with the same handler); false when the runtime's layout is not the one expected
    /// or the AsyncLocal already had a callback.
    /// </summary>
    public static bool TryInstall(Action<AsyncLocalValueChangedArgs<Activity?>> handler)
    {
        lock (Gate)
        {
            if (_installed is not null)
            {
                return ReferenceEquals(_installed, handler);
            }

            try
            {
                AsyncLocal<Activity?>? current = CurrentField(null);
                if (current is null)
                {
                    return false;
                }

                ref Action<AsyncLocalValueChangedArgs<Activity?>>? slot = ref HandlerField<Activity?>.Of(current);
                if (Interlocked.CompareExchange(ref slot, handler, null) is not null)
                {
                    return false; // someone else's callback: left alone
                }

                _installed = handler;
                return true;
            }
            catch (Exception ex) when (ex is MissingMemberException or TypeLoadException or InvalidProgramException or BadImageFormatException)
            {
                return false;
            }
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.StaticField, Name = "s_current")]
    private static extern ref AsyncLocal<Activity?> CurrentField(Activity? activity);

    // An accessor of a field of a generic type is declared on a generic type of its own.
    private static class HandlerField<T>
    {
        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_valueChangedHandler")]
        public static extern ref Action<AsyncLocalValueChangedArgs<T>>? Of(AsyncLocal<T> local);
    }
}
