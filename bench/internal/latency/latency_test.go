package latency

import (
	"bytes"
	"fmt"
	"os/exec"
	"testing"
)

func TestMessage(t *testing.T) {
	for _, size := range []int{4 << 10, 64 << 10} {
		for _, i := range []int{1, 100} {
			m := Message(i, size)
			if len(m) != size {
				t.Errorf("Message(%d, %d) has %d bytes", i, size, len(m))
			}
			if !bytes.HasSuffix(m, []byte("\r\n")) || bytes.Count(m, []byte("\n")) != bytes.Count(m, []byte("\r\n")) {
				t.Errorf("Message(%d, %d) has a bare line end or no final CRLF", i, size)
			}
		}
	}
}

// TestMessagePython checks that py_bench.py builds the same messages.
func TestMessagePython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	for _, size := range []int{4 << 10, 64 << 10} {
		for _, i := range []int{1, 42, 100} {
			script := fmt.Sprintf("import sys; sys.path.insert(0, '../..'); import py_bench; sys.stdout.buffer.write(py_bench.message(%d, %d))", i, size)
			out, err := exec.Command(py, "-c", script).Output()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, Message(i, size)) {
				t.Errorf("py_bench.message(%d, %d) differs from Message", i, size)
			}
		}
	}
}
