using OtelProfiles.Symbols;

namespace OtelProfiles.Tests.Symbols;

public sealed class FrameNameFormatterTests
{
    [Theory]
    [InlineData("Shop.Checkout", "ComputePrices", "Shop.Checkout.ComputePrices")]
    [InlineData("Shop.Checkout+<PayAsync>d__4", "MoveNext", "Shop.Checkout.PayAsync")]
    [InlineData("Shop.Checkout+<Items>d__2", "MoveNext", "Shop.Checkout.Items")]
    [InlineData("Shop.Checkout+<>c", "<Run>b__3_0", "Shop.Checkout.Run.<lambda>")]
    [InlineData("Shop.Checkout+<>c__DisplayClass5_0", "<Run>b__0", "Shop.Checkout.Run.<lambda>")]
    [InlineData("Shop.Checkout", "<PayAsync>g__Validate|4_0", "Shop.Checkout.PayAsync.Validate")]
    [InlineData("Shop.Checkout+<<PayAsync>g__SendAsync|4_1>d", "MoveNext", "Shop.Checkout.PayAsync.SendAsync")]
    [InlineData("Shop.Checkout+<>c+<<Run>b__3_1>d", "MoveNext", "Shop.Checkout.Run.<lambda>")]
    [InlineData("Program", "<Main>$", "Program.Main")]
    [InlineData("Program+<>c", "<<Main>$>b__0_1", "Program.Main.<lambda>")]
    [InlineData("Shop.Outer+Inner", "Work", "Shop.Outer.Inner.Work")]
    [InlineData("System.Collections.Generic.List`1[System.Int32]", "Add", "System.Collections.Generic.List<Int32>.Add")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.__Canon,System.Int32]", "FindValue", "System.Collections.Generic.Dictionary<__Canon,Int32>.FindValue")]
    [InlineData("Shop.Cache`1[Shop.Outer+Item]+<GetAsync>d__3", "MoveNext", "Shop.Cache<Outer.Item>.GetAsync")]
    [InlineData(
        "System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1+AsyncStateMachineBox`1[System.Threading.Tasks.VoidTaskResult,Shop.Checkout+<PayAsync>d__2]",
        "MoveNext",
        "System.Runtime.CompilerServices.AsyncTaskMethodBuilder.AsyncStateMachineBox<VoidTaskResult,Checkout.PayAsync>.MoveNext")]
    [InlineData("System.Threading.Thread", "<PollGC>g__PollGCWorker|67_0", "System.Threading.Thread.PollGC.PollGCWorker")]
    [InlineData("", "IL_STUB_PInvoke", "IL_STUB_PInvoke")]
    [InlineData("Shop.Weird", "<>odd", "Shop.Weird.<>odd")]
    public void Names_frames_as_the_user_wrote_them(string typeName, string methodName, string expected) =>
        Assert.Equal(expected, FrameNameFormatter.Format(typeName, methodName));
}
