package imaplib_test

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/goimaplib/imaplib"
)

// The examples call the AuthFuncs the way IMAP4.Authenticate does: with each
// base64-decoded challenge, printing the base64 the engine would send.

func ExamplePlainAuth() {
	// On a connection:
	//	typ, data, err := m.Authenticate("PLAIN", imaplib.PlainAuth("", "alice", "secret"))
	auth := imaplib.PlainAuth("", "prem", "pass")
	resp, err := auth(nil) // the server's empty "+ " challenge
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(base64.StdEncoding.EncodeToString(resp))

	_, err = imaplib.PlainAuth("", "alice", "se\x00cret")(nil)
	fmt.Println(err)
	// Output:
	// AHByZW0AcGFzcw==
	// imaplib: PLAIN: password contains a NUL character
}

func ExampleXOAuth2() {
	// On a connection:
	//	typ, data, err := m.Authenticate("XOAUTH2", imaplib.XOAuth2("someuser@example.com", token))
	auth := imaplib.XOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
	resp, _ := auth(nil)
	fmt.Println(base64.StdEncoding.EncodeToString(resp))

	// A refused token: the server sends a JSON error, the client an empty line.
	resp, err := auth([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`))
	fmt.Printf("%q %v\n", resp, err)
	// Output:
	// dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==
	// "" <nil>
}

func ExampleOAuthBearer() {
	// On a connection to server.example.com:143:
	//	typ, data, err := m.Authenticate("OAUTHBEARER",
	//		imaplib.OAuthBearer("user@example.com", "server.example.com", 143, token))
	auth := imaplib.OAuthBearer("user@example.com", "server.example.com", 143, "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==")
	resp, _ := auth(nil)
	fmt.Println(base64.StdEncoding.EncodeToString(resp))

	// A refused token: the server sends a JSON error, the client "\x01".
	resp, _ = auth([]byte(`{"status":"invalid_token"}`))
	fmt.Println(base64.StdEncoding.EncodeToString(resp))
	// Output:
	// bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB
	// AQ==
}

func ExampleScramSHA256() {
	// On a connection whose capabilities include AUTH=SCRAM-SHA-256:
	//	typ, data, err := m.Authenticate("SCRAM-SHA-256", imaplib.ScramSHA256("alice", "secret"))
	auth := imaplib.ScramSHA256("alice", "secret")
	first, _ := auth(nil)
	// The client-first message ends with a random nonce.
	fmt.Println(strings.HasPrefix(string(first), "n,,n=alice,r="))

	// A server whose nonce does not extend the client's is refused; the
	// engine then sends "*" and Authenticate returns the error.
	_, err := auth([]byte("r=forged,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
	fmt.Println(err)
	// Output:
	// true
	// imaplib: SCRAM-SHA-256: server nonce does not extend the client nonce
}
