using System.Reflection;

namespace ImageClassifier.Onnx;

/// <summary>
/// Refuses a stale export: a class that overrides a forward method (or a forward hook such as
/// ResNet's stem) without overriding the export method beside it would inherit an export of its
/// base's computation, a wrong graph that nothing would notice.
/// </summary>
public static class OnnxOverrideCheck
{
    /// <summary>
    /// Throws when <paramref name="module"/>'s class declares <paramref name="forwardMethod"/> in a
    /// more derived class than <paramref name="exportMethod"/>.
    /// </summary>
    /// <param name="graph">The graph being built; its current module is named in the error.</param>
    /// <param name="module">The module to check.</param>
    /// <param name="forwardMethod">The computing method ("forward", "ForwardStem").</param>
    /// <param name="exportMethod">The export that must follow it ("ExportOnnx", "ExportOnnxStem").</param>
    /// <exception cref="OnnxExportException">The export is stale.</exception>
    public static void RequireExportBeside(OnnxGraphBuilder graph, object module, string forwardMethod, string exportMethod)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(module);
        var type = module.GetType();
        var forwardOwner = MostDerivedDeclaring(type, forwardMethod);
        var exportOwner = MostDerivedDeclaring(type, exportMethod);
        if (forwardOwner is null || exportOwner is null || exportOwner == forwardOwner || exportOwner.IsSubclassOf(forwardOwner))
        {
            return;
        }

        throw graph.Unsupported($"overrides {forwardMethod} in {forwardOwner.Name} but its ONNX export ({exportMethod}) comes from {exportOwner.Name}, which computes something else; override {exportMethod} in {forwardOwner.Name} too");
    }

    // An explicit interface implementation is named "Namespace.IInterface.Method", hence the suffix match.
    private static Type? MostDerivedDeclaring(Type type, string method)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            if (current.GetMethods(flags | BindingFlags.DeclaredOnly).Any(candidate => !candidate.IsAbstract && (candidate.Name == method || candidate.Name.EndsWith("." + method, StringComparison.Ordinal))))
            {
                return current;
            }
        }

        return null;
    }
}
