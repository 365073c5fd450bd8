package imaplib

import (
	"math/rand/v2"
	"testing"
)

// The store answers for the names every command asks about (OK, NO, BAD,
// BYE, READ-ONLY) without a map lookup when they are not stored; whatever
// puts, pops and flushes came before, it must answer as the map would, and
// know every such name that is not there.
func TestStoreUsualNames(t *testing.T) {
	names := []string{"OK", "NO", "BAD", "BYE", "READ-ONLY", "FETCH", "EXISTS", "READ-WRITE"}
	s := newStore(1<<20, &wireLog{})
	r := rand.New(rand.NewPCG(1, 2))
	for step := range 5000 {
		name := names[r.IntN(len(names))]
		switch op := r.IntN(10); {
		case op < 5:
			if err := s.put(name, bytesDatum([]byte("x"))); err != nil {
				t.Fatal(err)
			}
		case op < 9:
			s.pop(name)
		default:
			s.flush()
		}
		for _, n := range names {
			_, stored := s.byTyp[n]
			_, got := s.get(n)
			if s.has(n) != stored || got != stored {
				t.Fatalf("step %d: %s stored %v, has %v, get %v", step, n, stored, s.has(n), got)
			}
			// And the usual names that are not stored are known to be absent.
			if usualBit(n) != 0 && !stored && !s.absent(n) {
				t.Fatalf("step %d: %s not stored, but the store would look it up", step, n)
			}
		}
	}
}
