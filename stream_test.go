package imaplib

import (
	"errors"
	"testing"
	"time"
)

// streamServer is a shell IMAP "server" for IMAP4_stream: a PREAUTH
// greeting (whose response code CPython does not read, so CAPABILITY is
// asked), then answers to CAPABILITY and LOGOUT; after it come the
// commands of a test, run once the first CAPABILITY is answered.
func streamServer(then string) string {
	return `printf '* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n'
read -r tag cmd rest
printf '* CAPABILITY IMAP4rev1 IDLE\r\n%s OK done\r\n' "$tag"
` + then
}

const streamLogout = `read -r tag cmd rest; printf '* BYE bye\r\n%s OK LOGOUT done\r\n' "$tag"`

func TestStreamPreauthAndReap(t *testing.T) {
	m, err := IMAP4_stream(streamServer(streamLogout))
	if err != nil {
		t.Fatal(err)
	}
	if m.State() != StateAuth {
		t.Errorf("state = %s, want AUTH after PREAUTH", m.State())
	}
	if got := m.Capabilities(); len(got) != 2 || got[0] != "IMAP4REV1" || got[1] != "IDLE" {
		t.Errorf("capabilities = %v", got)
	}
	if m.Socket() != nil {
		t.Error("Socket() should be nil for IMAP4_stream")
	}
	proc := m.e.proc
	typ, data, err := m.Logout()
	if err != nil || Repr(typ, data) != "('BYE', [b'bye'])" {
		t.Fatalf("Logout = %s, %v", Repr(typ, data), err)
	}
	if proc.cmd.ProcessState == nil {
		t.Fatal("child not reaped after Logout")
	}
}

func TestStreamChildThatWillNotExitIsKilled(t *testing.T) {
	defer func(d time.Duration) { streamExitGrace = d }(streamExitGrace)
	streamExitGrace = 100 * time.Millisecond
	m, err := IMAP4_stream(streamServer(`trap '' HUP PIPE; exec sleep 30 </dev/null`))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	m.Shutdown()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	if m.e.proc.cmd.ProcessState == nil {
		t.Fatal("child not reaped")
	}
}

func TestStreamChildExits(t *testing.T) { // a child that dies mid-session
	m, err := IMAP4_stream(streamServer(`read -r cmd`))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	_, _, err = m.Noop()
	var abort *AbortError
	if !errors.As(err, &abort) || abort.Msg != "command: NOOP => socket error: EOF" {
		t.Fatalf("Noop after the child exited: %v", err)
	}
	if _, _, err = m.Noop(); !errors.As(err, &abort) {
		t.Fatalf("second Noop: %v", err)
	}
}
