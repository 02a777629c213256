using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// Evaluates a <see cref="MemberExpression"/> against an assembly: a static field, property or method
/// (called with literal arguments when written as a call), or a type.
/// </summary>
internal static class MemberResolver
{
    private const BindingFlags StaticMembers = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The value the expression names: the member's value, a call's result, or a <see cref="Type"/>.</summary>
    public static object? Evaluate(Assembly assembly, string assemblyLabel, string memberText, MemberExpression expr)
    {
        Type[] types = LoadableTypes(assembly);
        string? qualifier = expr.Qualifier;
        string name = expr.LastSegment;

        if (qualifier is not null)
        {
            Type? owner = FindType(types, qualifier);
            if (owner is not null && HasStaticMember(owner, name))
            {
                return EvaluateMember(owner, name, expr, assemblyLabel, memberText);
            }
        }
        else
        {
            var owners = new List<Type>();
            foreach (Type type in types)
            {
                if (!IsCompilerGenerated(type) && HasStaticMember(type, name))
                {
                    owners.Add(type);
                }
            }

            if (owners.Count > 1)
            {
                string list = string.Join(", ", owners.ConvertAll(t => t.FullName + "." + name));
                throw new AppLoadException($"Attribute '{name}' in '{assemblyLabel}' is ambiguous ({list}); qualify it with its type, e.g. '{assemblyLabel}:{owners[0].Name}.{name}'.");
            }

            if (owners.Count == 1)
            {
                return EvaluateMember(owners[0], name, expr, assemblyLabel, memberText);
            }
        }

        Type? named = FindType(types, expr.Name);
        if (named is not null)
        {
            if (expr.IsCall)
            {
                throw new AppLoadException($"'{assemblyLabel}:{memberText}' calls a type; name a static factory method instead (e.g. '{expr.Name}.Create()').");
            }

            return named;
        }

        throw new AppLoadException($"Failed to find attribute '{expr.Name}' in '{assemblyLabel}'.");
    }

    private static object? EvaluateMember(Type owner, string name, MemberExpression expr, string assemblyLabel, string memberText)
    {
        string label = $"'{assemblyLabel}:{memberText}'";
        var methods = new List<MethodInfo>();
        foreach (MemberInfo member in owner.GetMember(name, StaticMembers))
        {
            switch (member)
            {
                case FieldInfo field:
                    RejectCall(expr, label, "field");
                    return Guard(label, () => field.GetValue(null));
                case PropertyInfo property when property.GetIndexParameters().Length == 0 && property.GetMethod is not null:
                    RejectCall(expr, label, "property");
                    return Guard(label, () => property.GetValue(null));
                case MethodInfo method when !method.IsSpecialName && !method.ContainsGenericParameters:
                    methods.Add(method);
                    break;
            }
        }

        if (methods.Count == 0)
        {
            throw new AppLoadException($"Failed to find attribute '{expr.Name}' in '{assemblyLabel}'.");
        }

        if (!expr.IsCall)
        {
            foreach (MethodInfo method in methods)
            {
                if (IsRequestHandler(method))
                {
                    return method.CreateDelegate<RequestDelegate>();
                }
            }

            foreach (MethodInfo method in methods)
            {
                if (method.GetParameters().Length == 0)
                {
                    return Invoke(method, [], label);
                }
            }

            throw new AppLoadException($"{label} is a method that takes arguments; call it with literal arguments, e.g. '{assemblyLabel}:{expr.Name}(...)'.");
        }

        string? lastMismatch = null;
        foreach (MethodInfo method in methods)
        {
            if (TryBindArguments(method, expr.Arguments, out object?[]? args, out string? mismatch))
            {
                return Invoke(method, args, label);
            }

            lastMismatch = mismatch;
        }

        throw new AppLoadException($"Failed to call {label}: {lastMismatch}.");
    }

    private static void RejectCall(MemberExpression expr, string label, string kind)
    {
        if (expr.IsCall)
        {
            throw new AppLoadException($"{label} calls a {kind}, which is not a method.");
        }
    }

    private static bool IsRequestHandler(MethodInfo method)
    {
        ParameterInfo[] parameters = method.GetParameters();
        return parameters.Length == 1 && parameters[0].ParameterType == typeof(HttpContext) && method.ReturnType == typeof(Task);
    }

    private static object? Invoke(MethodInfo method, object?[] args, string label) =>
        Guard(label, () => method.Invoke(null, args));

    private static object? Guard(string label, Func<object?> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (Exception ex) when (ex is TargetInvocationException or TypeInitializationException && ex.InnerException is not null)
        {
            Exception inner = Unwrap(ex);
            if (inner is AppLoadException)
            {
                throw inner;
            }

            throw new AppLoadException($"Error while evaluating {label}: {inner.GetType().FullName}: {inner.Message}", inner);
        }
    }

    internal static Exception Unwrap(Exception ex)
    {
        while (ex is TargetInvocationException or TypeInitializationException or AggregateException && ex.InnerException is not null)
        {
            ex = ex.InnerException!;
        }

        return ex;
    }

    private static bool TryBindArguments(MethodInfo method, IReadOnlyList<LiteralArgument> given, out object?[] args, out string? mismatch)
    {
        ParameterInfo[] parameters = method.GetParameters();
        args = new object?[parameters.Length];
        var assigned = new bool[parameters.Length];
        int position = 0;
        foreach (LiteralArgument arg in given)
        {
            int index;
            if (arg.Keyword is null)
            {
                index = position++;
                if (index >= parameters.Length)
                {
                    mismatch = $"{method.Name} takes {parameters.Length} argument(s) but {given.Count} were given";
                    return false;
                }
            }
            else
            {
                index = Array.FindIndex(parameters, p => p.Name == arg.Keyword);
                if (index < 0)
                {
                    mismatch = $"{method.Name} has no parameter named '{arg.Keyword}'";
                    return false;
                }

                if (assigned[index])
                {
                    mismatch = $"parameter '{arg.Keyword}' of {method.Name} is given twice";
                    return false;
                }
            }

            if (!TryConvert(arg.Value, parameters[index].ParameterType, out object? converted))
            {
                mismatch = $"argument {Describe(arg.Value)} does not fit parameter '{parameters[index].Name}' ({parameters[index].ParameterType.Name}) of {method.Name}";
                return false;
            }

            args[index] = converted;
            assigned[index] = true;
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            if (assigned[i])
            {
                continue;
            }

            if (!parameters[i].HasDefaultValue)
            {
                mismatch = $"{method.Name} is missing a value for parameter '{parameters[i].Name}'";
                return false;
            }

            args[i] = parameters[i].DefaultValue;
        }

        mismatch = null;
        return true;
    }

    private static bool TryConvert(object? value, Type target, out object? converted)
    {
        Type? nullable = Nullable.GetUnderlyingType(target);
        converted = null;
        if (value is null)
        {
            return !target.IsValueType || nullable is not null;
        }

        Type effective = nullable ?? target;
        if (effective.IsInstanceOfType(value) && effective != typeof(object))
        {
            converted = value;
            return true;
        }

        try
        {
            switch (value)
            {
                case long l when effective == typeof(int) || effective == typeof(short) || effective == typeof(byte)
                    || effective == typeof(long) || effective == typeof(uint) || effective == typeof(ulong)
                    || effective == typeof(double) || effective == typeof(float) || effective == typeof(decimal):
                    converted = Convert.ChangeType(l, effective, System.Globalization.CultureInfo.InvariantCulture);
                    return true;
                case double d when effective == typeof(double) || effective == typeof(float) || effective == typeof(decimal):
                    converted = Convert.ChangeType(d, effective, System.Globalization.CultureInfo.InvariantCulture);
                    return true;
                case string s when effective.IsEnum:
                    converted = Enum.Parse(effective, s, ignoreCase: true);
                    return true;
            }
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentException)
        {
            return false;
        }

        if (effective == typeof(object))
        {
            converted = value;
            return true;
        }

        return false;
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    private static bool HasStaticMember(Type type, string name)
    {
        foreach (MemberInfo member in type.GetMember(name, StaticMembers))
        {
            if (member is FieldInfo or PropertyInfo || (member is MethodInfo m && !m.IsSpecialName))
            {
                return true;
            }
        }

        return false;
    }

    private static Type? FindType(Type[] types, string dotted)
    {
        Type? bySuffix = null;
        foreach (Type type in types)
        {
            if (IsCompilerGenerated(type) || type.FullName is null)
            {
                continue;
            }

            string fullName = type.FullName.Replace('+', '.');
            if (fullName == dotted)
            {
                return type;
            }

            if (bySuffix is null && fullName.EndsWith("." + dotted, StringComparison.Ordinal))
            {
                bySuffix = type;
            }
        }

        return bySuffix;
    }

    private static bool IsCompilerGenerated(Type type) =>
        type.Name.Contains('<', StringComparison.Ordinal) || (type.FullName?.Contains('<', StringComparison.Ordinal) ?? true);

    private static Type[] LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return Array.FindAll(ex.Types, t => t is not null)!;
        }
    }
}
