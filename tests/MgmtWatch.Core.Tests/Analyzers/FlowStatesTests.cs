using MgmtWatch.Core.Analyzers;

namespace MgmtWatch.Core.Tests.Analyzers;

public class FlowStatesTests
{
    private sealed class Counter : IResettable
    {
        public int Value;

        public void Reset() => Value = 0;
    }

    [Fact]
    public void EachFlowKeepsItsOwnStateWhateverTheOrderOfLookups()
    {
        var states = new FlowStates<Counter>();
        states.Get(1).Value = 10;
        states.Get(2).Value = 20;
        states.Get(2).Value++;
        states.Get(1).Value++;

        Assert.Equal(11, states.Find(1)!.Value);
        Assert.Equal(21, states.Find(2)!.Value);
        Assert.Equal(11, states.Get(1).Value);
        Assert.Null(states.Find(3));
        Assert.Equal(2, states.Count);
    }

    [Fact]
    public void AReleasedFlowHasNoStateEvenRightAfterItsLastLookup()
    {
        var states = new FlowStates<Counter>();
        states.Get(7).Value = 5;
        Assert.Same(states.Get(7), states.Find(7));

        states.Release(7);

        Assert.Null(states.Find(7));
        Assert.Equal(0, states.Count);

        // The flow's table index is reused by a new flow: it starts from a cleared state.
        Assert.Equal(0, states.Get(7).Value);
    }

    [Fact]
    public void ReleasingAnotherFlowLeavesTheLastLookedUpOneAlone()
    {
        var states = new FlowStates<Counter>();
        states.Get(1).Value = 1;
        states.Get(2).Value = 2;

        states.Release(1);

        Assert.Equal(2, states.Find(2)!.Value);
        Assert.Null(states.Find(1));
        Assert.Equal(0, states.Get(1).Value);
    }
}
