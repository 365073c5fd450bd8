package imaplib

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// batchMessages are five messages with flags and dates of every kind
// AppendMany takes; their bodies end in bare LF, which become CRLF.
func batchMessages() []AppendMessage {
	return []AppendMessage{
		{Flags: `(\Seen)`, Date: time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC), Message: []byte("Subject: batch 1\n\nbody 1\n")},
		{Flags: `(\Flagged $Work)`, Date: `"15-Feb-2024 12:30:00 -0500"`, Message: []byte("Subject: batch 2\n\nbody 2\n")},
		{Date: time.Date(2022, 12, 31, 23, 59, 59, 0, time.FixedZone("", 5*3600+1800)), Message: []byte("Subject: batch 3\n\nbody 3\n")},
		{Flags: `\Answered \Draft`, Message: []byte("Subject: batch 4\n\nbody 4\n")},
		{Flags: `(\Seen \Flagged)`, Date: 1700000000, Message: []byte("Subject: batch 5\n\nbody 5\n")},
	}
}

// batchDates are the instants of batchMessages' dates (zero: none).
var batchDates = []time.Time{
	time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC),
	time.Date(2024, 2, 15, 17, 30, 0, 0, time.UTC),
	time.Date(2022, 12, 31, 18, 29, 59, 0, time.UTC),
	{},
	time.Unix(1700000000, 0),
}

// continuations counts the continuation requests in a debug trace at
// level 4: each is one round trip the client waited for.
func continuations(trace *bytes.Buffer) int {
	return strings.Count(trace.String(), "< b'+")
}

// Five messages in one AppendMany, by default and with WithLiteralPlus, on
// Dovecot and Cyrus; a fresh connection then finds all five with their
// flags, dates and bodies. By default the client waits for one
// continuation per message, with WithLiteralPlus (both servers advertise
// LITERAL+) for none.
func TestAppendManyServers(t *testing.T) {
	t.Run("dovecot", func(t *testing.T) {
		t.Parallel()
		lab := needDovecot(t)
		user, password := lab.NewUser(t)
		appendManyOn(t, &lab.labServer, user, password)
	})
	t.Run("cyrus", func(t *testing.T) {
		t.Parallel()
		lab := needCyrus(t)
		user, password := lab.NewUser(t)
		appendManyOn(t, &lab.labServer, user, password)
	})
}

func appendManyOn(t *testing.T, lab *labServer, user, password string) {
	for _, mode := range []struct {
		name  string
		opts  []Option
		conts int
	}{
		{"default", nil, 5},
		{"WithLiteralPlus", []Option{WithLiteralPlus()}, 0},
	} {
		t.Run(mode.name, func(t *testing.T) {
			var trace bytes.Buffer
			m, err := New(lab.Host, lab.Port, append(mode.opts, WithTimeout(20*time.Second), WithDebug(4), WithDebugOutput(&trace))...)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Shutdown()
			dvOK(t, "Login")(m.Login(user, password))
			// Both servers advertise MULTIAPPEND only after LOGIN.
			for _, c := range []string{"MULTIAPPEND", "LITERAL+", "UIDPLUS"} {
				if !slices.Contains(m.Capabilities(), c) {
					t.Fatalf("the server does not advertise %s: %v", c, m.Capabilities())
				}
			}
			box := "Batch-" + mode.name
			dvOK(t, "Create")(m.Create(box))
			trace.Reset()
			typ, data, n, err := m.AppendMany(box, batchMessages()...)
			if err != nil || typ != "OK" || n != 5 {
				t.Fatalf("AppendMany = %s, %d, %v", Repr(typ, data), n, err)
			}
			if got := continuations(&trace); got != mode.conts {
				t.Errorf("%d continuations for 5 messages, want %d", got, mode.conts)
			}
			_, uid := m.Response("APPENDUID")
			if len(uid) != 1 || !strings.HasSuffix(string(uid[0].Bytes), " 1:5") {
				t.Errorf("APPENDUID %s, want UIDs 1:5", ReprData(uid))
			}
			t.Logf("%s: %d continuations for 5 messages; %s", mode.name, continuations(&trace), Repr(typ, data))
			if _, _, err := m.Logout(); err != nil {
				t.Error(err)
			}
			checkBatch(t, lab, user, password, box)
		})
	}
}

// checkBatch looks at mailbox box from a fresh connection: it must hold
// batchMessages, in order, with their flags, dates and bodies.
func checkBatch(t *testing.T, lab *labServer, user, password, box string) {
	t.Helper()
	m, err := New(lab.Host, lab.Port, WithTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	dvOK(t, "Login")(m.Login(user, password))
	dvOK(t, "Select")(m.Select(box, true))
	data := dvOK(t, "Fetch")(m.Fetch("1:*", "(FLAGS INTERNALDATE BODY.PEEK[])"))
	msgs, err := ParseFetch(data)
	if err != nil {
		t.Fatal(err)
	}
	want := batchMessages()
	if len(msgs) != len(want) {
		t.Fatalf("%d messages in %s, want %d", len(msgs), box, len(want))
	}
	for i, msg := range msgs {
		w := want[i]
		var flags []string
		for _, f := range msg.Flags {
			if f != `\Recent` {
				flags = append(flags, f)
			}
		}
		slices.Sort(flags)
		wantFlags := strings.Fields(strings.Trim(w.Flags, "()"))
		slices.Sort(wantFlags)
		if !slices.Equal(flags, wantFlags) {
			t.Errorf("message %d: flags %q, want %q", i+1, flags, wantFlags)
		}
		if d := batchDates[i]; !d.IsZero() && !msg.InternalDate.Equal(d) {
			t.Errorf("message %d: internal date %v, want %v", i+1, msg.InternalDate, d)
		}
		body, _ := msg.Body("")
		if wantBody := normalizeCRLF(w.Message); !bytes.Equal(body, wantBody) {
			t.Errorf("message %d: body %q, want %q", i+1, body, wantBody)
		}
	}
}

// appendManyPlusRuns is what WithLiteralPlus was measured to let run when
// a MULTIAPPEND is refused at its third message's flags, by server: the
// traces the probe messages left.
var appendManyPlusRuns = map[string]string{
	"dovecot": "Injected created, Victim deleted, seed flagged \\Deleted",
	"cyrus":   "",
}

// A MULTIAPPEND of five probe messages (their lines are IMAP commands)
// whose third has the flag \Bogus: the server refuses it with BAD. By
// default the client has sent the first two messages only, each after
// its continuation, and nothing of the third: nothing runs, and since
// MULTIAPPEND is atomic neither of the first two is appended. With
// WithLiteralPlus the test pins what was measured.
func TestAppendManyRefusalRunsNothing(t *testing.T) {
	t.Run("dovecot", func(t *testing.T) {
		t.Parallel()
		lab := needDovecot(t)
		refuseAppendMany(t, probeServer{name: "dovecot", lab: &lab.labServer, newUser: func(t *testing.T, _ bool) (string, string) {
			return lab.NewUser(t)
		}})
	})
	t.Run("cyrus", func(t *testing.T) {
		t.Parallel()
		lab := needCyrus(t)
		refuseAppendMany(t, probeServer{name: "cyrus", lab: &lab.labServer, newUser: func(t *testing.T, _ bool) (string, string) {
			return lab.NewUser(t)
		}})
	})
}

func refuseAppendMany(t *testing.T, srv probeServer) {
	msgs := make([]AppendMessage, 5)
	for i := range msgs {
		msgs[i] = AppendMessage{Message: []byte(probeBody)}
	}
	msgs[2].Flags = `(\Bogus)`
	for _, plus := range []bool{false, true} {
		name := "default"
		opts := []Option{WithTimeout(20 * time.Second)}
		if plus {
			name = "WithLiteralPlus"
			opts = append(opts, WithLiteralPlus())
		}
		t.Run(name, func(t *testing.T) {
			user, password := srv.newUser(t, false)
			probeSetUp(t, srv, user, password)
			var trace bytes.Buffer
			m, err := New(srv.lab.Host, srv.lab.Port, append(opts, WithDebug(4), WithDebugOutput(&trace))...)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Shutdown()
			dvOK(t, "Login")(m.Login(user, password))
			dvOK(t, "Select")(m.Select("INBOX", false))
			trace.Reset()
			typ, data, n, refusal := m.AppendMany("INBOX", msgs...)
			var e *Error
			if !errors.As(refusal, &e) || !strings.Contains(refusal.Error(), "APPEND command error: BAD") || n != 0 {
				t.Errorf("AppendMany = %s, %d, %v; want BAD and 0 appended", Repr(typ, data), n, refusal)
			}
			conts := continuations(&trace)
			if !plus {
				if conts != 2 {
					t.Errorf("%d continuations, want 2 (the first two messages)", conts)
				}
				dvOK(t, "Noop after the refusal")(m.Noop())
			} else {
				t.Logf("after the refusal: %s", probeDrain(m))
			}
			m.Shutdown()
			traces := probeTraces(t, srv, user, password)
			want := ""
			if plus {
				want = appendManyPlusRuns[srv.name]
			}
			if traces != want {
				t.Errorf("traces %q, want %q", traces, want)
			}
			// The seed message only: neither of the first two went in.
			other, err := New(srv.lab.Host, srv.lab.Port, WithTimeout(20*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			defer other.Logout()
			dvOK(t, "Login")(other.Login(user, password))
			dvWant(t, "Status", "('OK', [b'INBOX (MESSAGES 1)'])")(other.Status("INBOX", "(MESSAGES)"))
			t.Logf("%s: %d continuations; %v", name, conts, refusal)
		})
	}
}
