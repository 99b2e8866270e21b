using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// ICG022: code that makes a TorchSharp <c>Scalar</c> nobody keeps. TorchSharp 0.107 frees such a
/// temporary in its finalizer, which a collection on any thread can run while the native call the
/// scalar was made for still reads it (docs/reliability.md). Reported: a number converted to a
/// <c>Scalar</c> (or <c>ToScalar()</c>) and consumed on the spot; TorchSharp operators and methods
/// that convert a number, or add a hidden <c>alpha = 1</c>, inside; reading a tensor's value
/// through <c>ToDouble()</c>-style calls and casts; and TorchSharp layers and optimizers whose
/// forward or step does one of these every call.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TemporaryScalarAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "ICG022";

    private const string KeepIt = "keep the Scalar in a field, hold it with 'using' until the call returns, or pass ScalarConstants.One/MinusOne/Zero";
    private const string PassAlpha = "pass the alpha explicitly, e.g. a.add(b, ScalarConstants.One)";
    private const string ReadWithItem = "read the value with item<T>() instead";

    private static readonly HashSet<string> TensorOperators = new()
    {
        "op_Addition", "op_Subtraction", "op_Multiply", "op_Division", "op_Modulus",
        "op_GreaterThan", "op_GreaterThanOrEqual", "op_LessThan", "op_LessThanOrEqual",
    };

    // Tensor methods that call another overload with a number literal where it takes a Scalar, or
    // turn their double arguments into Scalars.
    private static readonly HashSet<string> HiddenScalarMethods = new()
    {
        "add(Tensor)", "add(Scalar)", "add_(Tensor)", "add_(Scalar)",
        "addcdiv(Tensor,Tensor)", "addcdiv_(Tensor,Tensor)",
        "square()", "celu()", "celu_()", "elu(Double)", "elu_(Double)", "softplus(Double,Double)",
    };

    private static readonly HashSet<string> HiddenAlphaStatics = new() { "add(Tensor,Tensor)", "add(Tensor,Scalar)", "add_(Tensor,Tensor)", "add_(Tensor,Scalar)", "square(Tensor)" };

    // torch.nn.functional helpers that turn their double arguments into temporaries.
    private static readonly HashSet<string> ConvertingFunctions = new() { "celu", "elu", "hardtanh", "leaky_relu", "softplus", "threshold" };

    // Factories whose module forward or optimizer step makes temporaries on every call, and what to use instead.
    private static readonly Dictionary<string, string> UnsafeFactories = new()
    {
        ["nn.BatchNorm1d"] = "use ImageClassifier.Models.Layers.BatchNorm2d (or a norm_cfg builder) instead",
        ["nn.BatchNorm2d"] = "use ImageClassifier.Models.Layers.BatchNorm2d (or a norm_cfg builder) instead",
        ["nn.BatchNorm3d"] = "use ImageClassifier.Models.Layers.BatchNorm2d (or a norm_cfg builder) instead",
        ["nn.LeakyReLU"] = "use ImageClassifier.Models.Layers.LeakyReLU (or an act_cfg builder) instead",
        ["nn.Hardtanh"] = "write the layer with a Scalar field for its bounds",
        ["nn.ELU"] = "write the layer with a Scalar field for alpha",
        ["nn.CELU"] = "write the layer with a Scalar field for alpha",
        ["nn.Threshold"] = "write the layer with Scalar fields for its threshold and value",
        ["optim.SGD"] = "build the optimizer through the engine (SGD in optim_wrapper), whose step keeps its scalars",
        ["optim.AdamW"] = "build the optimizer through the engine (AdamW in optim_wrapper), whose step keeps its scalars",
        ["optim.Adam"] = "build the optimizer through the engine (Adam in optim_wrapper), whose step keeps its scalars",
        ["optim.RMSProp"] = "build the optimizer through the engine (RMSprop in optim_wrapper), whose step keeps its scalars",
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.TemporaryScalar];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            if (scalar is null || tensor is null)
            {
                return;
            }

            var types = new TorchTypes(scalar, tensor);
            start.RegisterOperationAction(operation => AnalyzeConversion(operation, types), OperationKind.Conversion);
            start.RegisterOperationAction(operation => AnalyzeInvocation(operation, types), OperationKind.Invocation);
            start.RegisterOperationAction(
                operation => AnalyzeOperator(operation, ((IBinaryOperation)operation.Operation).OperatorMethod, types),
                OperationKind.Binary);
            start.RegisterOperationAction(
                operation => AnalyzeOperator(operation, ((ICompoundAssignmentOperation)operation.Operation).OperatorMethod, types),
                OperationKind.CompoundAssignment);
        });
    }

    private static void AnalyzeConversion(OperationAnalysisContext context, TorchTypes types)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (!conversion.Conversion.IsUserDefined || conversion.OperatorMethod is not { } method)
        {
            return;
        }

        if (SymbolEqualityComparer.Default.Equals(conversion.Type, types.Scalar)
            && !SymbolEqualityComparer.Default.Equals(conversion.Operand.Type, types.Scalar)
            && IsConsumedOnTheSpot(conversion))
        {
            Report(context, $"'{conversion.Operand.Syntax}' becomes a temporary TorchSharp Scalar", KeepIt);
        }
        else if (method.Name == "op_Explicit" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Tensor)
            && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, types.Tensor))
        {
            Report(context, $"casting a tensor to {conversion.Type?.Name} reads it through a temporary Scalar", ReadWithItem);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, TorchTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (containing is null || containing.ContainingAssembly?.Name != "TorchSharp")
        {
            return;
        }

        var signature = $"{method.Name}({string.Join(",", method.Parameters.Select(parameter => parameter.Type.Name))})";
        if (method.Name == "ToScalar" && SymbolEqualityComparer.Default.Equals(method.ReturnType, types.Scalar))
        {
            if (IsConsumedOnTheSpot(invocation))
            {
                Report(context, $"'{invocation.Syntax}' makes a Scalar that is used once and never disposed", KeepIt);
            }
        }
        else if (SymbolEqualityComparer.Default.Equals(containing, types.Tensor) && HiddenScalarMethods.Contains(signature))
        {
            Report(context, $"Tensor.{signature} makes a temporary Scalar inside", method.Name.StartsWith("add", System.StringComparison.Ordinal) ? PassAlpha : "call the overload that takes Scalars, with Scalars you keep");
        }
        else if (containing.Name == "torch" && containing.ContainingType is null && HiddenAlphaStatics.Contains(signature))
        {
            Report(context, $"torch.{signature} makes a temporary Scalar inside", PassAlpha);
        }
        else if (containing.Name == "TensorExtensionMethods" && method.Name.StartsWith("To", System.StringComparison.Ordinal)
            && method.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, types.Tensor))
        {
            Report(context, $"{method.Name}() reads the tensor through a temporary Scalar", ReadWithItem);
        }
        else if (containing.Name == "functional" && ConvertingFunctions.Contains(method.Name))
        {
            Report(context, $"functional.{method.Name} turns its numbers into temporary Scalars", "call the Tensor method that takes Scalars, with Scalars you keep");
        }
        else if (containing.ContainingType?.Name == "torch" && UnsafeFactories.TryGetValue($"{containing.Name}.{method.Name}", out var instead))
        {
            Report(context, $"{containing.Name}.{method.Name} makes temporary Scalars in every {(containing.Name == "optim" ? "step" : "forward")}", instead);
        }
    }

    private static void AnalyzeOperator(OperationAnalysisContext context, IMethodSymbol? method, TorchTypes types)
    {
        if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Tensor) || !TensorOperators.Contains(method.Name))
        {
            return;
        }

        var parameters = method.Parameters.Select(parameter => parameter.Type).ToList();
        if (parameters.FirstOrDefault(type => type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double) is { } number)
        {
            Report(context, $"a Tensor operator with a {number.Name} operand turns it into a temporary Scalar", "use the method (mul, add, sub, div, gt, ...) with a Scalar you keep");
        }
        else if (method.Name == "op_Addition" || (method.Name == "op_Subtraction" && SymbolEqualityComparer.Default.Equals(parameters[0], types.Scalar)))
        {
            Report(context, $"the Tensor operator {(method.Name == "op_Addition" ? "+" : "-")} calls add with a temporary alpha Scalar", PassAlpha);
        }
    }

    // A Scalar stored in a variable, field or property, or returned, has an owner; anything else
    // (an argument, an operand, a receiver) is dropped as soon as its handle has been read.
    private static bool IsConsumedOnTheSpot(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IParenthesizedOperation or IConversionOperation { IsImplicit: true, Conversion.IsUserDefined: false })
        {
            parent = parent.Parent;
        }

        return parent is not (IVariableInitializerOperation or IFieldInitializerOperation or IPropertyInitializerOperation
            or ISimpleAssignmentOperation or IReturnOperation or null);
    }

    private static void Report(OperationAnalysisContext context, string what, string fix) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TemporaryScalar, context.Operation.Syntax.GetLocation(), what, fix));

    private sealed class TorchTypes
    {
        public TorchTypes(INamedTypeSymbol scalar, INamedTypeSymbol tensor)
        {
            Scalar = scalar;
            Tensor = tensor;
        }

        public INamedTypeSymbol Scalar { get; }

        public INamedTypeSymbol Tensor { get; }
    }
}
