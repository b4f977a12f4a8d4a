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

    // The last flow looked up and its state: a flow's packets come in runs (a request and its reply, a
    // burst of session messages), and most lookups then cost a compare instead of a hash probe. Released
    // with the flow, so it never outlives the dictionary's entry.
    private int _lastFlow = -1;
    private T? _lastState;

    /// <summary>Flows with state.</summary>
    public int Count => _states.Count;

    /// <summary>The state of <paramref name="flow"/>, created on first use.</summary>
    public T Get(int flow)
    {
        if (flow == _lastFlow)
        {
            return _lastState!;
        }

        if (!_states.TryGetValue(flow, out var state))
        {
            state = _pool.Count > 0 ? _pool.Pop() : new T();
            _states.Add(flow, state);
        }

        _lastFlow = flow;
        _lastState = state;
        return state;
    }

    /// <summary>The state of <paramref name="flow"/> if it has one.</summary>
    public T? Find(int flow) => flow == _lastFlow ? _lastState : _states.GetValueOrDefault(flow);

    /// <summary>Forgets the flow's state and recycles it.</summary>
    public void Release(int flow)
    {
        if (flow == _lastFlow)
        {
            _lastFlow = -1;
            _lastState = null;
        }

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
