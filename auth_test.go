package imaplib

import (
	"bytes"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
)

// b64 is the engine's encoding of a response.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// mustStep calls f and fails the test on an error.
func mustStep(t *testing.T, f AuthFunc, challenge string) []byte {
	t.Helper()
	resp, err := f([]byte(challenge))
	if err != nil {
		t.Fatalf("challenge %q: unexpected error %v", challenge, err)
	}
	return resp
}

// wantErr calls f and fails the test unless it returns an error containing
// every one of parts.
func wantErr(t *testing.T, f AuthFunc, challenge string, parts ...string) {
	t.Helper()
	resp, err := f([]byte(challenge))
	if err == nil {
		t.Fatalf("challenge %q: got response %q, want an error", challenge, resp)
	}
	if resp != nil {
		t.Errorf("challenge %q: response %q returned with the error", challenge, resp)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func TestPlainAuth(t *testing.T) {
	tests := []struct {
		identity, username, password string
		raw, b64                     string
	}{
		// SPEC section 1.9 (CPython's test_login_plain_ascii and _utf8).
		{"", "prem", "pass", "\x00prem\x00pass", "AHByZW0AcGFzcw=="},
		{"", "pręm", "żółć", "\x00pręm\x00żółć", "AHByxJltAMW8w7PFgsSH"},
		// RFC 4616 section 4, both examples.
		{"", "tim", "tanstaaftanstaaf", "\x00tim\x00tanstaaftanstaaf", "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"},
		{"Ursel", "Kurt", "xipj3plmq", "Ursel\x00Kurt\x00xipj3plmq", "VXJzZWwAS3VydAB4aXBqM3BsbXE="},
		// Bytes that are not UTF-8 are sent unchanged, like Python's bytes.
		{"", "\xff", "\xfe", "\x00\xff\x00\xfe", "AP8A/g=="},
	}
	for _, tt := range tests {
		for _, challenge := range []string{"", "ignored"} {
			f := PlainAuth(tt.identity, tt.username, tt.password)
			resp := mustStep(t, f, challenge)
			if string(resp) != tt.raw || b64(resp) != tt.b64 {
				t.Errorf("PlainAuth(%q, %q, %q) = %q (%s), want %q (%s)",
					tt.identity, tt.username, tt.password, resp, b64(resp), tt.raw, tt.b64)
			}
			wantErr(t, f, "", "PLAIN", "unexpected server challenge")
		}
		resp, err := plainResponse(tt.identity, tt.username, tt.password)
		if err != nil || string(resp) != tt.raw {
			t.Errorf("plainResponse(%q, %q, %q) = %q, %v", tt.identity, tt.username, tt.password, resp, err)
		}
	}
	// A nil challenge is the engine's SASL-IR call.
	if resp, err := PlainAuth("", "u", "p")(nil); err != nil || string(resp) != "\x00u\x00p" {
		t.Errorf("nil challenge: %q, %v", resp, err)
	}
	// Empty strings are the server's business, as in Python.
	if resp, err := plainResponse("", "", ""); err != nil || string(resp) != "\x00\x00" {
		t.Errorf(`plainResponse("", "", "") = %q, %v`, resp, err)
	}
}

func TestPlainAuthNUL(t *testing.T) {
	tests := []struct{ identity, username, password, field string }{
		{"a\x00", "u", "p", "identity"},
		{"", "\x00u", "p", "username"},
		{"", "u", "p\x00", "password"},
		{"\x00", "\x00", "\x00", "identity"},
	}
	for _, tt := range tests {
		wantErr(t, PlainAuth(tt.identity, tt.username, tt.password), "", "PLAIN", tt.field, "NUL")
		if resp, err := plainResponse(tt.identity, tt.username, tt.password); err == nil || resp != nil {
			t.Errorf("plainResponse(%q, %q, %q) = %q, %v; want an error", tt.identity, tt.username, tt.password, resp, err)
		} else if !strings.Contains(err.Error(), tt.field) {
			t.Errorf("plainResponse error %q does not name %s", err, tt.field)
		}
	}
}

func TestXOAuth2(t *testing.T) {
	// Google's documented example (developers.google.com/gmail/imap/xoauth2-protocol).
	const (
		raw  = "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
		want = "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
	)
	f := XOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
	resp := mustStep(t, f, "")
	if string(resp) != raw || b64(resp) != want {
		t.Errorf("XOAuth2 = %q (%s), want %q (%s)", resp, b64(resp), raw, want)
	}
	// After a refused token Google sends a JSON error; the answer is empty
	// (non-nil, so that no engine can take it for an abort).
	resp = mustStep(t, f, `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`)
	if resp == nil || len(resp) != 0 {
		t.Errorf("answer to the error challenge = %#v, want an empty slice", resp)
	}
	wantErr(t, f, "", "XOAUTH2", "unexpected server challenge")
}

func TestXOAuth2Errors(t *testing.T) {
	tests := []struct{ username, token, want string }{
		{"a\x00b", "t", "username"},
		{"a\x01b", "t", "username"},
		{"u", "t\x00", "access token"},
		{"u", "\x01t", "access token"},
		{"u", "", "empty access token"},
	}
	for _, tt := range tests {
		wantErr(t, XOAuth2(tt.username, tt.token), "", "XOAUTH2", tt.want)
	}
}

func TestOAuthBearer(t *testing.T) {
	// RFC 7628 section 4.1.
	const (
		token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
		raw   = "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer " + token + "\x01\x01"
		want  = "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB"
		// RFC 7628 section 4.3: the server's error challenge, and the
		// client's answer "AQ==".
		errorChallenge = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0="
	)
	f := OAuthBearer("user@example.com", "server.example.com", 143, token)
	resp := mustStep(t, f, "")
	if string(resp) != raw || b64(resp) != want {
		t.Errorf("OAuthBearer = %q (%s), want %q (%s)", resp, b64(resp), raw, want)
	}
	jsonErr, err := base64.StdEncoding.DecodeString(errorChallenge)
	if err != nil {
		t.Fatal(err)
	}
	resp = mustStep(t, f, string(jsonErr))
	if b64(resp) != "AQ==" {
		t.Errorf("answer to the error challenge = %q (%s), want \"\\x01\" (AQ==)", resp, b64(resp))
	}
	wantErr(t, f, "", "OAUTHBEARER", "unexpected server challenge")
}

func TestOAuthBearerOptionalParts(t *testing.T) {
	tests := []struct {
		username, host string
		port           int
		want           string
	}{
		{"u@x", "", 0, "n,a=u@x,\x01auth=Bearer t\x01\x01"},
		{"u@x", "h", 0, "n,a=u@x,\x01host=h\x01auth=Bearer t\x01\x01"},
		{"u@x", "", 993, "n,a=u@x,\x01port=993\x01auth=Bearer t\x01\x01"},
		{"", "h", 65535, "n,,\x01host=h\x01port=65535\x01auth=Bearer t\x01\x01"},
		// RFC 5801 saslname escaping.
		{"a,b=c@x", "", 0, "n,a=a=2Cb=3Dc@x,\x01auth=Bearer t\x01\x01"},
		{"=2C", "", 0, "n,a==3D2C,\x01auth=Bearer t\x01\x01"},
	}
	for _, tt := range tests {
		resp := mustStep(t, OAuthBearer(tt.username, tt.host, tt.port, "t"), "")
		if string(resp) != tt.want {
			t.Errorf("OAuthBearer(%q, %q, %d) = %q, want %q", tt.username, tt.host, tt.port, resp, tt.want)
		}
	}
}

func TestOAuthBearerErrors(t *testing.T) {
	tests := []struct {
		username, host string
		port           int
		token, want    string
	}{
		{"u\x00", "h", 1, "t", "username"},
		{"u\x01", "h", 1, "t", "username"},
		{"u", "h\x01", 1, "t", "host"},
		{"u", "h\x00", 1, "t", "host"},
		{"u", "hé", 1, "t", "host"},
		{"u", "h", 1, "t\x01", "access token"},
		{"u", "h", 1, "t\x7f", "access token"},
		{"u", "h", 1, "", "empty access token"},
		{"u", "h", -1, "t", "port -1"},
		{"u", "h", 65536, "t", "port 65536"},
	}
	for _, tt := range tests {
		wantErr(t, OAuthBearer(tt.username, tt.host, tt.port, tt.token), "", "OAUTHBEARER", tt.want)
	}
}

// withNonce makes ScramSHA256 use nonce until the test ends.
func withNonce(t *testing.T, nonce string) {
	t.Helper()
	saved := scramNonce
	scramNonce = func() string { return nonce }
	t.Cleanup(func() { scramNonce = saved })
}

// RFC 7677 section 3.
const (
	rfcNonce       = "rOprNGfwEbeRWgbNEkqO"
	rfcServerNonce = rfcNonce + "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
	rfcSalt        = "W22ZaJ0SNY7soEsUEjb6gQ=="
	rfcServerFirst = "r=" + rfcServerNonce + ",s=" + rfcSalt + ",i=4096"
	rfcClientFinal = "c=biws,r=" + rfcServerNonce + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
	rfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
)

func TestScramSHA256RFC7677(t *testing.T) {
	withNonce(t, rfcNonce)
	f := ScramSHA256("user", "pencil")
	if got := string(mustStep(t, f, "")); got != "n,,n=user,r="+rfcNonce {
		t.Errorf("client-first = %q", got)
	}
	if got := string(mustStep(t, f, rfcServerFirst)); got != rfcClientFinal {
		t.Errorf("client-final = %q, want %q", got, rfcClientFinal)
	}
	if resp := mustStep(t, f, rfcServerFinal); resp == nil || len(resp) != 0 {
		t.Errorf("answer to server-final = %#v, want an empty slice", resp)
	}
	wantErr(t, f, "", "SCRAM-SHA-256", "unexpected server challenge")
}

// scramServer computes, independently of scramClient, the proof the server
// expects and the signature it sends for one exchange.
func scramServer(t *testing.T, password, clientFirstBare, serverFirst, withoutProof string, salt []byte, iter int) (proof, signature string) {
	t.Helper()
	salted, err := pbkdf2.Key(sha256.New, password, salt, iter, 32)
	if err != nil {
		t.Fatal(err)
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	auth := clientFirstBare + "," + serverFirst + "," + withoutProof
	clientKey := mac(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	sig := mac(stored[:], auth)
	p := make([]byte, len(sig))
	for i := range p {
		p[i] = clientKey[i] ^ sig[i]
	}
	return b64(p), b64(mac(mac(salted, "Server Key"), auth))
}

func TestScramSHA256Exchanges(t *testing.T) {
	salt := []byte("0123456789abcdef")
	tests := []struct {
		name, username, password string
		wireUser                 string // the "n=" value
		preparedPassword         string // what the server hashes
		extensions               string // appended to the server-first message
		finalExtensions          string // appended to the server-final message
		iter                     int
	}{
		{"ascii", "alice", "pass-alice", "alice", "pass-alice", "", "", 4096},
		{"escaped username", "a,b=c", "pw", "a=2Cb=3Dc", "pw", "", "", 4096},
		{"utf-8", "pręm", "żółć", "pręm", "żółć", "", "", 4096},
		{"NFC", "e\u0301", "e\u0301", "\u00e9", "\u00e9", "", "", 4096},
		{"non-ASCII space", "u", "a\u00a0b\u3000c", "u", "a b c", "", "", 4096},
		{"compatibility characters kept", "u", "ﬁＰ", "u", "ﬁＰ", "", "", 4096},
		{"extensions ignored", "u", "p", "u", "p", ",x=1,y=2", ",z=3", 4096},
		{"more iterations", "u", "p", "u", "p", "", "", 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withNonce(t, "clientnonce")
			f := ScramSHA256(tt.username, tt.password)
			bare := "n=" + tt.wireUser + ",r=clientnonce"
			if got := string(mustStep(t, f, "")); got != "n,,"+bare {
				t.Fatalf("client-first = %q, want %q", got, "n,,"+bare)
			}
			serverFirst := "r=clientnonce+srv,s=" + b64(salt) + ",i=" + strconv.Itoa(tt.iter) + tt.extensions
			withoutProof := "c=biws,r=clientnonce+srv"
			proof, sig := scramServer(t, tt.preparedPassword, bare, serverFirst, withoutProof, salt, tt.iter)
			if got, want := string(mustStep(t, f, serverFirst)), withoutProof+",p="+proof; got != want {
				t.Fatalf("client-final = %q, want %q", got, want)
			}
			mustStep(t, f, "v="+sig+tt.finalExtensions)
		})
	}
}

func TestScramSHA256CredentialErrors(t *testing.T) {
	tests := []struct{ username, password, want string }{
		{"", "p", "empty username"},
		{"u", "", "empty password"},
		{"u\xff", "p", "username is not valid UTF-8"},
		{"u", "p\xff", "password is not valid UTF-8"},
		{"u\x00", "p", "username refused"},
		{"u", "p\x07", "password refused"},
		{"u", "\u00ad", "password refused"}, // disallowed by the PRECIS FreeformClass
	}
	for _, tt := range tests {
		withNonce(t, rfcNonce)
		wantErr(t, ScramSHA256(tt.username, tt.password), "", "SCRAM-SHA-256", tt.want)
	}
}

func TestScramSHA256ServerFirstErrors(t *testing.T) {
	s := ",s=" + rfcSalt
	tests := []struct{ name, serverFirst, want string }{
		{"empty", "", "empty or missing server-first-message"},
		{"server error", "e=unknown-user", `server error "unknown-user"`},
		{"mandatory extension", "m=ext,r=" + rfcServerNonce + s + ",i=4096", "unsupported extension"},
		{"wrong nonce", "r=XOprNGfwEbeRWgbNEkqO%hvY" + s + ",i=4096", "nonce does not extend"},
		{"nonce without server part", "r=" + rfcNonce + s + ",i=4096", "nonce does not extend"},
		{"short nonce", "r=rOpr" + s + ",i=4096", "nonce does not extend"},
		{"non-printable nonce", "r=" + rfcNonce + "ab\x7f" + s + ",i=4096", "non-printable"},
		{"space in nonce", "r=" + rfcNonce + "a b" + s + ",i=4096", "non-printable"},
		{"too few iterations", "r=" + rfcServerNonce + s + ",i=4095", "iteration count 4095"},
		{"too many iterations", "r=" + rfcServerNonce + s + ",i=10000001", "iteration count 10000001"},
		{"huge iterations", "r=" + rfcServerNonce + s + ",i=99999999999", "invalid iteration count"},
		{"signed iterations", "r=" + rfcServerNonce + s + ",i=+4096", "invalid iteration count"},
		{"non-numeric iterations", "r=" + rfcServerNonce + s + ",i=4k", "invalid iteration count"},
		{"bad salt", "r=" + rfcServerNonce + ",s=W22Z*aJ0,i=4096", "invalid salt"},
		{"unpadded salt", "r=" + rfcServerNonce + ",s=W22ZaJ0SNY7soEsUEjb6gQ,i=4096", "invalid salt"},
		{"missing iterations", "r=" + rfcServerNonce + s, "lacks r=, s= and i="},
		{"wrong order", "r=" + rfcServerNonce + ",i=4096" + s, "lacks r=, s= and i="},
		{"salt first", "s=" + rfcSalt + ",r=" + rfcServerNonce + ",i=4096", "lacks r=, s= and i="},
		{"empty value", "r=" + rfcServerNonce + ",s=,i=4096", "malformed server-first-message"},
		{"empty attribute", "r=" + rfcServerNonce + s + ",i=4096,", "malformed server-first-message"},
		{"garbage", "hello world", "malformed server-first-message"},
		{"digit key", "1=x,r=" + rfcServerNonce + s + ",i=4096", "malformed server-first-message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withNonce(t, rfcNonce)
			f := ScramSHA256("user", "pencil")
			mustStep(t, f, "")
			wantErr(t, f, tt.serverFirst, "SCRAM-SHA-256", tt.want)
		})
	}
}

func TestScramSHA256ServerFinalErrors(t *testing.T) {
	good := strings.TrimPrefix(rfcServerFinal, "v=")
	wrong, _ := base64.StdEncoding.DecodeString(good)
	wrong[0] ^= 1
	tests := []struct{ name, serverFinal, want string }{
		{"missing", "", "empty or missing server-final-message"},
		{"server error", "e=invalid-proof", `server error "invalid-proof"`},
		{"server error with extension", "e=other-error,x=1", `server error "other-error"`},
		{"wrong signature", "v=" + b64(wrong), "server signature does not match"},
		{"invalid base64", "v=" + good[1:], "server signature does not match"},
		{"truncated signature", "v=" + good[:20], "server signature does not match"},
		{"no verifier", "x=" + good, "lacks v="},
		{"verifier second", "x=1,v=" + good, "lacks v="},
		{"malformed", "v", "malformed server-final-message"},
		{"server-first again", rfcServerFirst, "lacks v="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withNonce(t, rfcNonce)
			f := ScramSHA256("user", "pencil")
			mustStep(t, f, "")
			mustStep(t, f, rfcServerFirst)
			wantErr(t, f, tt.serverFinal, "SCRAM-SHA-256", tt.want)
		})
	}
}

func TestScramNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 10 {
		n := scramNonce()
		if len(n) < 16 || strings.ContainsAny(n, ",") {
			t.Fatalf("nonce %q", n)
		}
		for i := 0; i < len(n); i++ {
			if n[i] < 0x21 || n[i] > 0x7e {
				t.Fatalf("nonce %q has a non-printable byte", n)
			}
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
	}
	// Without injection the client-first message carries a fresh nonce.
	a := mustStep(t, ScramSHA256("u", "p"), "")
	b := mustStep(t, ScramSHA256("u", "p"), "")
	if bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte("n,,n=u,r=")) {
		t.Errorf("client-first messages %q and %q", a, b)
	}
}
