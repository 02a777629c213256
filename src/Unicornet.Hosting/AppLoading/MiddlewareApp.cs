using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// Turns a middleware-shaped type (or instance) into a request delegate: an instance method
/// <c>Task InvokeAsync(HttpContext)</c> (or <c>Invoke</c>), built with a parameterless constructor or
/// one taking <c>RequestDelegate next</c>; next is a terminal 404.
/// </summary>
internal static class MiddlewareApp
{
    private static readonly RequestDelegate s_notFound = static context =>
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    public static RequestDelegate FromType(Type type, string reference)
    {
        if (type.IsAbstract && type.IsSealed)
        {
            throw new AppLoadException($"'{reference}' is a static class, not an app; name one of its members ('{type.Name}.MEMBER').");
        }

        if (type.IsAbstract || type.IsInterface || type.ContainsGenericParameters)
        {
            throw new AppLoadException($"'{reference}' is an abstract type, not an app.");
        }

        if (FindInvoke(type) is null)
        {
            throw new AppLoadException($"'{reference}' is a type without an InvokeAsync(HttpContext) method, not an app.");
        }

        object instance;
        try
        {
            ConstructorInfo? withNext = type.GetConstructor([typeof(RequestDelegate)]);
            if (withNext is not null)
            {
                instance = withNext.Invoke([s_notFound]);
            }
            else if (type.GetConstructor(Type.EmptyTypes) is { } parameterless)
            {
                instance = parameterless.Invoke(null);
            }
            else
            {
                throw new AppLoadException($"'{reference}' has no public constructor taking nothing or (RequestDelegate next).");
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Exception inner = MemberResolver.Unwrap(ex);
            throw new AppLoadException($"Error while creating '{reference}': {inner.GetType().FullName}: {inner.Message}", inner);
        }

        return FromInstance(instance)!;
    }

    public static RequestDelegate? FromInstance(object instance)
    {
        MethodInfo? invoke = FindInvoke(instance.GetType());
        return invoke?.CreateDelegate<RequestDelegate>(instance);
    }

    private static MethodInfo? FindInvoke(Type type)
    {
        foreach (string name in (string[])["InvokeAsync", "Invoke"])
        {
            MethodInfo? method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, [typeof(HttpContext)]);
            if (method is not null && method.ReturnType == typeof(Task))
            {
                return method;
            }
        }

        return null;
    }
}
