package imaplib

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Secrets: debug output at every level, 0 to 5, never shows a LOGIN
// password, an AUTHENTICATE response or what an authenticator computed
// from the password, neither as it is nor base64-encoded.

const secretPassword = "s3cr3t-Pa55w0rd!"

// secretsBuffer is a debug output safe to read while the client writes.
type secretsBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *secretsBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *secretsBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func secretsB64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// secretsServer speaks LOGIN, AUTHENTICATE PLAIN, CRAM-MD5 and
// SCRAM-SHA-256 (verifying the client's proof and proving itself), and
// records every secret it saw on the wire for the test to look for.
type secretsServer struct {
	mu      sync.Mutex
	secrets []string
}

func (ss *secretsServer) saw(s ...string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.secrets = append(ss.secrets, s...)
}

func (ss *secretsServer) seen() []string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return append([]string(nil), ss.secrets...)
}

const cramChallenge = "<1896.697170952@postoffice.example.net>"

func (ss *secretsServer) start(t *testing.T) *fakeServer {
	salt := []byte("NaCl-for-the-test")
	const iter = 4096
	return protoStartServer(t, nil, func(s *fakeServer) {
		s.Capabilities = "AUTH=PLAIN AUTH=CRAM-MD5 AUTH=SCRAM-SHA-256"
		s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
			c.Write("* 1 EXISTS")
			c.Write(tag + " OK NOOP completed")
		}
		s.Handlers["XABORT"] = func(c *fakeConn, tag string, args []string) {
			c.Write("garbage that aborts the connection")
		}
		s.Handlers["LOGIN"] = func(c *fakeConn, tag string, args []string) {
			ss.saw(args[1])
			c.Write(tag + " OK LOGIN completed")
		}
		s.Handlers["AUTHENTICATE"] = func(c *fakeConn, tag string, args []string) {
			step := func(challenge string) string {
				c.Write("+ " + secretsB64(challenge))
				line, err := c.ReadLine()
				if err != nil {
					return ""
				}
				ss.saw(line)
				dec, _ := base64.StdEncoding.DecodeString(line)
				return string(dec)
			}
			switch args[0] {
			case "PLAIN":
				c.Write("+ ")
				line, _ := c.ReadLine()
				ss.saw(line)
			case "CRAM-MD5":
				resp := step(cramChallenge)
				_, digest, _ := strings.Cut(resp, " ")
				ss.saw(digest)
			case "SCRAM-SHA-256":
				c.Write("+ ")
				line, _ := c.ReadLine()
				ss.saw(line)
				first, _ := base64.StdEncoding.DecodeString(line)
				bare := strings.TrimPrefix(string(first), "n,,")
				_, nonce, _ := strings.Cut(bare, ",r=")
				serverFirst := fmt.Sprintf("r=%sSRV,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(salt), iter)
				final := step(serverFirst)
				withoutProof, proof, _ := strings.Cut(final, ",p=")
				ss.saw(proof)
				salted, _ := pbkdf2.Key(sha256.New, secretPassword, salt, iter, 32)
				mac := func(key []byte, msg string) []byte {
					h := hmac.New(sha256.New, key)
					h.Write([]byte(msg))
					return h.Sum(nil)
				}
				auth := bare + "," + serverFirst + "," + withoutProof
				clientKey := mac(salted, "Client Key")
				stored := sha256.Sum256(clientKey)
				want := mac(stored[:], auth)
				for i := range want {
					want[i] ^= clientKey[i]
				}
				if proof != base64.StdEncoding.EncodeToString(want) {
					c.Write(tag + " NO proof does not match")
					return
				}
				ss.saw(base64.StdEncoding.EncodeToString(salted), base64.StdEncoding.EncodeToString(clientKey))
				step("v=" + base64.StdEncoding.EncodeToString(mac(mac(salted, "Server Key"), auth)))
			}
			c.Write(tag + " OK AUTHENTICATE completed")
		}
	})
}

func TestDebugOutputHidesSecrets(t *testing.T) {
	cramDigest := func() string {
		h := hmac.New(md5.New, []byte(secretPassword))
		h.Write([]byte(cramChallenge))
		return hex.EncodeToString(h.Sum(nil))
	}()
	methods := []struct {
		name  string
		login func(m *IMAP4) error
		// fixed secrets to look for, besides what the server saw
		secrets []string
	}{
		{"LOGIN", func(m *IMAP4) error { _, _, err := m.Login("alice", secretPassword); return err }, nil},
		{"PLAIN", func(m *IMAP4) error {
			_, _, err := m.Authenticate("PLAIN", PlainAuth("", "alice", secretPassword))
			return err
		}, []string{secretsB64("\x00alice\x00" + secretPassword), "alice\\x00" + secretPassword}},
		{"CRAM-MD5", func(m *IMAP4) error { _, _, err := m.LoginCramMD5("alice", secretPassword); return err },
			[]string{cramDigest, secretsB64("alice " + cramDigest)}},
		{"SCRAM-SHA-256", func(m *IMAP4) error {
			_, _, err := m.Authenticate("SCRAM-SHA-256", ScramSHA256("alice", secretPassword))
			return err
		}, nil},
	}
	for level := 0; level <= 5; level++ {
		for _, meth := range methods {
			t.Run(fmt.Sprintf("level %d/%s", level, meth.name), func(t *testing.T) {
				ss := &secretsServer{}
				s := ss.start(t)
				trace := &secretsBuffer{}
				m := dialFake(t, s, WithDebug(level), WithDebugOutput(trace))
				if err := meth.login(m); err != nil {
					t.Fatalf("%s: %v", meth.name, err)
				}
				if m.State() != StateAuth {
					t.Fatalf("state %s after %s", m.State(), meth.name)
				}
				// Everything that prints: a command (level 3 dumps the
				// untagged store), the ring of recent lines, and an abort,
				// which prints the ring at level 1 and above.
				m.PrintLog()
				m.Noop()
				if _, _, err := m.Xatom("XABORT"); err == nil {
					t.Fatal("XABORT did not abort")
				}
				out := trace.String()

				secrets := append([]string{secretPassword, secretsB64(secretPassword), `"` + secretPassword + `"`}, meth.secrets...)
				seen := ss.seen()
				if len(seen) == 0 {
					t.Fatal("the server saw no secret: the test proves nothing")
				}
				for _, sec := range seen {
					if len(sec) >= 8 {
						secrets = append(secrets, sec)
					}
				}
				for _, sec := range secrets {
					if strings.Contains(out, sec) {
						t.Errorf("debug output at level %d shows the secret %q:\n%s", level, sec, out)
					}
				}
				// The trace is not empty where it should not be: the
				// command was logged, without its secret.
				want := meth.name
				if want != "LOGIN" {
					want = "AUTHENTICATE"
				}
				if level >= 1 && !strings.Contains(out, want) {
					t.Errorf("debug output at level %d does not show the %s command:\n%s", level, want, out)
				}
				if level == 0 && strings.Contains(out, want) {
					t.Errorf("level 0 logged the %s command:\n%s", want, out)
				}
			})
		}
	}
}
