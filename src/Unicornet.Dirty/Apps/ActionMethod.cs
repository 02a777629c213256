using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Apps;

/// <summary>How an action's return value is turned into an answer.</summary>
internal enum ResultShape
{
    Value,
    Void,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
    AsyncStream,
    SyncStream,
}

/// <summary>One public action method with what invoking it needs, computed once per method.</summary>
internal sealed class ActionMethod
{
    private static readonly MethodInfo s_boxStream = typeof(ActionMethod).GetMethod(nameof(BoxStream), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly PropertyInfo? _result;
    private readonly MethodInfo? _asTask;
    private readonly Func<object, CancellationToken, IAsyncEnumerable<object?>>? _stream;

    public ActionMethod(MethodInfo method)
    {
        Method = method;
        Parameters = method.GetParameters();
        foreach (ParameterInfo p in Parameters)
        {
            if (p.ParameterType != typeof(CancellationToken))
            {
                ValueParameters++;
                if (!p.HasDefaultValue && !p.IsDefined(typeof(ParamArrayAttribute)))
                {
                    RequiredParameters++;
                }
            }
        }

        Type r = method.ReturnType;
        Type? asyncItem = GenericArgument(r, typeof(IAsyncEnumerable<>));
        if (r == typeof(void))
        {
            Shape = ResultShape.Void;
        }
        else if (asyncItem is not null)
        {
            Shape = ResultShape.AsyncStream;
            _stream = s_boxStream.MakeGenericMethod(asyncItem).CreateDelegate<Func<object, CancellationToken, IAsyncEnumerable<object?>>>();
        }
        else if (r == typeof(Task))
        {
            Shape = ResultShape.Task;
        }
        else if (r.IsGenericType && r.GetGenericTypeDefinition() == typeof(Task<>))
        {
            Shape = ResultShape.TaskOfT;
            _result = r.GetProperty(nameof(Task<int>.Result));
        }
        else if (r == typeof(ValueTask))
        {
            Shape = ResultShape.ValueTask;
        }
        else if (r.IsGenericType && r.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            Shape = ResultShape.ValueTaskOfT;
            _asTask = r.GetMethod(nameof(ValueTask<int>.AsTask));
            _result = typeof(Task<>).MakeGenericType(r.GetGenericArguments()[0]).GetProperty(nameof(Task<int>.Result));
        }
        else if (r.IsGenericType && r.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            // Only a declared IEnumerable<T> streams; a List<T> or array is a value.
            Shape = ResultShape.SyncStream;
        }
        else
        {
            Shape = ResultShape.Value;
        }
    }

    public MethodInfo Method { get; }

    public ParameterInfo[] Parameters { get; }

    public int ValueParameters { get; }

    public int RequiredParameters { get; }

    public ResultShape Shape { get; }

    public bool IsStream => Shape is ResultShape.AsyncStream or ResultShape.SyncStream;

    /// <summary>True when the call's positional and named arguments can bind to this overload.</summary>
    public bool Accepts(int positional, IReadOnlyDictionary<string, object?>? named)
    {
        bool hasParams = Parameters.Length > 0 && Parameters[^1].IsDefined(typeof(ParamArrayAttribute));
        if (positional > ValueParameters && !hasParams)
        {
            return false;
        }

        int bound = 0;
        foreach (ParameterInfo p in Parameters)
        {
            if (p.ParameterType == typeof(CancellationToken))
            {
                continue;
            }

            if (bound < positional || (named is not null && named.ContainsKey(p.Name!)) || p.HasDefaultValue || p.IsDefined(typeof(ParamArrayAttribute)))
            {
                bound++;
                continue;
            }

            return false;
        }

        return true;
    }

    /// <summary>Maps wire arguments onto the parameters, converting each to its declared type.</summary>
    public object?[] Bind(List<object?> positional, IReadOnlyDictionary<string, object?>? named, CancellationToken cancellationToken)
    {
        object?[] args = new object?[Parameters.Length];
        int next = 0;
        for (int i = 0; i < Parameters.Length; i++)
        {
            ParameterInfo p = Parameters[i];
            if (p.ParameterType == typeof(CancellationToken))
            {
                args[i] = cancellationToken;
            }
            else if (p.IsDefined(typeof(ParamArrayAttribute)))
            {
                Type element = p.ParameterType.GetElementType()!;
                var rest = Array.CreateInstance(element, Math.Max(0, positional.Count - next));
                for (int j = 0; next < positional.Count; j++, next++)
                {
                    rest.SetValue(TlvConverter.To(positional[next], element), j);
                }

                args[i] = rest;
            }
            else if (next < positional.Count)
            {
                args[i] = TlvConverter.To(positional[next++], p.ParameterType);
            }
            else if (named is not null && named.TryGetValue(p.Name!, out object? v))
            {
                args[i] = TlvConverter.To(v, p.ParameterType);
            }
            else
            {
                args[i] = p.DefaultValue is DBNull ? null : p.DefaultValue;
            }
        }

        return args;
    }

    /// <summary>Awaits a non-streaming result and returns the value to send back.</summary>
    public async ValueTask<object?> CompleteAsync(object? returned)
    {
        switch (Shape)
        {
            case ResultShape.Void:
                return null;
            case ResultShape.Task:
                await ((Task)returned!).ConfigureAwait(false);
                return null;
            case ResultShape.TaskOfT:
                await ((Task)returned!).ConfigureAwait(false);
                return _result!.GetValue(returned);
            case ResultShape.ValueTask:
                await ((ValueTask)returned!).ConfigureAwait(false);
                return null;
            case ResultShape.ValueTaskOfT:
                var task = (Task)_asTask!.Invoke(returned, null)!;
                await task.ConfigureAwait(false);
                return _result!.GetValue(task);
            default:
                return returned;
        }
    }

    /// <summary>The items of a streaming result, boxed.</summary>
    public IAsyncEnumerable<object?> Stream(object? returned, CancellationToken cancellationToken) => Shape switch
    {
        ResultShape.AsyncStream => returned is null ? Empty() : _stream!(returned, cancellationToken),
        _ => SyncStream((IEnumerable?)returned, cancellationToken),
    };

    private static async IAsyncEnumerable<object?> Empty()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    private static async IAsyncEnumerable<object?> SyncStream(IEnumerable? items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (items is null)
        {
            yield break;
        }

        foreach (object? item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static async IAsyncEnumerable<object?> BoxStream<T>(object source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (T item in ((IAsyncEnumerable<T>)source).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private static Type? GenericArgument(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }
}
