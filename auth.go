package imaplib

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/secure/precis"
)

// This file holds ready-made authobjects for IMAP4.Authenticate.
//
// Every mechanism here speaks first, so the first call answers with the
// client's initial message whatever the challenge holds (normally the empty
// "+ " continuation, or nothing at all when the engine asks for a SASL-IR
// initial response). Each returned AuthFunc keeps the state of one exchange:
// use it for a single Authenticate call, from one goroutine.

// PlainAuth returns an AuthFunc for the PLAIN mechanism (RFC 4616), for
// IMAP4.Authenticate("PLAIN", …). Its one response is identity, NUL,
// username, NUL, password, with the strings' bytes sent unchanged (a Go
// string literal is UTF-8, as in Python's login_plain). identity, the
// authorization identity, is usually empty, meaning username itself.
//
// The AuthFunc returns an error, so that Authenticate aborts the exchange,
// if an argument contains a NUL byte or if the server sends a second
// challenge. PLAIN sends the password in the clear: use it over TLS only.
func PlainAuth(identity, username, password string) AuthFunc {
	done := false
	return func([]byte) ([]byte, error) {
		if done {
			return nil, errUnexpectedChallenge("PLAIN")
		}
		done = true
		return plainResponse(identity, username, password)
	}
}

// plainResponse returns the PLAIN message identity NUL username NUL
// password, or an error naming the first argument that contains a NUL byte
// (LoginPlain uses it to refuse such input before sending anything).
func plainResponse(identity, username, password string) ([]byte, error) {
	for _, f := range [...]struct{ name, value string }{
		{"identity", identity},
		{"username", username},
		{"password", password},
	} {
		if strings.IndexByte(f.value, 0) >= 0 {
			return nil, fmt.Errorf("imaplib: PLAIN: %s contains a NUL character", f.name)
		}
	}
	return []byte(identity + "\x00" + username + "\x00" + password), nil
}

// XOAuth2 returns an AuthFunc for the XOAUTH2 mechanism of Google and
// Microsoft, for IMAP4.Authenticate("XOAUTH2", …). accessToken is an OAuth
// 2.0 bearer token for username. The first response is
// "user=" username "\x01auth=Bearer " accessToken "\x01\x01".
//
// When the server refuses the token it sends a second challenge, a JSON
// error such as {"status":"401","schemes":"bearer","scope":"…"}. The
// AuthFunc answers it with an empty response, as the mechanism requires, and
// the server then ends the exchange with a tagged NO, which Authenticate
// reports; the JSON text shows only in the debug output.
//
// The AuthFunc returns an error if username or accessToken contains a NUL or
// \x01 byte, if accessToken is empty, or on a third challenge.
func XOAuth2(username, accessToken string) AuthFunc {
	step := 0
	return func([]byte) ([]byte, error) {
		step++
		switch step {
		case 1:
			if err := checkOAuthArgs("XOAUTH2", username, accessToken); err != nil {
				return nil, err
			}
			return []byte("user=" + username + "\x01auth=Bearer " + accessToken + "\x01\x01"), nil
		case 2:
			return []byte{}, nil
		}
		return nil, errUnexpectedChallenge("XOAUTH2")
	}
}

// OAuthBearer returns an AuthFunc for the OAUTHBEARER mechanism (RFC 7628),
// for IMAP4.Authenticate("OAUTHBEARER", …). username goes in the GS2 header
// as the authorization identity ("a=", with ',' and '=' written as "=2C"
// and "=3D"; omitted when empty). host and port name the server as the
// client connected to it and are omitted when "" and 0. accessToken is an
// OAuth 2.0 bearer token. For the RFC's example the first response is
// "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01".
//
// When the server refuses the token it sends a second challenge, a JSON
// error. The AuthFunc answers it with the single byte \x01 (RFC 7628
// section 3.2.3) and the server then ends the exchange with a tagged NO,
// which Authenticate reports.
//
// The AuthFunc returns an error if username contains a NUL or \x01 byte, if
// host or accessToken contains a byte other than printable ASCII, space, tab,
// CR or LF, if accessToken is empty, if port is outside 0 to 65535, or on a
// third challenge.
func OAuthBearer(username, host string, port int, accessToken string) AuthFunc {
	step := 0
	return func([]byte) ([]byte, error) {
		step++
		switch step {
		case 1:
			return oauthBearerResponse(username, host, port, accessToken)
		case 2:
			return []byte{0x01}, nil
		}
		return nil, errUnexpectedChallenge("OAUTHBEARER")
	}
}

// oauthBearerResponse builds the OAUTHBEARER initial client response.
func oauthBearerResponse(username, host string, port int, token string) ([]byte, error) {
	const mech = "OAUTHBEARER"
	if err := checkOAuthArgs(mech, username, token); err != nil {
		return nil, err
	}
	if !isKVValue(host) {
		return nil, fmt.Errorf("imaplib: %s: host contains a character not allowed by RFC 7628", mech)
	}
	if !isKVValue(token) {
		return nil, fmt.Errorf("imaplib: %s: access token contains a character not allowed by RFC 7628", mech)
	}
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("imaplib: %s: port %d out of range", mech, port)
	}
	var b strings.Builder
	b.WriteString("n,")
	if username != "" {
		b.WriteString("a=" + saslName(username))
	}
	b.WriteString(",\x01")
	if host != "" {
		b.WriteString("host=" + host + "\x01")
	}
	if port != 0 {
		b.WriteString("port=" + strconv.Itoa(port) + "\x01")
	}
	b.WriteString("auth=Bearer " + token + "\x01\x01")
	return []byte(b.String()), nil
}

// checkOAuthArgs refuses what would break the framing of the XOAUTH2 and
// OAUTHBEARER messages, and an empty token.
func checkOAuthArgs(mech, username, token string) error {
	if strings.ContainsAny(username, "\x00\x01") {
		return fmt.Errorf("imaplib: %s: username contains a NUL or \\x01 character", mech)
	}
	if strings.ContainsAny(token, "\x00\x01") {
		return fmt.Errorf("imaplib: %s: access token contains a NUL or \\x01 character", mech)
	}
	if token == "" {
		return fmt.Errorf("imaplib: %s: empty access token", mech)
	}
	return nil
}

// isKVValue reports whether s fits RFC 7628's value:
// *(VCHAR / SP / HTAB / CR / LF).
func isKVValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x21 || c > 0x7e) && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// saslName escapes a name for a GS2 header or a SCRAM "n=" attribute
// (RFC 5801 section 4, RFC 5802 section 5.1).
func saslName(s string) string {
	return strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s)
}

// SCRAM-SHA-256 limits on the server's iteration count. RFC 7677 asks for
// at least 4096; the maximum bounds the time a hostile server can make the
// client spend in PBKDF2.
const (
	scramMinIterations = 4096
	scramMaxIterations = 10_000_000
)

// scramNonce returns a fresh client nonce (printable ASCII without ',').
// Tests replace it to replay published exchanges.
var scramNonce = rand.Text

// ScramSHA256 returns an AuthFunc for the SCRAM-SHA-256 mechanism (RFC 5802,
// RFC 7677) without channel binding, for
// IMAP4.Authenticate("SCRAM-SHA-256", …). The password never crosses the
// wire, and the server has to prove that it knows the password too.
//
// The exchange takes three challenges. The first (empty) one is answered
// with the client-first message "n,,n=" username ",r=" nonce, the
// server-first message with the client proof, and the server-final message,
// once its signature is checked, with an empty response (IMAP cannot carry
// it in the tagged OK, so the server sends it as a continuation).
//
// The AuthFunc returns an error, so that Authenticate aborts the exchange,
// when the server's signature does not match; when the server's nonce does
// not extend the client's; when the server asks for fewer than 4096
// iterations (RFC 7677's minimum, refused so that a hostile server cannot
// cheapen an offline attack on the proof) or more than 10,000,000; when it
// sends an "e=" error (its text is in the error) or an "m=" mandatory
// extension; on a malformed message or a challenge without the expected
// content; and on a fourth challenge. Attributes after the ones the RFC
// requires are ignored.
//
// username and password must be valid UTF-8 and are prepared with the PRECIS
// OpaqueString profile (RFC 8265), the successor of SASLprep (RFC 4013), as
// SCRAM over HTTP (RFC 7804) does: printable ASCII is left as it is; other
// text is normalized to NFC with non-ASCII spaces mapped to U+0020, and
// control characters, unassigned code points and empty strings are refused.
// Unlike SASLprep it does not fold compatibility characters (ligatures,
// full-width letters), so it agrees with servers that derive their keys from
// the password as typed, such as Dovecot. Then ',' and '=' in the username are written as
// "=2C" and "=3D".
func ScramSHA256(username, password string) AuthFunc {
	c := &scramClient{username: username, password: password}
	return c.next
}

// scramClient is the state of one SCRAM-SHA-256 exchange.
type scramClient struct {
	username, password string
	step               int
	clientFirstBare    string // "n=user,r=nonce", part of the AuthMessage
	nonce              string // the client nonce
	serverSignature    []byte // expected in the server-final message
}

const scramMech = "SCRAM-SHA-256"

// next answers one challenge.
func (c *scramClient) next(challenge []byte) ([]byte, error) {
	c.step++
	switch c.step {
	case 1:
		return c.clientFirst()
	case 2:
		return c.clientFinal(string(challenge))
	case 3:
		if err := c.verifyServerFinal(string(challenge)); err != nil {
			return nil, err
		}
		return []byte{}, nil
	}
	return nil, errUnexpectedChallenge(scramMech)
}

// clientFirst prepares the credentials and returns the client-first message.
func (c *scramClient) clientFirst() ([]byte, error) {
	user, err := scramPrep("username", c.username)
	if err != nil {
		return nil, err
	}
	if c.password, err = scramPrep("password", c.password); err != nil {
		return nil, err
	}
	c.nonce = scramNonce()
	c.clientFirstBare = "n=" + saslName(user) + ",r=" + c.nonce
	return []byte("n,," + c.clientFirstBare), nil
}

// clientFinal checks the server-first message and returns the client-final
// message with the proof.
func (c *scramClient) clientFinal(serverFirst string) ([]byte, error) {
	attrs, err := scramAttrs("server-first-message", serverFirst)
	if err != nil {
		return nil, err
	}
	switch attrs[0].key {
	case 'e':
		return nil, scramErrorf("server error %q", attrs[0].value)
	case 'm':
		return nil, scramErrorf("server requires an unsupported extension (m=)")
	}
	if len(attrs) < 3 || attrs[0].key != 'r' || attrs[1].key != 's' || attrs[2].key != 'i' {
		return nil, scramErrorf("server-first-message lacks r=, s= and i=")
	}
	nonce := attrs[0].value
	if len(nonce) <= len(c.nonce) || !strings.HasPrefix(nonce, c.nonce) {
		return nil, scramErrorf("server nonce does not extend the client nonce")
	}
	for i := 0; i < len(nonce); i++ {
		if nonce[i] < 0x21 || nonce[i] > 0x7e {
			return nil, scramErrorf("server nonce contains a non-printable character")
		}
	}
	salt, err := base64.StdEncoding.DecodeString(attrs[1].value)
	if err != nil || len(salt) == 0 {
		return nil, scramErrorf("invalid salt")
	}
	iter, err := parseIterations(attrs[2].value)
	if err != nil {
		return nil, err
	}

	withoutProof := "c=biws,r=" + nonce // biws is base64("n,,")
	authMessage := c.clientFirstBare + "," + serverFirst + "," + withoutProof
	salted, err := pbkdf2.Key(sha256.New, c.password, salt, iter, sha256.Size)
	if err != nil {
		return nil, scramErrorf("%v", err)
	}
	clientKey := hmacSHA256(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	proof := hmacSHA256(storedKey[:], authMessage)
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	c.serverSignature = hmacSHA256(hmacSHA256(salted, "Server Key"), authMessage)
	return []byte(withoutProof + ",p=" + base64.StdEncoding.EncodeToString(proof)), nil
}

// verifyServerFinal checks the server signature in the server-final message.
func (c *scramClient) verifyServerFinal(serverFinal string) error {
	attrs, err := scramAttrs("server-final-message", serverFinal)
	if err != nil {
		return err
	}
	switch attrs[0].key {
	case 'e':
		return scramErrorf("server error %q", attrs[0].value)
	case 'v':
		sig, err := base64.StdEncoding.DecodeString(attrs[0].value)
		if err != nil || !hmac.Equal(sig, c.serverSignature) {
			return scramErrorf("server signature does not match")
		}
		return nil
	}
	return scramErrorf("server-final-message lacks v=")
}

// parseIterations parses the "i=" value and enforces the limits.
func parseIterations(s string) (int, error) {
	if s == "" || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
		return 0, scramErrorf("invalid iteration count %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, scramErrorf("invalid iteration count %q", s)
	}
	if n < scramMinIterations || n > scramMaxIterations {
		return 0, scramErrorf("iteration count %d outside %d to %d", n, scramMinIterations, scramMaxIterations)
	}
	return n, nil
}

// scramAttr is one attr=value pair of a SCRAM message.
type scramAttr struct {
	key   byte
	value string
}

// scramAttrs splits a SCRAM message into its attribute-value pairs, each
// a letter, '=' and a non-empty value.
func scramAttrs(what, msg string) ([]scramAttr, error) {
	if msg == "" {
		return nil, scramErrorf("empty or missing %s", what)
	}
	fields := strings.Split(msg, ",")
	attrs := make([]scramAttr, len(fields))
	for i, f := range fields {
		if len(f) < 3 || f[1] != '=' || !('a' <= f[0] && f[0] <= 'z' || 'A' <= f[0] && f[0] <= 'Z') {
			return nil, scramErrorf("malformed %s", what)
		}
		attrs[i] = scramAttr{f[0], f[2:]}
	}
	return attrs, nil
}

// scramPrep prepares a username or password with the PRECIS OpaqueString
// profile.
func scramPrep(what, s string) (string, error) {
	if s == "" {
		return "", scramErrorf("empty %s", what)
	}
	if !utf8.ValidString(s) {
		return "", scramErrorf("%s is not valid UTF-8", what)
	}
	p, err := precis.OpaqueString.String(s)
	if err != nil {
		return "", scramErrorf("%s refused by the OpaqueString profile (RFC 8265): %v", what, err)
	}
	return p, nil
}

// hmacSHA256 returns HMAC-SHA-256(key, msg).
func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// scramErrorf returns an error for the SCRAM-SHA-256 exchange.
func scramErrorf(format string, args ...any) error {
	return fmt.Errorf("imaplib: "+scramMech+": "+format, args...)
}

// errUnexpectedChallenge is the error for a challenge after the mechanism's
// last response.
func errUnexpectedChallenge(mech string) error {
	return fmt.Errorf("imaplib: %s: unexpected server challenge after the exchange ended", mech)
}
