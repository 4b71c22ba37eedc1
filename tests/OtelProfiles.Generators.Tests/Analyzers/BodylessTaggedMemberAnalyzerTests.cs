using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class BodylessTaggedMemberAnalyzerTests
{
    [Fact]
    public Task Abstract_method_is_an_error() => Verify.AnalyzerAsync<BodylessTaggedMemberAnalyzer>("""
        public abstract class Stage
        {
            [{|OTP001:ProfileTag("shop.stage", "run")|}]
            public abstract void Run();
        }
        """);

    [Fact]
    public Task Interface_member_without_body_is_an_error() => Verify.AnalyzerAsync<BodylessTaggedMemberAnalyzer>("""
        public interface IStage
        {
            [{|OTP001:ProfileTag("shop.stage", "run")|}]
            void Run();

            [{|OTP001:ProfileTag("shop.stage", "size")|}]
            int Size { get; }
        }
        """);

    [Fact]
    public Task Extern_method_is_an_error() => Verify.AnalyzerAsync<BodylessTaggedMemberAnalyzer>("""
        public static class Native
        {
            [{|OTP001:ProfileTag("shop.stage", "native")|}]
            [System.Runtime.InteropServices.DllImport("libc")]
            public static extern int getpid();
        }
        """);

    [Fact]
    public Task Partial_declaration_without_implementation_is_an_error() => Verify.AnalyzerAsync<BodylessTaggedMemberAnalyzer>("""
        public partial class Stage
        {
            [{|OTP001:ProfileTag("shop.stage", "hook")|}]
            partial void OnRun();
        }
        """);

    [Fact]
    public Task Members_with_bodies_are_fine() => Verify.AnalyzerAsync<BodylessTaggedMemberAnalyzer>("""
        public partial class Stage
        {
            [ProfileTag("shop.stage", "hook")]
            partial void OnRun();
            partial void OnRun() { }

            [ProfileTag("shop.stage", "run")]
            public void Run() { }

            [ProfileTag("shop.stage", "size")]
            public int Size { get; set; }
        }

        public interface IStage
        {
            [ProfileTag("shop.stage", "default")]
            void Run() { }
        }

        public abstract class Base
        {
            [ProfileTag("shop.stage", "virtual")]
            public virtual void Run() { }
        }
        """);
}
