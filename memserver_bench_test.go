package imaplib

import "testing"

// BenchmarkMemServerNoop is one command round trip to go-imap's
// in-memory server in the same process: the case where the server needs
// the CPU the client's read waits on.
func BenchmarkMemServerNoop(b *testing.B) {
	srv := startMemServer(b)
	m, err := New("127.0.0.1", srv.Port)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Logout()
	for b.Loop() {
		if _, _, err := m.Noop(); err != nil {
			b.Fatal(err)
		}
	}
}
