package imaplib

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// testSink is a sink that only has a name.
type testSink struct{ name string }

func (*testSink) reserve([]byte, int64, int64) error { return nil }
func (*testSink) put(string, Datum) error            { return nil }

// TestSharedSinkFollowsCommands starts, completes and re-sinks commands
// at random, as a Pipeline, IDLE and one-at-a-time commands do, and checks
// after every step that the engine's shared sink is what a walk over the
// commands in flight gives: the sink they all name, or none.
func TestSharedSinkFollowsCommands(t *testing.T) {
	sinks := []sink{nil, &testSink{"a"}, &testSink{"b"}}
	want := func(e *engine) sink {
		var s sink
		first := true
		for _, c := range e.inflight {
			if first {
				s, first = c.sink, false
			} else if c.sink != s {
				return nil
			}
		}
		return s
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		e := newEngine(&options{}, &wireLog{}, &testSink{"store"})
		var live []*command
		for step := range 60 {
			var what string
			switch k := rng.IntN(10); {
			case k < 5 || len(live) == 0:
				c := &command{num: step, sink: sinks[rng.IntN(len(sinks))]}
				e.inflight[c.num] = c
				e.joined(c.sink)
				live = append(live, c)
				what = fmt.Sprint("start ", c.num)
			case k < 9:
				i := rng.IntN(len(live))
				e.complete(live[i])
				what = fmt.Sprint("complete ", live[i].num)
				live = append(live[:i], live[i+1:]...)
			default:
				c := live[rng.IntN(len(live))]
				e.setSink(c, sinks[rng.IntN(len(sinks))])
				what = fmt.Sprint("re-sink ", c.num)
			}
			if got, w := e.shared(), want(e); got != w {
				t.Fatalf("round %d, after %s with %d in flight: shared %v, want %v", round, what, len(e.inflight), got, w)
			}
		}
	}
}
