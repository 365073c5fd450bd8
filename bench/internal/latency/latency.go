// Package latency holds what the benchmark clients of bench/ share about
// the latency workloads, the loops of single commands that the harness
// runs through its delay relay: their sizes, the messages they APPEND, and
// the scratch mailbox those go to. bench/py_bench.py repeats the same
// definitions for CPython.
package latency

import (
	"fmt"
	"os"
	"time"
)

// The sizes of the latency workloads.
const (
	Fetches = 200 // fetchloop200 and fetchbulk200: messages 1 to 200 of bench10k
	Stores  = 500 // storeloop: UIDs 1 to 500 of bench10k
	Appends = 100 // append4k and append64k: messages per run
)

// AppendSize returns the size of the messages that an append workload
// APPENDs, and whether w is one.
func AppendSize(w string) (int, bool) {
	switch w {
	case "append4k":
		return 4 << 10, true
	case "append64k":
		return 64 << 10, true
	}
	return 0, false
}

// Message returns the i-th message (from 1) of an append workload: exactly
// size bytes, CRLF line ends, a two-line header and lines of 78 letters.
// py_bench.py's message builds the same bytes.
func Message(i, size int) []byte {
	// Built in place, at its final size: building it costs every client
	// the same, and would otherwise be a visible part of append64k.
	b := make([]byte, 0, size)
	b = fmt.Appendf(b, "From: bench <bench@example.org>\r\nSubject: append %03d\r\n\r\n", i)
	for k := 0; len(b) < size; k++ {
		n := min(size-len(b), 80)
		if n < 2 {
			panic(fmt.Sprintf("latency: no message of %d bytes", size))
		}
		line := b[len(b) : len(b)+n]
		for j := range line[:n-2] {
			line[j] = byte('a' + k%26)
		}
		line[n-2], line[n-1] = '\r', '\n'
		b = b[:len(b)+n]
	}
	return b
}

// ScratchMailbox returns a fresh mailbox name for one run of an append
// workload, which CREATEs it first and DELETEs it at the end.
func ScratchMailbox() string {
	return fmt.Sprintf("scratch-%d-%d", os.Getpid(), time.Now().UnixNano())
}
