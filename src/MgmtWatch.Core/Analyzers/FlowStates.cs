namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// Per-flow state of one analyzer, keyed by the flow's table index and bounded by the flow table's size.
/// Instances are recycled when flows end, so a steady stream of short flows allocates nothing per flow.
/// </summary>
/// <typeparam name="T">The analyzer's per-flow state; <see cref="IResettable.Reset"/> clears it for reuse.</typeparam>
public sealed class FlowStates<T>
    where T : class, IResettable, new()
{
    /// <summary>Recycled instances kept at most; beyond it they are left to the GC.</summary>
    private const int PoolLimit = 4096;

    private readonly Dictionary<int, T> _states = [];
    private readonly Stack<T> _pool = new();

    /// <summary>Flows with state.</summary>
    public int Count => _states.Count;

    /// <summary>The state of <paramref name="flow"/>, created on first use.</summary>
    public T Get(int flow)
    {
        if (!_states.TryGetValue(flow, out var state))
        {
            state = _pool.Count > 0 ? _pool.Pop() : new T();
            _states.Add(flow, state);
        }

        return state;
    }

    /// <summary>The state of <paramref name="flow"/> if it has one.</summary>
    public T? Find(int flow) => _states.GetValueOrDefault(flow);

    /// <summary>Forgets the flow's state and recycles it.</summary>
    public void Release(int flow)
    {
        if (_states.Remove(flow, out var state))
        {
            state.Reset();
            if (_pool.Count < PoolLimit)
            {
                _pool.Push(state);
            }
        }
    }
}

/// <summary>State that can be cleared for reuse.</summary>
public interface IResettable
{
    /// <summary>Returns the object to its freshly created state.</summary>
    void Reset();
}
