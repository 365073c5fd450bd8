package imaplib

// The ready AuthFuncs through the engine against the scripted server, with
// the RFCs' vectors on the wire: every challenge the server sends is
// base64, every line the client answers is checked byte for byte.

import (
	"errors"
	"strings"
	"testing"
)

// saslStep is one server challenge (base64, as sent after "+ ") and the
// client line expected in answer.
type saslStep struct{ challenge, answer string }

// saslServer plays an AUTHENTICATE exchange: before each challenge it may
// send untagged lines, then checks each answer and ends with final.
func saslServer(t *testing.T, mech string, before []string, steps []saslStep, final string) *fakeServer {
	s := newFakeServer(t, nil)
	s.Handlers["AUTHENTICATE"] = func(c *fakeConn, tag string, args []string) {
		if len(args) != 1 || args[0] != mech {
			t.Errorf("AUTHENTICATE %q, want %s", args, mech)
		}
		for _, line := range before {
			c.Write(line)
		}
		for i, st := range steps {
			c.Write(strings.TrimSpace("+ " + st.challenge))
			got, err := c.ReadLine()
			if err != nil {
				return
			}
			if got != st.answer {
				t.Errorf("%s step %d: client sent %q, want %q", mech, i, got, st.answer)
			}
		}
		c.Write(tag + " " + final)
	}
	return s
}

func TestAuthenticateExchanges(t *testing.T) {
	withNonce(t, rfcNonce)
	for _, tc := range []struct {
		name   string
		mech   string
		auth   AuthFunc
		before []string
		steps  []saslStep
		final  string
		ok     bool
	}{{
		// RFC 4616 section 4: "tim" / "tanstaaftanstaaf".
		name: "PLAIN", mech: "PLAIN", auth: PlainAuth("", "tim", "tanstaaftanstaaf"),
		steps: []saslStep{{"", b64([]byte("\x00tim\x00tanstaaftanstaaf"))}},
		final: "OK [CAPABILITY IMAP4rev1] done", ok: true,
	}, {
		// Gmail sends untagged data before its continuation.
		name: "XOAUTH2 with data before the continuation", mech: "XOAUTH2",
		auth:   XOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"),
		before: []string{"* OK Gimap ready for requests", "* CAPABILITY IMAP4rev1 X-GM-EXT-1"},
		steps:  []saslStep{{"", "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="}},
		final:  "OK [CAPABILITY IMAP4rev1] user authenticated", ok: true,
	}, {
		// Google's error flow: a JSON challenge, answered with an empty line.
		name: "XOAUTH2 refused", mech: "XOAUTH2", auth: XOAuth2("someuser@example.com", "expired"),
		steps: []saslStep{
			{"", b64([]byte("user=someuser@example.com\x01auth=Bearer expired\x01\x01"))},
			{b64([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`)), ""},
		},
		final: "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
	}, {
		// RFC 7628 section 4.1.
		name: "OAUTHBEARER", mech: "OAUTHBEARER", auth: OAuthBearer("user@example.com", "server.example.com", 143, "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg=="),
		steps: []saslStep{{"", b64([]byte("n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==\x01\x01"))}},
		final: "OK [CAPABILITY IMAP4rev1] done", ok: true,
	}, {
		// RFC 7677 section 3, including the server's final signature.
		name: "SCRAM-SHA-256", mech: "SCRAM-SHA-256", auth: ScramSHA256("user", "pencil"),
		steps: []saslStep{
			{"", b64([]byte("n,,n=user,r=" + rfcNonce))},
			{b64([]byte(rfcServerFirst)), b64([]byte(rfcClientFinal))},
			{b64([]byte(rfcServerFinal)), ""},
		},
		final: "OK [CAPABILITY IMAP4rev1] done", ok: true,
	}, {
		// A forged server signature: the client aborts with "*".
		name: "SCRAM-SHA-256 with a bad server signature", mech: "SCRAM-SHA-256", auth: ScramSHA256("user", "pencil"),
		steps: []saslStep{
			{"", b64([]byte("n,,n=user,r=" + rfcNonce))},
			{b64([]byte(rfcServerFirst)), b64([]byte(rfcClientFinal))},
			{b64([]byte("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")), "*"},
		},
		final: "BAD Authentication aborted by client",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := saslServer(t, tc.mech, tc.before, tc.steps, tc.final)
			m := dialFake(t, s)
			typ, data, err := m.Authenticate(tc.mech, tc.auth)
			if tc.ok {
				if err != nil || typ != "OK" || m.State() != StateAuth {
					t.Fatalf("Authenticate = %s, %v (state %s)", Repr(typ, data), err, m.State())
				}
				for _, line := range tc.before {
					name := strings.Fields(line)[1]
					if _, data := m.Response(name); data[0].IsNone() {
						t.Errorf("untagged %s before the continuation was lost", name)
					}
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Authenticate = %s, %v; want an *Error", Repr(typ, data), err)
			}
			if m.State() != StateNonAuth {
				t.Errorf("state %s after a failed AUTHENTICATE", m.State())
			}
		})
	}
}
